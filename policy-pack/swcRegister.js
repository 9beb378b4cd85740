// Runs TypeScript in Node without type checking: each .ts file is transpiled with SWC as Node requires
// it. One hook for the whole project: the pack's entry point (main.js) loads it, and so does every
// command of the repository (scripts/register.js: npm start, the CLIs, mocha, the processes tests start).
// It lives in the pack because the pack is published and run on its own, without the repository.
//
// Loading the TypeScript compiler alone costs ~0.85 s of a process's start, and ts-node loads it even
// with transpileOnly; @swc/core loads in ~0.05 s. Types are checked once, by `npm run lint`
// (tsc --noEmit includes policy-pack/), which CI runs: a type error fails there, not at every start.
//
// A compile cache keeps SWC itself out of most processes: SWC's native module adds ~20 MB of resident
// memory when it loads and ~20 MB more once it has transpiled a few dozen files, in every process (npm
// start runs two: the scenario and the policy pack). Each transpiled file is stored under
// node_modules/.cache/kms-dynamodb-swc, named by a hash of what determines the output (SWC's version,
// the options below, the file's path and its text), so an edited file, a moved one or another SWC is a
// miss and is transpiled again; a hit is read back as SWC wrote it. SWC is loaded on the first miss
// only. `npm ci` empties node_modules and the postinstall script fills the cache again
// (scripts/precompile.js).
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

// The same emit as tsconfig.json (target ES2022, CommonJS, esModuleInterop).
const SWC_OPTIONS = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs", strict: false, noInterop: false },
  sourceMaps: true,
  swcrc: false,
  configFile: false,
};

// The node_modules that holds @swc/core (resolving a path does not load the module): the repository's,
// or the folder's where the pack is installed on its own.
const SWC_DIR = path.dirname(require.resolve("@swc/core/package.json"));
const CACHE_DIR = path.join(SWC_DIR, "..", "..", ".cache", "kms-dynamodb-swc");

let swc;
let cacheSalt;

function loadSwc() {
  swc ??= require("@swc/core");
  return swc;
}

/** What, besides a file's path and text, decides SWC's output: its version and the options. */
function salt() {
  cacheSalt ??= `${JSON.parse(fs.readFileSync(path.join(SWC_DIR, "package.json"), "utf8")).version}\0${JSON.stringify(SWC_OPTIONS)}`;
  return cacheSalt;
}

function cacheKey(source, filename) {
  return crypto
    .createHash("sha256")
    .update(salt())
    .update("\0")
    .update(filename)
    .update("\0")
    .update(source)
    .digest("hex");
}

/**
 * The CommonJS for one TypeScript file: from the cache when this text of this file was transpiled
 * before by this SWC with these options, else from SWC (and stored). `map` is a function: the source
 * map is read only when a stack trace needs it.
 */
function transpile(source, filename, cacheDir = CACHE_DIR) {
  const entry = cacheEntry(source, filename, cacheDir);
  try {
    const code = fs.readFileSync(`${entry}.js`, "utf8");
    return { code, map: () => fs.readFileSync(`${entry}.js.map`, "utf8"), cached: true };
  } catch {
    // A miss (or an unreadable entry): transpile.
  }
  const { code, map } = loadSwc().transformSync(source, { ...SWC_OPTIONS, filename });
  store(entry, code, map);
  return { code, map: () => map, cached: false };
}

/** Where this text of this file is cached: `${entry}.js` and `${entry}.js.map`. */
function cacheEntry(source, filename, cacheDir = CACHE_DIR) {
  return path.join(cacheDir, cacheKey(source, filename));
}

// The map first, then the code, each renamed into place whole: a reader that finds the code finds a
// complete entry, even with several processes filling the cache at once (mocha's workers, the pack).
// A cache that cannot be written (a read-only install) only costs the next process a transpile.
function store(entry, code, map) {
  try {
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    for (const [file, text] of [
      [`${entry}.js.map`, map],
      [`${entry}.js`, code],
    ]) {
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, text);
      fs.renameSync(temp, file);
    }
  } catch {
    // Not cached; the code is still right.
  }
}

// Stack traces point at the .ts lines. Maps are read and parsed only when a stack through a file this
// hook compiled is formatted: Node's own --enable-source-maps reads the map of every module at load,
// which took ~7% of a start. Each frame is V8's own text with the position mapped; frames elsewhere
// (Node's, dependencies') are V8's text unchanged. This replaces source-map-support, which formats
// every stack in JavaScript, copies each frame and looks for a map beside every file, node_modules
// included: @pulumi/pulumi reads `new Error().stack` for every promise it creates
// (runtime/debuggable.js), and that took ~0.5 s of CPU in an npm start.
const maps = new Map();
const consumers = new Map();

function consumerFor(file) {
  let consumer = consumers.get(file);
  if (consumer === undefined) {
    try {
      const { SourceMapConsumer } = require("source-map");
      consumer = new SourceMapConsumer(maps.get(file)());
    } catch {
      consumer = null;
    }
    consumers.set(file, consumer);
  }
  return consumer;
}

function frameText(frame) {
  const text = String(frame);
  const file = frame.getFileName();
  if (!maps.has(file)) {
    return text;
  }
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  const consumer = consumerFor(file);
  if (consumer === null || line === null || column === null) {
    return text;
  }
  // V8 counts columns from 1, source maps from 0.
  const original = consumer.originalPositionFor({ line, column: column - 1 });
  const generated = `${file}:${line}:${column}`;
  const at = text.lastIndexOf(generated);
  if (original.line === null || at < 0) {
    return text;
  }
  return `${text.slice(0, at)}${file}:${original.line}:${original.column + 1}${text.slice(at + generated.length)}`;
}

// The first line as V8 writes it (ErrorUtils::ToString): "name: message", or whichever is not empty.
function errorLine(error) {
  const name = error.name === undefined ? "Error" : String(error.name);
  const message = error.message === undefined ? "" : String(error.message);
  return name === "" ? message : message === "" ? name : `${name}: ${message}`;
}

Error.prepareStackTrace = function prepareStackTrace(error, frames) {
  let text;
  try {
    text = errorLine(error);
  } catch {
    text = "Error";
  }
  for (const frame of frames) {
    let line;
    try {
      line = frameText(frame);
    } catch {
      line = String(frame);
    }
    text += `\n    at ${line}`;
  }
  return text;
};

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code, map } = transpile(fs.readFileSync(filename, "utf8"), filename);
  maps.set(filename, map);
  module._compile(code, filename);
};

module.exports = { transpile, cacheEntry, CACHE_DIR };
