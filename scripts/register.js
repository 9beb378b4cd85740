// Runs the project's TypeScript in Node without type checking: `node -r ./scripts/register.js FILE.ts`.
//
// Every command (npm start, the CLIs, mocha and the processes tests start) transpiles each .ts file with
// SWC as Node requires it. Loading the TypeScript compiler alone costs ~0.85 s of a process's start,
// and ts-node loads it even with transpileOnly; @swc/core loads in ~0.05 s. Types are checked once, by
// `npm run lint` (tsc --noEmit), which CI runs: a type error fails there, not at every start.
"use strict";
const fs = require("node:fs");
const { transformSync } = require("@swc/core");

// The same emit as tsconfig.json (target ES2022, CommonJS, esModuleInterop), with inline source maps
// so stack traces point at the .ts lines.
const SWC_OPTIONS = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs", strict: false, noInterop: false },
  sourceMaps: "inline",
  swcrc: false,
  configFile: false,
};

process.setSourceMapsEnabled(true);

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const { code } = transformSync(source, { ...SWC_OPTIONS, filename });
  module._compile(code, filename);
};
