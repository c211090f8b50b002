// Preload for Espruino's own CLI (`node -r THIS node_modules/espruino/bin/espruino-cli.js -p
// PATH ...`): it opens only ports that serialport's list() reports, which on Linux are the tty
// devices udev knows (`udevadm info -e`). A pseudo-terminal is never among them, so the CLI
// says `Port "/dev/pts/3" not found`. This adds the paths in ESPDMA_PTY (comma-separated) to
// that list; the CLI then opens them with serialport as it opens /dev/ttyACM0.
const Module = require("module");
const extra = (process.env.ESPDMA_PTY || "").split(",").filter(Boolean);
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const m = load.apply(this, arguments);
  if (request === "serialport" && m && m.SerialPort && !m.SerialPort.__espdmaPty) {
    const list = m.SerialPort.list.bind(m.SerialPort);
    m.SerialPort.list = async () => {
      let ports = [];
      try { ports = await list(); } catch (e) { /* no udevadm: no list */ }
      return ports.concat(extra.filter((p) => !ports.some((q) => q.path === p)).map((path) => ({ path, manufacturer: "espdma sim --pty" })));
    };
    m.SerialPort.__espdmaPty = true;
  }
  return m;
};
