/**
 * `npm run synth -- --stack NAME [--project DIR] [--state FILE|DIR] [--refresh] [--diff] [--json]
 * [--show-secrets] [--preview] [--destroy]`: runs the program offline under the project's mocks and
 * prints the plan (contracts.md section 4): JSON by default (`--json` says so explicitly), or with
 * `--diff` the steps for people, as `pulumi preview --diff` prints them.
 *
 * `--state` is what the last deployment recorded: a sandbox data directory (its checkpoint) or a
 * `pulumi stack export` file; the steps then go from that state to what the program declares.
 * `--refresh` (with a sandbox data dir) first reads the emulated cloud, as `pulumi preview --refresh`
 * does: drift (a key disabled by hand) is reported as `pulumi refresh` reports it, then planned from.
 * `--destroy` plans the deletion of every resource of the state, as `pulumi destroy --preview-only`.
 */
import { statSync } from "node:fs";
import * as path from "node:path";
import { EMPTY_CHECKPOINT, readCheckpoint, CheckpointError, type Checkpoint } from "../plan/checkpoint";
import { parseCliArgs, processIo, runCli, runMain, UsageError, type Io } from "./support";
import { formatSteps } from "../plan/diff";
import { ProgramError } from "../plan/programProcess";
import { ProtectedResourceError } from "../plan/steps";
import { destroyPlan, synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";
import { refreshFromCloud } from "../plan/refresh";
import { redact, reveal } from "../plan/values";
import { readCloud } from "../sandbox/deploy/refresh";

export const USAGE =
  "usage: npm run synth -- --stack NAME [--project DIR] [--state FILE|DIR] [--refresh] [--diff] [--json]\n" +
  "                        [--show-secrets] [--preview] [--destroy]";

export function main(argv: string[], io: Io = processIo()): Promise<number> {
  return runCli(io, async () => {
    const args = parseCliArgs(
      argv,
      {
        stack: { type: "string" },
        project: { type: "string" },
        state: { type: "string" },
        refresh: { type: "boolean" },
        diff: { type: "boolean" },
        json: { type: "boolean" },
        "show-secrets": { type: "boolean" },
        preview: { type: "boolean" },
        destroy: { type: "boolean" },
      },
      USAGE,
    );
    if (!args.stack && !args.destroy) {
      throw new UsageError(`--stack is required\n${USAGE}`);
    }
    if (args.diff && args.json) {
      throw new UsageError(`--diff and --json: choose one output\n${USAGE}`);
    }
    if (args.refresh && !isDirectory(args.state)) {
      throw new UsageError(
        `--refresh reads the emulated cloud: give --state the sandbox's data dir\n${USAGE}`,
      );
    }
    if (args.destroy && args.state === undefined) {
      throw new UsageError(`--destroy deletes what a state holds: give --state FILE|DIR\n${USAGE}`);
    }
    let previousState: Checkpoint =
      args.state === undefined ? EMPTY_CHECKPOINT : userError(() => readCheckpoint(args.state as string));
    const out: string[] = [];
    let refreshed: Plan["steps"] | undefined;
    if (args.refresh) {
      // The plan engine reads the emulated cloud through its CloudReader; the sandbox supplies one.
      const drift = refreshFromCloud(previousState, readCloud(args.state as string));
      refreshed = drift.steps;
      previousState = drift.state;
    }
    let plan: Plan;
    if (args.destroy || args.stack === undefined) {
      plan = userError(() => destroyPlan(previousState));
    } else {
      // Like the Pulumi CLI, the project is the working directory unless --project names another.
      const projectDir = path.resolve(io.cwd, args.project ?? ".");
      // A team's own program folder runs as the Pulumi Node runtime runs it (plan/programProcess.ts).
      const program = args.project === undefined ? undefined : { folder: projectDir };
      plan = await synthesize({
        stack: args.stack,
        preview: args.preview ?? false,
        projectDir,
        program,
        previousState,
      }).catch((err: unknown) => userError(() => Promise.reject(err)));
    }
    if (args.diff) {
      if (refreshed !== undefined) {
        out.push("Refresh (the emulated cloud against the checkpoint):");
        out.push(...(refreshed.length > 0 ? formatSteps({ steps: refreshed }).slice(0, -1) : ["  no drift"]));
        out.push("Preview:");
      }
      out.push(...formatSteps(plan));
      io.stdout(out.join("\n"));
      return 0;
    }
    const document = refreshed === undefined ? plan : { ...plan, refresh: refreshed };
    const printable = args["show-secrets"] ? reveal(document) : redact(document);
    io.stdout(JSON.stringify(printable, null, 2));
    return 0;
  });
}

/** A bad state file or a step the engine refuses (a protected resource) is the user's to fix: exit 2. */
function userError<T>(make: () => T): T {
  try {
    const result = make();
    if (result instanceof Promise) {
      return result.catch((err: unknown) => {
        throw asUsageError(err);
      }) as T;
    }
    return result;
  } catch (err) {
    throw asUsageError(err);
  }
}

function asUsageError(err: unknown): unknown {
  return err instanceof CheckpointError ||
    err instanceof ProtectedResourceError ||
    err instanceof ProgramError
    ? new UsageError(err.message)
    : err;
}

function isDirectory(file: string | undefined): boolean {
  try {
    return file !== undefined && statSync(file).isDirectory();
  } catch {
    return false;
  }
}

if (require.main === module) {
  runMain(main);
}
