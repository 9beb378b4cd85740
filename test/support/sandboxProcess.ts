/**
 * Runs the sandbox CLI (`cli/sandbox.ts`) as a child process, as `npm run sandbox` does, and waits until
 * it says where it serves: for the CLI tests and the kill -9 test.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from "node:child_process";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { main } from "../../cli/sandbox";
import { runMainInProcess, type CliRun } from "./inProcessCli";
import { REPO_ROOT } from "./paths";

const CLI = path.join(REPO_ROOT, "cli", "sandbox.ts");
const REGISTER = path.join(REPO_ROOT, "scripts", "register.js");
const READY = /is served at (http:\/\/127\.0\.0\.1:\d+)/;

/** The CLI as `npm run sandbox` runs it (SWC-transpiled) from any working directory (it reads the stack files from there, as npm does). */
function spawnCli(args: string[], cwd: string): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ["-r", REGISTER, CLI, ...args], {
    cwd,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export interface CliProcess {
  child: ChildProcess;
  endpoint: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the CLI; resolves once it serves, rejects (with its stderr) if it exits or takes too long first. */
export function startCli(args: string[], timeoutMs = 60_000): Promise<CliProcess> {
  const child = spawnCli(args, REPO_ROOT);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the sandbox CLI did not start within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    const onData = () => {
      const ready = READY.exec(stdout);
      if (ready !== null) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        resolve({ child, endpoint: ready[1], stdout: () => stdout, stderr: () => stderr, exited });
      }
    };
    child.stdout.on("data", onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox CLI exited with ${code} before serving; stderr:\n${stderr}`));
    });
  });
}

/**
 * Runs the CLI's exported main(argv) to completion in this process (for its error paths, which exit
 * before serving), from `cwd` as npm would run it there; resolves with its exit code and output.
 */
export function runCliToExit(args: string[], cwd = REPO_ROOT): Promise<CliRun> {
  return runMainInProcess(main, args, cwd);
}

/**
 * Runs the CLI as a process to its exit (for the error paths that only a process shows: a rejection
 * nobody awaited reaches the runner's process handlers), from `cwd`; at most `timeoutMs`.
 */
export function runCliProcess(args: string[], cwd = REPO_ROOT, timeoutMs = 60_000): Promise<CliRun> {
  const child = spawnCli(args, cwd);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
