// The project's layers and what may import what: one table (LAYERS), enforced by the ESLint rule
// `local/layers` (eslint.config.mjs) and shown in docs/architecture.md (a test holds the page to it).
//
// Each entry is a path prefix of the repository (a folder, or one file); the most specific entry
// that contains a file is the one that rules it. A file may import, besides node_modules and its own
// entry's files, what its entry's `may` lists, except what its `mayNot` lists. Relative imports are
// resolved to the file they name (`../sandbox` is sandbox/index.ts), type-only imports included.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

const LAYER_0 = ["common", "infra"];

/** Lowest layer first; `why` is what docs/architecture.md says of the entry. */
const LAYERS = [
  {
    path: "infra",
    layer: 0,
    may: [],
    why: "the Pulumi program and components: copyable and publishable alone",
  },
  { path: "policy-pack", layer: 0, may: [], why: "published alone (Apache-2.0): guards any program" },
  { path: "common", layer: 0, may: [], why: "the UserError brand and tiny shared helpers; no I/O at import" },
  { path: "examples", layer: 0, may: [], why: "Pulumi programs users run the commands on" },
  { path: "plan", layer: 1, may: [...LAYER_0], why: "the offline plan engine" },
  {
    path: "sandbox",
    layer: 2,
    may: [...LAYER_0, "plan"],
    why: "the emulated cloud and the one access engine",
  },
  {
    path: "sandbox/iam",
    layer: 2,
    may: [...LAYER_0, "plan", "sandbox"],
    mayNot: ["sandbox/kms"],
    why: "the access engine: reads keys and grants through interfaces it declares, so kms/ builds on it",
  },
  {
    path: "sandbox/iam/evaluation",
    layer: 2,
    may: ["sandbox/iam"],
    why: "the policy evaluator: pure, nothing of the project outside sandbox/iam/",
  },
  {
    path: "guard",
    layer: 3,
    may: [...LAYER_0, "plan"],
    why: "drives the policy pack over its Analyzer service",
  },
  {
    path: "checks",
    layer: 3,
    may: [...LAYER_0, "plan"],
    why: "data-access checks against any endpoint: never the sandbox's internals",
  },
  {
    path: "access",
    layer: 3,
    may: [...LAYER_0, "plan", "sandbox/engine.ts"],
    why: "the static access proof: the sandbox's engine through its public API only",
  },
  {
    path: "scenario",
    layer: 4,
    may: [...LAYER_0, "policy-pack", "examples", "plan", "sandbox", "guard", "checks", "access"],
    why: "the steps of `npm start`",
  },
  { path: "cli", layer: 5, may: ["*"], why: "the one runner and every command's entry point" },
  { path: "bench", layer: 5, may: ["*"], why: "benchmarks" },
  { path: "scripts", layer: 5, may: ["*"], why: "the test runner, the .ts hook, this table" },
  { path: "test", layer: 5, may: ["*"], why: "tests and their support" },
];

/** The repository-relative path (forward slashes) of the file a relative import names, or undefined. */
function resolveImport(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.d.ts`,
    `${base}.js`,
    `${base}/index.ts`,
    `${base}/index.js`,
  ]) {
    try {
      if (fs.statSync(candidate).isFile()) {
        return path.relative(ROOT, candidate).split(path.sep).join("/");
      }
    } catch {
      // not this candidate
    }
  }
  // A file that does not exist yet still belongs to a folder: judge the path as written.
  return path.relative(ROOT, base).split(path.sep).join("/");
}

function within(file, prefix) {
  return file === prefix || file.startsWith(`${prefix}/`);
}

/** The entry that rules `file`: the longest path prefix that contains it. */
function entryOf(file) {
  let found;
  for (const entry of LAYERS) {
    if (within(file, entry.path) && (found === undefined || entry.path.length > found.path.length)) {
      found = entry;
    }
  }
  return found;
}

/** Why `from` may not import `to` (repository-relative paths), or undefined when it may. */
function violation(from, to) {
  const entry = entryOf(from);
  if (entry === undefined || within(to, entry.path) || entryOf(to) === undefined) {
    return undefined;
  }
  const allowed = entry.may.includes("*") || entry.may.some((prefix) => within(to, prefix));
  const denied = (entry.mayNot ?? []).some((prefix) => within(to, prefix));
  if (allowed && !denied) {
    return undefined;
  }
  const may =
    entry.may.length === 0
      ? "nothing of the project"
      : entry.may.map((p) => (p.endsWith(".ts") ? p : `${p}/`)).join(", ");
  const except = entry.mayNot === undefined ? "" : ` but ${entry.mayNot.map((p) => `${p}/`).join(", ")}`;
  return `${entry.path}/ may not import ${to}: it imports ${may}${except} (docs/architecture.md, Layers)`;
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "the project's layers: what each folder may import (scripts/eslintLayers.cjs)" },
    schema: [],
    messages: { layer: "{{why}}" },
  },
  create(context) {
    const from = path.relative(ROOT, context.filename).split(path.sep).join("/");
    if (from.startsWith("..") || entryOf(from) === undefined) {
      return {};
    }
    const check = (node, source) => {
      if (
        source === null ||
        source === undefined ||
        typeof source.value !== "string" ||
        !source.value.startsWith(".")
      ) {
        return;
      }
      const why = violation(from, resolveImport(context.filename, source.value));
      if (why !== undefined) {
        context.report({ node, messageId: "layer", data: { why } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportEqualsDeclaration: (node) => check(node, node.moduleReference?.expression),
      CallExpression: (node) => {
        if (
          node.callee.type === "Identifier" &&
          node.callee.name === "require" &&
          node.arguments.length === 1
        ) {
          check(node, node.arguments[0].type === "Literal" ? node.arguments[0] : null);
        }
      },
    };
  },
};

module.exports = { LAYERS, violation, plugin: { meta: { name: "local" }, rules: { layers: rule } } };
