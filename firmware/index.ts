// placeholder, replaced by the core
export var version = "0.1.0";
