// Loaded by mocha before every test file (.mocharc.json).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runFilesEnd } from "./support/runEnd";
import { removeFileTempDirs, removeTestTempDirs } from "./support/tempDir";

// AWS SDK v3 warns once per process on Node < 22; the tests run on Node 20 by design.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// Every test cleans up its temporary files. Each mocha run gets its own temporary directory (child
// processes inherit TMPDIR, and os.tmpdir() reads it at each call), and the run fails if anything is
// left in it: a test that leaves a file behind (a report, a data dir holding secret keys) is a defect.

const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), "kms-dynamodb-test-run-"));
process.env.TMPDIR = runTmp;
process.on("exit", () => fs.rmSync(runTmp, { recursive: true, force: true }));

export const mochaHooks = {
  // After every hook of the test's own suites (a sandbox stopped before its data dir goes).
  afterEach(): void {
    removeTestTempDirs();
  },
  // Runs after the whole run, or, under --parallel, after each file in its worker (files run one at a
  // time in a worker): the directory stays for the worker's next file, its leftovers are removed.
  async afterAll(): Promise<void> {
    // Connections a file's helpers kept (the shared policy pack's clients) close before the next file.
    await runFilesEnd();
    removeFileTempDirs();
    // v8-compile-cache (loaded by a tool a test spawns) keeps its compile cache there: not a test's file.
    const left = fs.readdirSync(runTmp).filter((name) => !name.startsWith("v8-compile-cache"));
    for (const name of left) {
      fs.rmSync(path.join(runTmp, name), { recursive: true, force: true });
    }
    if (left.length > 0) {
      throw new Error(`the tests left temporary files behind: ${left.join(", ")}`);
    }
  },
};
