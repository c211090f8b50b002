// The package as npm publishes it: `npm pack` of what prepack builds (the bundles and the host
// compiled to JavaScript, which `npm test` has just built the same way: scripts/run-tests.js),
// installed into an empty folder with its production dependencies only (no tsx, no
// TypeScript, no rollup), runs --version, --help, a scenario and exec on the virtual board's
// worker thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { builtHostIsFresh } from "../../bin/host-fresh.js";

function sh(cmd: string, args: string[], cwd: string) {
  var env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  var r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 400000, env });
  return { code: r.status, out: r.stdout, err: r.stderr, error: r.error };
}

/** Top-level packages of package-lock.json that are not devDependencies (nor only theirs). */
function productionPackages(): string[] {
  var lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
  // Optional ones (platform builds) are there only where npm installed them.
  return Object.keys(lock.packages).filter((k) => k.startsWith("node_modules/") && k.slice(13).indexOf("node_modules/") < 0 && !lock.packages[k].dev &&
    !(lock.packages[k].optional && !existsSync(k))).map((k) => k.slice(13));
}

// The packed .tgz is unpacked with the system's tar (npm would fetch the dependencies again).
var noTar = spawnSync("tar", ["--version"]).error ? "tar is not on PATH: install tar to run this test (it unpacks the npm pack tarball)" : false;

test("npm pack, then install into an empty folder with production dependencies only: espdma runs", { timeout: 600000, skip: noTar }, () => {
  var tmp = mkdtempSync(join(tmpdir(), "espdma-pack-"));
  // prepack is the two builds npm test ran before the tests: pack what they made, from a copy
  // (npm pack would run prepack again, some 15 s of CPU, to make the same files).
  var pkg = JSON.parse(readFileSync("package.json", "utf8"));
  assert.equal(pkg.scripts.prepack, "npm run build && npm run build:host");
  assert.ok(builtHostIsFresh(), "build/ is older than the sources: npm run build:host (npm test does it)");
  var src = join(tmp, "src");
  for (const p of ["bin", "build", "dist", "package.json", "package-lock.json", "README.md"]) cpSync(p, join(src, p), { recursive: true });
  var pack = sh("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], src);
  assert.equal(pack.code, 0, pack.err.slice(-3000));
  var info = JSON.parse(pack.out.slice(pack.out.indexOf("[")))[0];
  var packed: string[] = info.files.map((f: any) => f.path);
  assert.ok(packed.indexOf("build/host/cli/main.js") >= 0, "the compiled host is not in the package");
  assert.ok(packed.indexOf("dist/espdma.min.js") >= 0, "the bundle is not in the package");
  assert.deepEqual(packed.filter((f) => /\.ts$/.test(f)), [], "TypeScript sources in the package");

  // An empty folder: the package and the production closure of its dependencies, nothing else.
  var app = join(tmp, "app"), nm = join(app, "node_modules");
  mkdirSync(join(nm, "espdma"), { recursive: true });
  var untar = sh("tar", ["-xzf", join(tmp, info.filename), "-C", join(nm, "espdma"), "--strip-components=1"], tmp);
  assert.equal(untar.code, 0, untar.err);
  for (const name of productionPackages()) {
    mkdirSync(dirname(join(nm, name)), { recursive: true });
    cpSync(join("node_modules", name), join(nm, name), { recursive: true, dereference: true });
  }
  for (const dev of ["tsx", "typescript", "rollup", "esbuild"]) assert.equal(existsSync(join(nm, dev)), false, dev);
  for (var d = tmp; dirname(d) !== d; d = dirname(d)) assert.equal(existsSync(join(dirname(d), "node_modules")), false, "a node_modules above the test folder");

  var bin = join(nm, "espdma", "bin", "espdma.js");
  var v = sh(process.execPath, [bin, "--version"], app);
  assert.equal(v.code, 0, v.err);
  assert.equal(v.out.trim(), JSON.parse(readFileSync("package.json", "utf8")).version);
  var h = sh(process.execPath, [bin, "--help"], app);
  assert.equal(h.code, 0, h.err);
  assert.match(h.out, /Usage: espdma/);
  var t = sh(process.execPath, [bin, "test", "--scenario", "memcpy-ok"], app);
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /^OK: 1 passed, 0 failed on pico$/m);
  // exec (and repl) run the virtual board on a worker thread, whose entry is loaded by path:
  // it must be in the package too (it was not: "Cannot find module .../board-worker.mjs").
  var x = sh(process.execPath, [bin, "exec", "--virtual", "pico", "print(6*7)"], app);
  assert.equal(x.code, 0, x.err);
  assert.equal(x.out.trim(), "42");
  assert.ok(readdirSync(nm).length > 1);
});
