// The firmware's TypeScript to ES5 for rollup: TypeScript's own transpileModule, one file at a
// time, with tsconfig.firmware.json's options. The minified bundles are byte for byte what
// @rollup/plugin-typescript wrote (checked 2026-12-02); it builds in about half the CPU time
// because no program is type-checked per bundle. Types are checked once, by `tsc -p
// tsconfig.firmware.json --noEmit` in `npm run build`.
import ts from "typescript";

export default function tsEs5(configPath) {
  var host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } };
  var options = ts.getParsedCommandLineOfConfigFile(configPath, {}, host).options;
  return {
    name: "ts-es5",
    resolveId(source, importer) {
      if (!importer || !/^\.\.?\//.test(source)) return null;
      var r = ts.resolveModuleName(source, importer, options, ts.sys).resolvedModule;
      return r && !r.isExternalLibraryImport ? r.resolvedFileName : null;
    },
    transform(code, id) {
      if (!/\.ts$/.test(id)) return null;
      var out = ts.transpileModule(code, { compilerOptions: { ...options, sourceMap: false }, fileName: id, reportDiagnostics: true });
      var bad = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
      if (bad.length) this.error(id + ": " + ts.flattenDiagnosticMessageText(bad[0].messageText, "\n"));
      return { code: out.outputText, map: null };
    },
  };
}
