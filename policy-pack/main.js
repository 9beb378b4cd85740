// The pack's entry point (package.json main): what `pulumi preview --policy-pack` and the guard load
// through @pulumi/pulumi's run-policy-pack.
//
// The runner registers ts-node with type checking forced on (cmd/run-policy-pack/run.ts passes
// `typeCheck: true`, whatever PULUMI_NODEJS_TRANSPILE_ONLY says), and 64% of the pack's start went to
// type-checking .d.ts files. A .js entry is not compiled by ts-node; it replaces the .ts handler with
// SWC's transpiler (swcRegister.js), so the rules load in a fraction of the time. Types are still
// checked, once, by `npm run lint`.
"use strict";
require("./swcRegister");
require("./index.ts");
