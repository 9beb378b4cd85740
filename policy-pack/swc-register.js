// Runs TypeScript in Node without type checking: each .ts file is transpiled with SWC as Node requires
// it. One hook for the whole project: the pack's entry point (main.js) loads it, and so does every
// command of the repository (scripts/register.js: npm start, the CLIs, mocha, the processes tests start).
// It lives in the pack because the pack is published and run on its own, without the repository.
//
// Loading the TypeScript compiler alone costs ~0.85 s of a process's start, and ts-node loads it even
// with transpileOnly; @swc/core loads in ~0.05 s. Types are checked once, by `npm run lint`
// (tsc --noEmit includes policy-pack/), which CI runs: a type error fails there, not at every start.
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
