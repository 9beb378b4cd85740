/**
 * Temporary directories for tests, each removed after its test (or its file) whatever the outcome: the
 * run fails on any file left behind (test/setup.ts), and a sandbox data dir holds secret keys.
 *
 *   const workDir = useTempDir("sandbox-cli");   // inside a describe: a fresh directory per test
 *   it("…", () => fs.writeFileSync(path.join(workDir(), "outputs.json"), "{}"));
 *
 *   await withTempDir("amp", (dir) => …);          // one block: removed when the body settles
 *
 * Directories are removed by the root hooks of test/setup.ts, which mocha runs after every hook of the
 * test's own suites: a sandbox that an `afterEach` stops is stopped before its data dir goes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Directories to remove after the current test, and after the current file. */
const afterTest: string[] = [];
const afterFile: string[] = [];

function create(prefix: string, within = os.tmpdir()): string {
  return fs.mkdtempSync(path.join(within, `${prefix}-`));
}

function removeAll(dirs: string[]): void {
  for (const dir of dirs.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Registers, in the calling describe, a directory made before each test and removed after it; returns
 * its path's getter. `per: "suite"`: one directory, made before the suite's first test and removed
 * after the file (under --parallel) or the run (a serial run).
 */
export function useTempDir(prefix: string, options: { per?: "test" | "suite" } = {}): () => string {
  let dir: string | undefined;
  if (options.per === "suite") {
    before(() => {
      dir = create(prefix);
      afterFile.push(dir);
    });
  } else {
    beforeEach(() => {
      dir = create(prefix);
      afterTest.push(dir);
    });
  }
  return () => {
    if (dir === undefined) {
      throw new Error(`useTempDir("${prefix}"): the directory exists only while a test runs`);
    }
    return dir;
  };
}

/** A directory for the length of `body`, removed when it settles. */
export async function withTempDir<T>(prefix: string, body: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = create(prefix);
  try {
    return await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A directory removed after the current test, for a test that needs one without a describe-level hook.
 * `within`: the parent directory (default the run's temporary directory).
 */
export function tempDirForThisTest(prefix: string, options: { within?: string } = {}): string {
  const dir = create(prefix, options.within);
  afterTest.push(dir);
  return dir;
}

/** Root hooks (test/setup.ts): after every test, and after every file. */
export function removeTestTempDirs(): void {
  removeAll(afterTest);
}

export function removeFileTempDirs(): void {
  removeAll(afterTest);
  removeAll(afterFile);
}
