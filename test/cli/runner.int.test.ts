/**
 * What the runner (cli/runner.ts) does for a command run as a process: everything it printed reaches a
 * reader of the pipe, however slow, before it exits; a reader that goes away (EPIPE) is a non-zero exit;
 * an exception nobody caught, or a rejection nobody handled, is exit 70 with one line.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { toDeployment } from "../../plan/checkpoint";
import type { PlanResourceState } from "../../plan/types";
import { REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";

interface Exited {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The node arguments package.json's script NAME runs (`node -r ./scripts/register.js cli/X.ts`). */
function scriptArgs(name: string): string[] {
  const scripts = (
    JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [node, ...args] = scripts[name].split(" ");
  expect(node).to.equal("node");
  return args;
}

/**
 * Runs node with `args` from the repository; reads its stdout as `reader` says: "slow" takes one chunk
 * every 10 ms (a pipe the writer fills long before it is read), "closed" closes the pipe at once.
 */
function run(args: string[], reader: "normal" | "slow" | "closed" = "normal"): Promise<Exited> {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  const chunks: Buffer[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  if (reader === "closed") {
    child.stdout.destroy();
  } else {
    child.stdout.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (reader === "slow") {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 10);
      }
    });
  }
  return new Promise((resolve) => {
    child.once("close", (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
  });
}

/** A checkpoint of `count` buckets with 2 KB of values each: a destroy plan of it prints about 6 MB. */
function bigCheckpoint(file: string, count: number): void {
  const resources: PlanResourceState[] = [];
  for (let index = 0; index < count; index++) {
    const urn = `urn:pulumi:dev::big::aws:s3/bucket:Bucket::b${index}`;
    resources.push({
      type: "aws:s3/bucket:Bucket",
      urn,
      custom: true,
      id: `b${index}`,
      inputs: { bucket: `b${index}`, tags: { note: "x".repeat(1000) } },
      outputs: { arn: `arn:aws:s3:::b${index}`, tags: { note: "y".repeat(1000) } },
      dependencies: [],
      propertyDependencies: {},
    });
  }
  writeFileSync(file, JSON.stringify(toDeployment({ resources }, new Date())));
}

describe("cli/runner as a process: flushing, closed pipes, uncaught errors", function () {
  this.timeout(60_000);
  const workDir = useTempDir("runner", { per: "suite" });
  const COUNT = 2500;
  let state: string;

  before(() => {
    state = path.join(workDir(), "big-checkpoint.json");
    bigCheckpoint(state, COUNT);
  });

  it("a slow reader of `npm run synth`'s 6 MB plan gets all of it, and the exit is 0", async () => {
    const result = await run([...scriptArgs("synth"), "--destroy", "--state", state], "slow");
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.length).to.be.above(6_000_000);
    const plan = JSON.parse(result.stdout.toString("utf8")) as { steps: unknown[] };
    expect(plan.steps).to.have.length(COUNT);
  });

  it("a reader that closes the pipe (EPIPE) makes the command exit 2, saying why on stderr", async () => {
    const result = await run([...scriptArgs("synth"), "--destroy", "--state", state], "closed");
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/^error: stdout: EPIPE: the output could not be written\n$/);
  });

  it("stdout on a full device (ENOSPC, /dev/full) makes `npm run synth` exit 2, saying why", async () => {
    // Linux's full device: every write to it fails with ENOSPC, as on a full disk. A write to a file or
    // device reports its failure on a later tick, after the stream's buffer is already empty; a plan of
    // the project's own stack (22 KB, one write) exited 0 when the exit waited for the buffer alone.
    const out = openSync("/dev/full", "w");
    try {
      const child = spawn(process.execPath, [...scriptArgs("synth"), "--stack", "dev"], {
        cwd: REPO_ROOT,
        stdio: ["ignore", out, "pipe"],
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      });
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
      expect(code, stderr).to.equal(2);
      expect(stderr).to.match(/error: stdout: ENOSPC: the output could not be written\n$/);
    } finally {
      closeSync(out);
    }
  });

  /** A command whose body runs `body` (JavaScript source) and then waits 200 ms, run with runMain. */
  function faulty(body: string, extra: string[] = []): Promise<Exited> {
    const script = [
      'const { defineCommand, runMain } = require("./cli/runner.ts");',
      "runMain(defineCommand({ name: 'faulty', summary: 's', options: {}, async run() {",
      body,
      "  await new Promise((resolve) => setTimeout(resolve, 200));",
      "  return 0;",
      // Under `node -e`, the arguments after `--` start at process.argv[1].
      "} }), process.argv.slice(1));",
    ].join("\n");
    return run(["-r", "./scripts/register.js", "-e", script, "--", ...extra]);
  }

  it("an uncaught exception is an internal error: exit 70, one line", async () => {
    const result = await faulty('setTimeout(() => { throw new RangeError("lost in a timer"); }, 10);');
    expect(result.code).to.equal(70);
    expect(result.stderr).to.match(
      /^error: internal error: RangeError: lost in a timer \(run again with --verbose for the stack trace\)\n$/,
    );
  });

  it("an unhandled rejection is an internal error: exit 70, its stack with --verbose", async () => {
    const result = await faulty('Promise.reject(new Error("nobody awaited this"));', ["--verbose"]);
    expect(result.code).to.equal(70);
    expect(result.stderr).to.match(
      /^error: internal error: Error: nobody awaited this\nError: nobody awaited/,
    );
    expect(result.stderr).to.match(/\n\s+at /);
  });
});
