// Runs the project's TypeScript in Node without type checking: `node -r ./scripts/register.js FILE.ts`.
//
// Every command (npm start, the CLIs, mocha and the processes tests start) transpiles each .ts file with
// SWC as Node requires it. Loading the TypeScript compiler alone costs ~0.85 s of a process's start,
// and ts-node loads it even with transpileOnly; @swc/core loads in ~0.05 s. Types are checked once, by
// `npm run lint` (tsc --noEmit), which CI runs: a type error fails there, not at every start.
"use strict";
const fs = require("node:fs");
const { transformSync } = require("@swc/core");
const sourceMapSupport = require("source-map-support");

// The same emit as tsconfig.json (target ES2022, CommonJS, esModuleInterop).
const SWC_OPTIONS = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs", strict: false, noInterop: false },
  sourceMaps: true,
  swcrc: false,
  configFile: false,
};

// Stack traces point at the .ts lines. Maps are looked up only when a stack trace is printed:
// Node's own --enable-source-maps reads the map of every module at load, which took ~7% of a start.
const maps = new Map();
sourceMapSupport.install({
  environment: "node",
  handleUncaughtExceptions: false,
  retrieveSourceMap: (file) => (maps.has(file) ? { url: file, map: maps.get(file) } : null),
});

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code, map } = transformSync(fs.readFileSync(filename, "utf8"), { ...SWC_OPTIONS, filename });
  maps.set(filename, map);
  module._compile(code, filename);
};
