/**
 * `npm run sandbox -- --stack NAME`: synthesizes the stack offline, deploys it into a local AWS endpoint on
 * 127.0.0.1, writes the stack outputs (secrets shown, mode 0600) to FILE once it is ready, and serves until
 * SIGINT or SIGTERM. With a data dir the plan is made from its checkpoint, so a second run applies only what
 * changed. `--destroy --data-dir DIR` deletes every resource of the checkpoint, dependents first, as `pulumi
 * destroy`, and exits. `--deployer-credentials FILE` also writes the deploying identity's access key (0600):
 * the key administrator that drills use for DisableKey, ScheduleKeyDeletion, ... and the admin clock call.
 */
import * as path from "node:path";
import { formatSteps } from "../plan/diff";
import { ProtectedResourceError } from "../plan/steps";
import { destroyPlan, synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";
import { AwsError } from "../sandbox/errors";
import { Sandbox } from "../sandbox";
import { writeFileAtomic } from "../sandbox/deploy/stateFile";
import { defineCommand, mainOf, runMain, UsageError } from "./runner";
import { displayValue } from "../common/display";
import { displayPath } from "../common/userFile";

export const command = defineCommand({
  name: "sandbox",
  summary:
    "Synthesizes the stack offline, deploys it into a local AWS endpoint on 127.0.0.1 (DynamoDB, KMS, STS) and serves until SIGINT or SIGTERM; with --destroy, deletes every resource of a data dir's checkpoint and exits.",
  options: {
    stack: {
      type: "string",
      placeholder: "NAME",
      description: "the stack to deploy (Pulumi.NAME.yaml); required unless --destroy",
    },
    port: { type: "string", placeholder: "N", description: "the port on 127.0.0.1 (default 0: a free one)" },
    "data-dir": {
      type: "string",
      placeholder: "DIR",
      description:
        "keep the deployed stack and the items here (0700); a second run applies only what changed",
    },
    outputs: {
      type: "string",
      placeholder: "FILE",
      description: "write the stack outputs (secrets shown, mode 0600) once the stack is served",
    },
    "deployer-credentials": {
      type: "string",
      placeholder: "FILE",
      description:
        "write the deploying identity's access key (mode 0600): the key administrator of the drills",
    },
    log: { type: "boolean", description: "log every request and deployment step on stderr (never a secret)" },
    destroy: {
      type: "boolean",
      description: "delete every resource of the --data-dir's checkpoint, dependents first, and exit",
    },
  },
  async run(args, ctx) {
    const { io } = ctx;
    if (args.destroy && !args["data-dir"]) {
      throw ctx.usageError("--destroy needs the --data-dir whose stack it destroys");
    }
    const stack = args.stack;
    if (!stack && !args.destroy) {
      throw ctx.usageError("--stack is required");
    }
    const port = parsePort(args.port);
    // Files the sandbox creates while it serves (LevelDB's tables and logs) hold items and are private.
    process.umask(0o077);
    const progress = (line: string) => io.stderr(`sandbox: ${line}`);
    const dataDir = args["data-dir"] === undefined ? undefined : path.resolve(io.cwd, args["data-dir"]);
    const outputsFile = args.outputs === undefined ? undefined : path.resolve(io.cwd, args.outputs);

    const sandbox = await startOrExplain(port, dataDir, args.log ? progress : undefined);
    try {
      // From the data dir's checkpoint (empty for a new one), as `pulumi up` works from the last state.
      const previousState = sandbox.state();
      if (args.destroy || stack === undefined) {
        progress(`destroying the ${previousState.resources.length} resources of the checkpoint`);
        const plan = explainProtected(() => destroyPlan(previousState));
        await applyOrExplain(sandbox, plan);
        io.stdout(`sandbox: destroyed; ${formatSteps(plan).at(-1)}`);
        return 0;
      }
      progress(`synthesizing stack ${stack} offline`);
      const plan = await synthesize({ stack, projectDir: io.cwd, previousState }).catch((err: unknown) =>
        explainProtected(() => {
          throw err;
        }),
      );
      progress("applying the plan's steps: keys, users, policies and tables");
      await applyOrExplain(sandbox, plan);
      progress(formatSteps(plan).at(-1) ?? "");
      const outputs = sandbox.outputs();
      if (outputsFile) {
        writeOutputs("--outputs", outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
      }
      const deployerFile =
        args["deployer-credentials"] === undefined
          ? undefined
          : path.resolve(io.cwd, args["deployer-credentials"]);
      if (deployerFile) {
        const deployer = {
          ...sandbox.deployerCredentials(),
          region: outputs.region,
          endpoint: sandbox.endpoint,
        };
        writeOutputs("--deployer-credentials", deployerFile, `${JSON.stringify(deployer, null, 2)}\n`);
        progress(`the deploying identity's access key is in ${args["deployer-credentials"]} (mode 0600)`);
      }
      io.stdout(
        `sandbox: stack ${stack} is served at ${sandbox.endpoint}\n` +
          `use it: export AWS_ENDPOINT_URL=${sandbox.endpoint} AWS_REGION=${outputs.region}` +
          (outputsFile ? ` (access keys of each user in ${outputsFile})\n` : "\n") +
          `the AWS CLI before 2.13 ignores AWS_ENDPOINT_URL: aws --endpoint-url ${sandbox.endpoint} …\n` +
          "stop with Ctrl-C",
      );
      const signal = await untilSignalled();
      progress(`${signal}: shutting down`);
    } finally {
      await sandbox.stop();
    }
    return 0;
  },
});

export const main = mainOf(command);

/** A step the engine refuses on a protected resource is the user's to fix: one line, exit 2. */
function explainProtected<T>(make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw err instanceof ProtectedResourceError ? new UsageError(err.message) : err;
  }
}

async function applyOrExplain(sandbox: Sandbox, plan: Plan): Promise<void> {
  await sandbox.apply(plan).catch((err: unknown) => {
    // What AWS or the engine refuses at deploy time is the user's to fix (their config, a protected
    // resource), as `pulumi up` reports it.
    throw err instanceof AwsError || err instanceof ProtectedResourceError
      ? new UsageError(err.message)
      : err;
  });
}

function parsePort(text: string | undefined): number {
  if (text === undefined) {
    return 0;
  }
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`--port: ${displayValue(text)} is not a port number (0-65535; 0 picks a free port)`);
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

function writeOutputs(flag: string, file: string, content: string): void {
  try {
    writeFileAtomic(file, content);
  } catch (err) {
    throw new UsageError(
      `${flag}: ${displayPath(file)} cannot be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
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
  runMain(command);
}
