/**
 * `npm run synth`: runs the program offline under the project's mocks and prints the plan
 * (docs/contracts.md section 4): JSON by default (`--json` says so explicitly), or with `--diff` the
 * steps for people, as `pulumi preview --diff` prints them.
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
import { formatSteps } from "../plan/diff";
import { readInvokesFile } from "../plan/invokes";
import { offlineNotes } from "../plan/notes";
import { ProgramError } from "../plan/programProcess";
import { ProtectedResourceError } from "../plan/steps";
import { destroyPlan, synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";
import { refreshFromCloud } from "../plan/refresh";
import { redact, reveal } from "../plan/values";
import { readCloud } from "../sandbox/deploy/refresh";
import { defineCommand, mainOf, runMain, UsageError } from "./runner";

export const command = defineCommand({
  name: "synth",
  summary:
    "Runs the Pulumi program offline under the project's mocks and prints the plan as JSON, shaped like `pulumi preview --json`.",
  options: {
    stack: {
      type: "string",
      placeholder: "NAME",
      description: "the stack (Pulumi.NAME.yaml); required unless --destroy",
    },
    project: {
      type: "string",
      placeholder: "DIR",
      description: "a Pulumi program folder with its own node_modules (default: this project)",
    },
    "config-file": {
      type: "string",
      placeholder: "FILE",
      description:
        "the stack's config from FILE instead of Pulumi.NAME.yaml, as the Pulumi CLI's --config-file",
    },
    invokes: {
      type: "string",
      placeholder: "FILE",
      description:
        "recorded invoke results for invokes that read the cloud: a JSON list [{ token, args?, result }] (docs/contracts.md)",
    },
    state: {
      type: "string",
      placeholder: "FILE|DIR",
      description: "plan from this checkpoint: a sandbox data dir or a `pulumi stack export` file",
    },
    refresh: {
      type: "boolean",
      description:
        "read the emulated cloud first (--state DIR) and report its drift, as `pulumi preview --refresh`",
    },
    diff: { type: "boolean", description: "print the steps for people, as `pulumi preview --diff`" },
    json: { type: "boolean", description: "print JSON (the default)" },
    "show-secrets": { type: "boolean", description: "print secrets in plain text instead of [secret]" },
    preview: {
      type: "boolean",
      description: "plan as a first preview sees it: new resources' outputs unknown",
    },
    destroy: {
      type: "boolean",
      description: "plan the deletion of every resource of --state, as `pulumi destroy --preview-only`",
    },
  },
  async run(args, ctx) {
    if (!args.stack && !args.destroy) {
      throw ctx.usageError("--stack is required");
    }
    if (args.diff && args.json) {
      throw ctx.usageError("--diff and --json: choose one output");
    }
    if (args.refresh && !isDirectory(args.state)) {
      throw ctx.usageError("--refresh reads the emulated cloud: give --state the sandbox's data dir");
    }
    if (args.destroy && args.state === undefined) {
      throw ctx.usageError("--destroy deletes what a state holds: give --state FILE|DIR");
    }
    let previousState: Checkpoint =
      args.state === undefined
        ? EMPTY_CHECKPOINT
        : userError(() =>
            readCheckpoint(args.state as string, {
              flag: "--state",
              passphrase: ctx.io.env.PULUMI_CONFIG_PASSPHRASE,
            }),
          );
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
      const projectDir = path.resolve(ctx.io.cwd, args.project ?? ".");
      // A team's own program folder runs as the Pulumi Node runtime runs it (plan/programProcess.ts).
      const program = args.project === undefined ? undefined : { folder: projectDir };
      plan = await synthesize({
        stack: args.stack,
        preview: args.preview ?? false,
        projectDir,
        program,
        previousState,
        configFile:
          args["config-file"] === undefined ? undefined : path.resolve(ctx.io.cwd, args["config-file"]),
        invokes:
          args.invokes === undefined ? undefined : readInvokesFile(path.resolve(ctx.io.cwd, args.invokes)),
      }).catch((err: unknown) => userError(() => Promise.reject(err)));
    }
    for (const line of offlineNotes(plan)) {
      ctx.io.stderr(`note: ${line}`);
    }
    if (args.diff) {
      if (refreshed !== undefined) {
        out.push("Refresh (the emulated cloud against the checkpoint):");
        out.push(...(refreshed.length > 0 ? formatSteps({ steps: refreshed }).slice(0, -1) : ["  no drift"]));
        out.push("Preview:");
      }
      out.push(...formatSteps(plan));
      ctx.io.stdout(out.join("\n"));
      return 0;
    }
    const document = refreshed === undefined ? plan : { ...plan, refresh: refreshed };
    const printable = args["show-secrets"] ? reveal(document) : redact(document);
    ctx.io.stdout(JSON.stringify(printable, null, 2));
    return 0;
  },
});

export const main = mainOf(command);

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
  runMain(command);
}
