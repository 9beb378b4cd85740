// The pack's entry point (package.json main): what `pulumi preview --policy-pack` and the guard load
// through @pulumi/pulumi's run-policy-pack.
//
// The runner registers ts-node with type checking forced on (cmd/run-policy-pack/run.ts passes
// `typeCheck: true`, whatever PULUMI_NODEJS_TRANSPILE_ONLY says), and 64% of the pack's start went to
// type-checking .d.ts files. A .js entry is not compiled by ts-node; it replaces the .ts handler with
// SWC's transpiler, so the rules load in a fraction of the time. Types are still checked, once, by
// `npm run lint` (tsc includes policy-pack/). The pack is installed and run on its own (it is not tied
// to the repository's scripts/), so it carries this handler itself.
"use strict";
const fs = require("node:fs");
const { transformSync } = require("@swc/core");
const sourceMapSupport = require("source-map-support");

const SWC_OPTIONS = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
  sourceMaps: true,
  swcrc: false,
  configFile: false,
};

// The runner installs source-map-support; this hands it the rules' maps, so a rule's stack trace
// points at its .ts lines.
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

require("./index.ts");
