// The `espdma` command: a declarative table of subcommands (commander). Each action is a thin
// call into ./commands (library functions tests call directly); one error path prints a clear
// message and sets the exit code (1: a test failed, 2: could not do what was asked).
import { Command, Option } from "commander";
import { boardsCommand, CliError, flashCommand, portsCommand, simCommand, stdio, testCommand, webCommand } from "./commands";
import { replCommand, execCommand } from "./repl";
import { onUserInterrupt } from "../virtual-board/transports/interrupt";
import { jsonError } from "./report";
import { target } from "./commands";
import { scenarios } from "../scenarios/catalog";
import { registerRaceCommand } from "../race/command";
import { ROOT } from "../scenarios/bundle";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { simPtyCommand } from "./sim-pty";

/** sim's transport: the pty (--pty) or TCP; one at a time. */
async function simTarget(o: any, tcpGiven: boolean): Promise<{ close(): Promise<void> }> {
  if (o.pty && tcpGiven) throw new CliError("Give either --pty or --tcp, not both (run two sims to serve both).");
  if (o.link && !o.pty) throw new CliError("--link names the pty: use it with --pty.");
  return o.pty ? simPtyCommand(o) : simCommand(o);
}

function collect(v: string, prev: string[]): string[] {
  return prev.concat(v.split(",").filter(Boolean));
}

function targetOptions(c: Command): Command {
  return c
    .addOption(new Option("-p, --port [path]", "serial port of a real board (/dev/ttyACM0, COM3), auto (the one Espruino attached, by USB ID; also --port alone) or tcp://HOST:PORT").conflicts("virtual"))
    .option("-b, --baud <n>", "baud rate of the serial port", "115200")
    .addOption(new Option("--virtual <board>", "use an in-process virtual board (pico, wifi, original, f4discovery, puckjs, pixljs, mdbt42q, banglejs2); the default, as pico"));
}

/** The version in package.json (the compiled host and the sources read the same file). */
function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
  } catch (e) {
    return "unknown";
  }
}

export function program(): Command {
  var p = new Command("espdma")
    .description("DMA driver for Espruino boards: flash it, test it over serial, debug it in the REPL, simulate a board")
    .showHelpAfterError("(run with --help for usage)")
    .version(packageVersion(), "-V, --version", "print the version of espdma")
    .exitOverride();

  targetOptions(p.command("test").description("run the test scenarios on a board and check the invariants"))
    .option("-s, --scenario <name>", "run only this scenario (repeatable, or comma-separated); names: " + scenarios.map((s) => s.name).join(", "), collect, [])
    .option("--seed <n>", "seed of random sizes/offsets and of the virtual board's scheduler", "1")
    .option("--json", "print one JSON object {board, scenarios, passed, failed} and nothing else (with \"error\" when the run could not go on)")
    .option("--junit <file>", "also write a JUnit XML report")
    .option("--bundle <file>", "upload this driver bundle instead of dist/espdma.min.js (e.g. dist/espdma.js to debug)")
    .option("--verbose", "print the table of every scenario and invariant (default: one line per scenario, details of failures)")
    .action(async (o) => { process.exitCode = await testCommand(o); });

  targetOptions(p.command("flash").description("write the bundle to Storage, verify it by CRC and make it run at boot from a boot file of its own (.boot0-.boot3), before your saved code"))
    .option("--board <name>", "refuse to flash unless the board reports this name")
    .option("--bundle <file>", "flash this file instead of dist/espdma.min.js")
    .addOption(new Option("--file <path>").hideHelp())
    .option("--remove", "take espdma off the board: erase its boot file and slots (your saved code stays)")
    .action(async (o) => { process.exitCode = await flashCommand({ ...o, bundle: undefined, file: o.bundle ?? o.file }); });

  targetOptions(p.command("repl").description("interactive terminal to the board (Ctrl-] quits; .dma, .upload FILE); the virtual board starts with the driver loaded"))
    .option("-e, --eval <code>", "run this code, print what the board prints and exit (as `espdma exec`)")
    .action(async (o) => {
      if (o.eval !== undefined) { process.exitCode = await execCommand(target(o), o.eval, {}, stdio); return; }
      await replCommand(target(o), { input: process.stdin, output: process.stdout }, (s) => stdio.err(s));
    });

  // ------------------------------------------------------------------ exec (issue 13, scripted REPL)
  targetOptions(p.command("exec").description("run code on the board, print what it prints, exit (1 if it threw)").argument("<code>", "JavaScript to run"))
    .option("--wait <ms>", "keep printing the board's output this long after the code ran (its timers)", "0")
    .action(async (code, o) => {
      var wait = Number(o.wait);
      if (!(wait >= 0)) throw new CliError("Bad --wait " + JSON.stringify(o.wait) + ": give milliseconds, e.g. 1000.");
      process.exitCode = await execCommand(target(o), code, { waitMs: wait }, stdio);
    });

  p.command("sim").description("serve a virtual board on TCP or a pseudo-terminal (for espdma --port, or the espruino CLI)")
    .option("--virtual <board>", "board to simulate: pico (default), wifi, original, f4discovery")
    .addOption(new Option("--board <name>").hideHelp())
    .option("--tcp <host:port>", "address to listen on", "127.0.0.1:4000")
    .option("--pty", "serve it on a new pseudo-terminal instead (a real tty: --port /dev/pts/N)")
    .option("--link <name>", "with --pty: also make NAME a link to the pty, e.g. ./ttyESPDMA")
    .option("--seed <n>", "scheduler seed")
    .action(async (o, cmd) => {
      var s = await simTarget({ ...o, board: o.virtual ?? o.board }, cmd.getOptionValueSource("tcp") === "cli");
      // Until the user's Ctrl-C (not a SIGINT the board's Ctrl-C handling sent itself).
      await new Promise<void>((resolve) => { var off = onUserInterrupt(() => { off(); resolve(); }); });
      await s.close();
    });

  p.command("web").description("serve the page (scenario suite, REPL, flash in the browser: Web Serial, WebUSB, Web Bluetooth or an in-page virtual board) and print its URL")
    .option("--port <n>", "port to listen on (0: a free one)", "8080")
    .option("--host <addr>", "address to listen on (127.0.0.1 is a secure context, which the browser's device APIs need)", "127.0.0.1")
    .action(async (o) => {
      var port = Number(o.port);
      if (!/^\d+$/.test(String(o.port)) || port > 65535) throw new CliError("Bad --port " + JSON.stringify(o.port) + ": give a port number 0-65535.");
      var s = await webCommand({ port, host: o.host }, stdio);
      await new Promise<void>((resolve) => { var off = onUserInterrupt(() => { off(); resolve(); }); });
      await s.close();
    });

  p.command("boards").description("list the supported boards").option("--json", "as JSON")
    .action((o) => { process.exitCode = boardsCommand(o); });

  p.command("ports").description("list serial ports").option("--json", "as JSON")
    .action(async (o) => { process.exitCode = await portsCommand(o); });
  return p;
}

/** The value of an option in raw argv (--opt V, --opt=V, -o V), or undefined. */
function argValue(argv: string[], long: string, short?: string): string | undefined {
  for (var i = 0; i < argv.length; i++) {
    if ((argv[i] === long || argv[i] === short) && i + 1 < argv.length && argv[i + 1][0] !== "-") return argv[i + 1];
    if (argv[i].indexOf(long + "=") === 0) return argv[i].slice(long.length + 1);
  }
  return undefined;
}

/** Run the CLI on argv; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  var p = program();
  registerRaceCommand(p);
  try {
    await p.parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e: any) {
    if (e && typeof e.code === "string" && e.code.indexOf("commander.") === 0) {
      // --help and --version end here with exit code 0; usage errors with 2.
      if (e.exitCode === 0) return 0;
      // `test --json` promises one JSON object on stdout, a usage error included (commander
      // has printed the message on stderr).
      if (argv[0] === "test" && argv.indexOf("--json") > 0) stdio.out(JSON.stringify(jsonError(argValue(argv, "--port", "-p") ?? argValue(argv, "--virtual") ?? "pico", [], String(e.message).replace(/^error: /, ""))));
      return 2;
    }
    var msg = e && e.message ? e.message : String(e);
    stdio.err("espdma: " + msg);
    if (!(e instanceof CliError) && !(e && e.name === "LinkError") && process.env.ESPDMA_DEBUG) stdio.err(e.stack);
    return e instanceof CliError ? e.exitCode : 2;
  }
}

var invokedDirectly = process.argv[1] && /(?:bin[\\/]espdma(?:\.js)?|host[\\/]cli[\\/]main\.[tj]s)$/.test(process.argv[1]);
if (invokedDirectly) {
  // `espdma race | head`: a closed pipe ends the command quietly, as other Unix tools do.
  process.stdout.on("error", (e: any) => {
    if (e && e.code === "EPIPE") process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Nothing may keep a finished command alive (sockets, timers of a closed board).
    setImmediate(() => process.exit(code));
  });
}
