// Builds the firmware: one ES5 bundle, readable (dist/espdma.js) and minified (dist/espdma.min.js).
// TypeScript 5.9 is pinned because it is the last line that emits ES5 (TS 7 removed target ES5).
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";

const banner = "/* espdma: DMA driver for Espruino boards (ES5 bundle) */";

export default {
  input: "firmware/index.ts",
  plugins: [typescript({ tsconfig: "./tsconfig.firmware.json", noEmitOnError: true })],
  output: [
    { file: "dist/espdma.js", format: "iife", name: "espdma", banner, strict: false },
    {
      file: "dist/espdma.min.js", format: "iife", name: "espdma", strict: false,
      plugins: [terser({ ecma: 5, ie8: false, safari10: false, compress: { passes: 2 }, format: { comments: false } })],
    },
  ],
};
