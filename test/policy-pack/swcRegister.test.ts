/**
 * The .ts hook's compile cache (policy-pack/swcRegister.js): a file is transpiled by SWC once, read
 * back from the cache after that, and transpiled again whenever what decides SWC's output changes.
 * A stale hit would run old code, so each way an entry can go stale is a case here.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";

interface Transpiled {
  code: string;
  map: () => string;
  cached: boolean;
}

const REGISTER = path.join(REPO_ROOT, "policy-pack", "swcRegister.js");
// The hook is plain JavaScript (the published pack runs it as is): loaded by path, typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { transpile, cacheEntry } = require(REGISTER) as {
  transpile: (source: string, filename: string, cacheDir?: string) => Transpiled;
  cacheEntry: (source: string, filename: string) => string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { precompile } = require(path.join(REPO_ROOT, "scripts", "precompile.js")) as {
  precompile: (root: string, cacheDir: string) => { transpiled: number; total: number };
};

const SOURCE =
  'import * as path from "node:path";\nexport const answer: number = 42;\nexport const dir = path.sep;\n';

describe("compile cache of the .ts hook", () => {
  const workDir = useTempDir("compile-cache");
  let dir: string;
  let cacheDir: string;
  beforeEach(() => {
    dir = workDir();
    cacheDir = path.join(dir, "cache");
  });

  it("transpiles a file once, then reads the same CommonJS back from the cache", () => {
    const file = path.join(dir, "a.ts");
    const first = transpile(SOURCE, file, cacheDir);
    expect(first.cached).to.equal(false);
    expect(first.code).to.include("const answer = 42;").and.not.include(": number");
    const second = transpile(SOURCE, file, cacheDir);
    expect(second.cached).to.equal(true);
    expect(second.code).to.equal(first.code);
    expect(JSON.parse(second.map())).to.deep.equal(JSON.parse(first.map()));
    // One entry: the code and its source map.
    expect(fs.readdirSync(cacheDir)).to.have.length(2);
  });

  it("serves what is stored: a hit does not call SWC", () => {
    const file = path.join(dir, "a.ts");
    transpile(SOURCE, file, cacheDir);
    const entry = fs.readdirSync(cacheDir).find((name) => name.endsWith(".js")) as string;
    fs.writeFileSync(path.join(cacheDir, entry), "/* stored */");
    expect(transpile(SOURCE, file, cacheDir)).to.include({ cached: true, code: "/* stored */" });
  });

  it("transpiles again when the file's text changes", () => {
    const file = path.join(dir, "a.ts");
    transpile(SOURCE, file, cacheDir);
    const edited = transpile(SOURCE.replace("42", "43"), file, cacheDir);
    expect(edited.cached).to.equal(false);
    expect(edited.code).to.include("const answer = 43;");
  });

  it("transpiles again for the same text at another path (the source map names the file)", () => {
    transpile(SOURCE, path.join(dir, "a.ts"), cacheDir);
    const moved = transpile(SOURCE, path.join(dir, "b.ts"), cacheDir);
    expect(moved.cached).to.equal(false);
    expect(JSON.parse(moved.map()).sources.join()).to.include("b.ts");
  });

  it("still returns the code when the cache cannot be written", () => {
    const notADir = path.join(dir, "file");
    fs.writeFileSync(notADir, "");
    const result = transpile(SOURCE, path.join(dir, "a.ts"), path.join(notADir, "cache"));
    expect(result.cached).to.equal(false);
    expect(result.code).to.include("const answer = 42;");
    expect(transpile(SOURCE, path.join(dir, "a.ts"), path.join(notADir, "cache")).cached).to.equal(false);
  });

  it("maps a stack trace to the .ts line when the module came from the cache", () => {
    const file = path.join(dir, "thrower.ts");
    const source =
      "const n: number = 1;\n\nexport function boom(): never {\n  throw new Error(`boom ${n}`);\n}\n";
    fs.writeFileSync(file, source);
    // The hook caches this temporary file in the project's own cache: its entry is removed below.
    const entry = cacheEntry(source, file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (): { boom: () => never } => require(file) as { boom: () => never };
    load();
    delete require.cache[file];
    // The second load is a cache hit (the hook's own cache, under node_modules/.cache): its map is
    // read from the cache when the stack is formatted.
    const stack = (() => {
      try {
        load().boom();
      } catch (err) {
        return (err as Error).stack ?? "";
      } finally {
        delete require.cache[file];
      }
      return "";
    })();
    fs.rmSync(`${entry}.js`, { force: true });
    fs.rmSync(`${entry}.js.map`, { force: true });
    expect(stack).to.include(`${file}:4:`);
  });

  it("precompile fills the cache with the project's .ts files, not declarations or node_modules", () => {
    const root = path.join(dir, "project");
    fs.mkdirSync(path.join(root, "src"), { recursive: true });
    fs.mkdirSync(path.join(root, "node_modules", "dep"), { recursive: true });
    fs.writeFileSync(path.join(root, "src", "a.ts"), SOURCE);
    fs.writeFileSync(path.join(root, "b.ts"), SOURCE.replace("42", "7"));
    fs.writeFileSync(path.join(root, "src", "types.d.ts"), "export type T = number;\n");
    fs.writeFileSync(path.join(root, "node_modules", "dep", "index.ts"), SOURCE);
    expect(precompile(root, cacheDir)).to.deep.equal({ transpiled: 2, total: 2 });
    expect(precompile(root, cacheDir)).to.deep.equal({ transpiled: 0, total: 2 });
    // What the hook then finds: the same file, the same text, a hit.
    expect(transpile(SOURCE, path.join(root, "src", "a.ts"), cacheDir).cached).to.equal(true);
  });
});
