/**
 * Starts a Node policy pack the way the Pulumi CLI does, and connects an Analyzer gRPC client to it.
 *
 * The CLI runs `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> <pack-dir>` with the pack
 * directory as working directory (pkg/resource/plugin/analyzer_plugin.go: "we must set the plugin's
 * pwd to the policy pack directory"); the runner registers ts-node with type checking on and loads the
 * pack's entry point, policy-pack/main.js, which compiles the rules with SWC instead (types are checked
 * by `npm run lint`), and the PolicyPack constructor prints the port of its Analyzer server on stdout. The runner
 * drops <engine-address> without dialling it (cmd/run-policy-pack/index.js shifts it off argv), so no
 * engine service is needed for the pack to run.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { AnalyzerClient } from "./analyzerClient";

/** The pack could not be started (missing dependencies, a pack that fails to load): the user's to fix. */
export class PolicyPackStartError extends Error {}

/** Where the pack lives when none is given: policy-pack/ of this repository. */
export const DEFAULT_PACK_DIR = path.resolve(__dirname, "..", "policy-pack");

/** A pack that needs minutes to start is broken (type errors are reported long before). */
const START_TIMEOUT_MS = 120_000;

export interface RunningPack {
  client: AnalyzerClient;
  /** Where its Analyzer server listens (127.0.0.1:PORT): another process may connect to it too. */
  address: string;
  /** The pack's process (the benchmark reads its memory from /proc). */
  pid: number;
  /** Milliseconds from spawn to the printed port (the runner loading, SWC compiling the rules). */
  startMs: number;
  stop(): Promise<void>;
}

export async function startPolicyPack(packDir: string, log: (line: string) => void): Promise<RunningPack> {
  const runner = resolveRunner(packDir);
  const started = Date.now();
  // 127.0.0.1:0 stands where the engine puts its own address; the runner never dials it.
  const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
    cwd: packDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The pack lives no longer than this process: a command that exits while the pack still starts (a
  // mistake found while the state is read or the program runs, reported by the runner at once) would
  // otherwise leave it running. 'exit' handlers run on process.exit too, and a kill is synchronous.
  const killOnExit = (): void => {
    child.kill("SIGTERM");
  };
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  // readPort stops the pack itself when it prints no port in time, so no failure leaves it running.
  const port = await readPort(child, packDir);
  const startMs = Date.now() - started;
  const client = connectAnalyzer(`127.0.0.1:${port}`);
  log(`policy pack ${packDir} listening on 127.0.0.1:${port} after ${startMs} ms`);
  child.stdout!.on("data", (chunk: Buffer) => forwardLines(chunk, log));
  child.stderr!.on("data", (chunk: Buffer) => forwardLines(chunk, log));
  const address = `127.0.0.1:${port}`;
  return {
    client,
    address,
    pid: child.pid as number,
    startMs,
    stop: async () => {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** An Analyzer gRPC client of the pack serving at `address` (127.0.0.1:PORT); it connects on its first call. */
export function connectAnalyzer(address: string): AnalyzerClient {
  return new AnalyzerClient(address);
}

/** Finds the runner as the CLI does: node module resolution from the pack directory upwards. */
function resolveRunner(packDir: string): string {
  try {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  } catch {
    throw new PolicyPackStartError(
      `policy pack ${packDir}: @pulumi/pulumi/cmd/run-policy-pack cannot be found from it; ` +
        "install its dependencies (npm ci at the repository root installs policy-pack/ as a workspace)",
    );
  }
}

function forwardLines(chunk: Buffer, log: (line: string) => void): void {
  for (const line of chunk.toString("utf8").split("\n")) {
    if (line.trim() !== "") {
      log(`[policy pack] ${line}`);
    }
  }
}

function readPort(child: ChildProcess, packDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(
        new PolicyPackStartError(
          `policy pack ${packDir} printed no port within ${START_TIMEOUT_MS / 1000} s; stderr: ${stderr.trim()}`,
        ),
      );
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      stdout += chunk.toString("utf8");
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        child.stderr!.removeAllListeners("data");
        child.off("exit", onExit);
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(
        new PolicyPackStartError(
          `policy pack ${packDir} exited with code ${code} before serving: ${(stderr || stdout).trim()}`,
        ),
      );
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("exit", onExit);
  });
}
