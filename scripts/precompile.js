// Fills the compile cache of the .ts hook (policy-pack/swcRegister.js) with every TypeScript file of
// the repository, so the first `npm start` after `npm ci` loads no transpiler either: the root
// `postinstall` runs it. Files already cached are skipped; a file edited later is transpiled when it is
// first required. `node scripts/precompile.js` prints how many files it transpiled.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { transpile } = require("../policy-pack/swcRegister");

const ROOT = path.resolve(__dirname, "..");
// Not the project's sources: dependencies, git's files, what the tools write (sandbox data dirs), and
// the fixture programs (test/fixtures/programs), which their own runtime transpiles when a test runs them.
const SKIP = new Set(["node_modules", ".git", ".sandbox", ".sandbox-data", "test-artifacts", "coverage"]);
const SKIP_PATHS = new Set([path.join(ROOT, "test", "fixtures", "programs")]);

function* typeScriptFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name) && !SKIP_PATHS.has(path.join(dir, entry.name))) {
        yield* typeScriptFiles(path.join(dir, entry.name));
      }
    } else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      yield path.join(dir, entry.name);
    }
  }
}

/** Transpiles every TypeScript file under `root` not yet in the cache; counts both. */
function precompile(root = ROOT, cacheDir = undefined) {
  let transpiled = 0;
  let total = 0;
  for (const file of typeScriptFiles(root)) {
    total++;
    if (!transpile(fs.readFileSync(file, "utf8"), file, cacheDir).cached) {
      transpiled++;
    }
  }
  return { transpiled, total };
}

if (require.main === module) {
  const { transpiled, total } = precompile();
  console.log(`precompile: ${transpiled} of ${total} TypeScript files transpiled into the compile cache`);
}

module.exports = { precompile };
