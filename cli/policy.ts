/**
 * `npm run policy -- --stack NAME`: the offline `pulumi preview --policy-pack`. Synthesizes the stack (of
 * this project, or of the Pulumi program in DIR, run as the Pulumi Node runtime runs it, e.g.
 * examples/top-level-program) as a first preview sees it (a new key's ARN unknown), runs the plan through the
 * policy pack over its Analyzer gRPC service, prints the violations grouped by resource (or, with --json, the
 * report as JSON) and exits 1 on any mandatory one (2 for a usage, config or state-file mistake).
 *
 * `npm run policy -- --file STATE.json`: the offline form of `pulumi policy analyze`, which runs the packs
 * over a stack's state without running the program: the state is a `pulumi stack export` file (deployment
 * version 3) or a sandbox data dir. `--policy-pack` and `--policy-pack-config` are accepted as that command
 * spells them.
 */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { describeJson } from "../common/display";
import { displayPath, readUserJson } from "../common/userFile";
import { CHECKPOINT_FILE, planOfCheckpoint, readCheckpoint, CheckpointError } from "../plan/checkpoint";
import { readInvokesFile } from "../plan/invokes";
import { offlineNotes } from "../plan/notes";
import { ProgramError } from "../plan/programProcess";
import { synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";
import { PolicyPackStartError } from "../guard/packProcess";
import { PolicyConfigError } from "../guard/policyConfig";
import { formatPolicyReport } from "../guard/report";
import { type PackStarter, runPolicyPack } from "../guard/run";
import { defineCommand, mainOf, runMain, UsageError, type CommandContext } from "./runner";

/** The largest policy config file read: a config of every policy of a pack is a few kilobytes. */
const MAX_POLICY_CONFIG_BYTES = 4 * 1024 * 1024;

/** Reads a `--policy-pack-config` style JSON file. */
export function readPolicyConfigFile(file: string, flag = "--config"): Record<string, unknown> {
  const parsed = readUserJson(file, { flag, maxBytes: MAX_POLICY_CONFIG_BYTES });
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      `${flag}: ${displayPath(file)}: expected a JSON object of policy names, found ${describeJson(parsed)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** What `pulumi policy analyze` analyzes: the state's resources as they are, each a `same` step. */
export const planOfState = planOfCheckpoint;

/** What main uses besides argv and io; a test run lends its one pack through `startPack`. */
export interface GuardCliDeps {
  startPack?: PackStarter;
}

export const command = defineCommand({
  name: "policy",
  summary:
    "Runs the policy pack offline over its Analyzer gRPC service, as `pulumi preview --policy-pack` does (--stack), or over a stack's state without running the program, as `pulumi policy analyze` does (--file).",
  options: {
    stack: {
      type: "string",
      placeholder: "NAME",
      description: "synthesize this stack as a first preview sees it, then analyze it",
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
    file: {
      type: "string",
      placeholder: "STATE",
      description: "analyze a `pulumi stack export` file or a sandbox data dir instead of --stack",
    },
    pack: { type: "string", placeholder: "DIR", description: "the policy pack (default: policy-pack/)" },
    "policy-pack": {
      type: "string",
      placeholder: "DIR",
      description: "the same as --pack, as the Pulumi CLI spells it",
    },
    config: {
      type: "string",
      placeholder: "FILE",
      description:
        "policy config JSON, as `--policy-pack-config` takes (policy-pack/policy-config.example.json)",
    },
    "policy-pack-config": {
      type: "string",
      placeholder: "FILE",
      description: "the same as --config, as the Pulumi CLI spells it",
    },
    "trust-component": {
      type: "string",
      multiple: true,
      placeholder: "TYPE",
      description:
        "a remote component type (aws-apigateway:index:RestAPI) whose children the guard need not see; repeatable",
    },
    json: { type: "boolean", description: "print the report as JSON" },
  },
  exits: { 1: "a mandatory policy violation" },
  async run(args, ctx: CommandContext<GuardCliDeps>) {
    const packDir = oneOf(args.pack, args["policy-pack"], "--pack", "--policy-pack");
    const configFile = oneOf(args.config, args["policy-pack-config"], "--config", "--policy-pack-config");
    if (args.file !== undefined && (args.stack !== undefined || args.project !== undefined)) {
      throw ctx.usageError("--file analyzes a state without running a program: drop --stack/--project");
    }
    if (args.file === undefined && !args.stack) {
      throw ctx.usageError("--stack or --file is required");
    }
    if (args.file !== undefined && (args["config-file"] !== undefined || args.invokes !== undefined)) {
      throw ctx.usageError(
        "--config-file and --invokes are for running a program (--stack): --file runs none",
      );
    }
    const config =
      configFile === undefined
        ? {}
        : readPolicyConfigFile(
            path.resolve(ctx.io.cwd, configFile),
            args.config === undefined ? "--policy-pack-config" : "--config",
          );
    const progress = (line: string): void => ctx.io.stderr(line);
    const file = args.file === undefined ? undefined : path.resolve(ctx.io.cwd, args.file);
    if (file !== undefined && isDirectory(file) && !existsSync(path.join(file, CHECKPOINT_FILE))) {
      // A data dir nothing was applied to has no stack to analyze: "0 resources, pass" would be a lie.
      throw new UsageError(
        `--file: ${displayPath(args.file as string)} is a directory without a ${CHECKPOINT_FILE}: nothing was deployed there to analyze; give a \`pulumi stack export\` file or a sandbox data dir`,
      );
    }
    const makePlan = async (): Promise<Plan> => {
      let plan: Plan;
      if (file !== undefined) {
        const state = asUsageError(() =>
          readCheckpoint(file, { flag: "--file", passphrase: ctx.io.env.PULUMI_CONFIG_PASSPHRASE }),
        );
        progress(`analyzing the ${state.resources.length} resources of ${args.file}...`);
        for (const secret of state.unreadableSecrets ?? []) {
          progress(`secret ${secret.property} of ${secret.urn} is unknown: encrypted by ${secret.provider}`);
        }
        plan = planOfState(state);
      } else {
        const stack = args.stack as string;
        progress(`synthesizing stack ${stack} as a first preview sees it...`);
        // Like the Pulumi CLI, the project is the working directory unless --project names another,
        // which runs as the Pulumi Node runtime runs a program folder.
        const projectDir = path.resolve(ctx.io.cwd, args.project ?? ".");
        const program = args.project === undefined ? undefined : { folder: projectDir };
        const configFileOfStack =
          args["config-file"] === undefined ? undefined : path.resolve(ctx.io.cwd, args["config-file"]);
        plan = await synthesize({
          stack,
          preview: true,
          projectDir,
          program,
          configFile: configFileOfStack,
          invokes:
            args.invokes === undefined ? undefined : readInvokesFile(path.resolve(ctx.io.cwd, args.invokes)),
        }).catch((err: unknown) =>
          asUsageError(() => {
            throw err;
          }),
        );
      }
      for (const line of offlineNotes(plan)) {
        progress(`note: ${line}`);
      }
      progress(
        `analyzing with the policy pack (run through the Pulumi CLI's runner, as pulumi preview does)...`,
      );
      return plan;
    };
    // The pack starts first and boots while the state is read or the program runs: on two cores the
    // two overlap, and the command as CI runs it waits for the longer of them, not their sum.
    let report;
    try {
      report = await runPolicyPack({
        plan: makePlan,
        packDir: packDir === undefined ? undefined : path.resolve(ctx.io.cwd, packDir),
        config,
        log: progress,
        startPack: ctx.deps.startPack,
        trustedComponents: args["trust-component"],
      });
    } catch (err) {
      // A config the pack's schemas refuse, or a pack that does not start, is the user's to fix: one line.
      if (err instanceof PolicyConfigError || err instanceof PolicyPackStartError) {
        throw new UsageError(err.message);
      }
      throw err;
    }
    ctx.io.stdout(args.json ? JSON.stringify(report, null, 2) : formatPolicyReport(report));
    return report.mandatory > 0 ? 1 : 0;
  },
});

export const main = mainOf(command);

/** A flag with two spellings (ours and `pulumi policy analyze`'s): at most one may be given. */
function oneOf(
  ours: string | undefined,
  theirs: string | undefined,
  a: string,
  b: string,
): string | undefined {
  if (ours !== undefined && theirs !== undefined) {
    throw new UsageError(`${a} and ${b} are the same option: give one`);
  }
  return ours ?? theirs;
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** A bad state file or program is the user's to fix: one line, exit 2. */
function asUsageError<T>(make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof CheckpointError || err instanceof ProgramError) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

if (require.main === module) {
  runMain(command);
}
