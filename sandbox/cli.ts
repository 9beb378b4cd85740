/**
 * `npm run sandbox -- --stack NAME [--port N] [--data-dir DIR] [--outputs FILE] [--log]`: synthesizes the
 * stack offline, deploys it into a local AWS endpoint on 127.0.0.1, writes the stack outputs (secrets
 * shown, mode 0600) to FILE once it is ready, and serves until SIGINT or SIGTERM.
 */
import * as path from "node:path";
import { parseCliArgs, processIo, requireFlag, runCli, runMain, UsageError, type Io } from "../cli/support";
import { synthesize } from "../plan/synth";
import { AwsError } from "./errors";
import { Sandbox } from "./index";
import { writeFileAtomic } from "./state-file";

export const USAGE =
  "usage: npm run sandbox -- --stack NAME [--port N] [--data-dir DIR] [--outputs FILE] [--log]";

export function main(argv: string[], io: Io = processIo()): Promise<number> {
  return runCli(io, async () => {
    const args = parseCliArgs(
      argv,
      {
        stack: { type: "string" },
        port: { type: "string" },
        "data-dir": { type: "string" },
        outputs: { type: "string" },
        log: { type: "boolean" },
      },
      USAGE,
    );
    const stack = requireFlag(args.stack, "stack", USAGE);
    const port = parsePort(args.port);
    // Files the sandbox creates while it serves (LevelDB's tables and logs) hold items and are private.
    process.umask(0o077);
    const progress = (line: string) => io.stderr(`sandbox: ${line}`);
    const dataDir = args["data-dir"] === undefined ? undefined : path.resolve(io.cwd, args["data-dir"]);
    const outputsFile = args.outputs === undefined ? undefined : path.resolve(io.cwd, args.outputs);

    progress(`synthesizing stack ${stack} offline`);
    const plan = await synthesize({ stack, projectDir: io.cwd });
    const sandbox = await startOrExplain(port, dataDir, args.log ? progress : undefined);
    try {
      progress("deploying keys, users, policies and tables");
      await sandbox.apply(plan).catch((err: unknown) => {
        // What AWS refuses at deploy time is the user's to fix (their config), as `pulumi up` reports it.
        throw err instanceof AwsError ? new UsageError(err.message) : err;
      });
      const outputs = sandbox.outputs();
      if (outputsFile) {
        writeOutputs(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
      }
      io.stdout(
        `sandbox: stack ${stack} is served at ${sandbox.endpoint}\n` +
          `use it: export AWS_ENDPOINT_URL=${sandbox.endpoint} AWS_REGION=${outputs.region}` +
          (outputsFile ? ` (access keys of each user in ${outputsFile})\n` : "\n") +
          "stop with Ctrl-C",
      );
      const signal = await untilSignalled();
      progress(`${signal}: shutting down`);
    } finally {
      await sandbox.stop();
    }
    return 0;
  });
}

function parsePort(text: string | undefined): number {
  if (text === undefined) {
    return 0;
  }
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`--port: "${text}" is not a port number (0-65535; 0 picks a free port)`);
  }
  return port;
}

async function startOrExplain(
  port: number,
  dataDir: string | undefined,
  log: ((line: string) => void) | undefined,
): Promise<Sandbox> {
  try {
    return await Sandbox.start({ port, dataDir, log });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new UsageError(`--port: 127.0.0.1:${port} is already in use`);
    }
    throw err;
  }
}

function writeOutputs(file: string, content: string): void {
  try {
    writeFileAtomic(file, content);
  } catch (err) {
    throw new UsageError(`--outputs: "${file}" cannot be written: ${(err as Error).message}`);
  }
}

function untilSignalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

if (require.main === module) {
  runMain(main);
}
