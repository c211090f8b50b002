// Globals that Espruino (and Node) provide but lib ES5 does not declare. Only the firmware
// build sees this file; under the host build @types/node declares the same names.
declare function setTimeout(fn: () => void, ms: number): any;
declare function clearTimeout(id: any): void;
declare function setInterval(fn: () => void, ms: number): any;
declare var console: { log(msg: string): void };
declare var process: { env: { [k: string]: any } };
