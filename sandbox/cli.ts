/**
 * `npm run sandbox -- --stack NAME [--port N] [--data-dir DIR] [--outputs FILE] [--deployer-credentials FILE] [--log]`:
 * synthesizes the stack offline, deploys it into a local AWS endpoint on 127.0.0.1, writes the stack
 * outputs (secrets shown, mode 0600) to FILE once it is ready, and serves until SIGINT or SIGTERM.
 * `--deployer-credentials FILE` also writes the deploying identity's access key (0600): the key
 * administrator that drills use for DisableKey, ScheduleKeyDeletion, ... and the admin clock call.
 */
import { parseCliArgs, runCli, UsageError } from "../plan/cliSupport";
import { synthesize } from "../plan/synth";
import { AwsError } from "./errors";
import { Sandbox } from "./index";
import { writeFileAtomic } from "./state-file";

export const USAGE =
  "usage: npm run sandbox -- --stack NAME [--port N] [--data-dir DIR] [--outputs FILE] [--deployer-credentials FILE] [--log]";

export function main(argv: string[]): Promise<number> {
  return runCli(async () => {
    const args = parseCliArgs(
      argv,
      {
        stack: { type: "string" },
        port: { type: "string" },
        "data-dir": { type: "string" },
        outputs: { type: "string" },
        "deployer-credentials": { type: "string" },
        log: { type: "boolean" },
      },
      USAGE,
    );
    if (!args.stack) {
      throw new UsageError(`--stack is required\n${USAGE}`);
    }
    const port = parsePort(args.port);
    const progress = (line: string) => process.stderr.write(`sandbox: ${line}\n`);

    progress(`synthesizing stack ${args.stack} offline`);
    const plan = await synthesize({ stack: args.stack, projectDir: process.cwd() });
    const sandbox = await startOrExplain(port, args["data-dir"], args.log ? progress : undefined);
    try {
      progress("deploying keys, users, policies and tables");
      await sandbox.apply(plan).catch((err: unknown) => {
        // What AWS refuses at deploy time is the user's to fix (their config), as `pulumi up` reports it.
        throw err instanceof AwsError ? new UsageError(err.message) : err;
      });
      const outputs = sandbox.outputs();
      if (args.outputs) {
        writeOutputs("--outputs", args.outputs, `${JSON.stringify(outputs, null, 2)}\n`);
      }
      const deployerFile = args["deployer-credentials"];
      if (deployerFile) {
        const deployer = {
          ...sandbox.deployerCredentials(),
          region: outputs.region,
          endpoint: sandbox.endpoint,
        };
        writeOutputs("--deployer-credentials", deployerFile, `${JSON.stringify(deployer, null, 2)}\n`);
        progress(`the deploying identity's access key is in ${deployerFile} (mode 0600)`);
      }
      process.stdout.write(
        `sandbox: stack ${args.stack} is served at ${sandbox.endpoint}\n` +
          `use it: export AWS_ENDPOINT_URL=${sandbox.endpoint} AWS_REGION=${outputs.region}` +
          (args.outputs ? ` (access keys of each user in ${args.outputs})\n` : "\n") +
          "stop with Ctrl-C\n",
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
    if (code === "LEVEL_DATABASE_NOT_OPEN") {
      throw new UsageError(`--data-dir: "${dataDir}" is in use by another sandbox`);
    }
    if (code === "EACCES" || code === "ENOTDIR" || code === "EEXIST" || code === "EROFS") {
      throw new UsageError(`--data-dir: "${dataDir}" cannot be used: ${(err as Error).message}`);
    }
    throw err;
  }
}

function writeOutputs(flag: string, file: string, content: string): void {
  try {
    writeFileAtomic(file, content);
  } catch (err) {
    throw new UsageError(`${flag}: "${file}" cannot be written: ${(err as Error).message}`);
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
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
