/**
 * `npm run policy -- --stack NAME [--project DIR] [--pack DIR] [--config FILE]`: the offline `pulumi
 * preview --policy-pack`. Synthesizes the stack (of this project, or of the Pulumi program in DIR,
 * e.g. examples/noncompliant-table) as a first preview sees it (a new key's ARN unknown), runs
 * the plan through the policy pack over its Analyzer gRPC service, prints the violations grouped by
 * resource and exits 1 on any mandatory one (2 for a usage or config mistake).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { UsageError, parseCliArgs, processIo, requireFlag, runCli, runMain, type Io } from "../cli/support";
import { Program, synthesize } from "../plan/synth";
import { PolicyPackStartError } from "./packProcess";
import { PolicyConfigError } from "./policyConfig";
import { formatPolicyReport } from "./report";
import { runPolicyPack } from "./run";

export const USAGE = "usage: npm run policy -- --stack NAME [--project DIR] [--pack DIR] [--config FILE]";

/** Reads a `--policy-pack-config` style JSON file. */
export function readPolicyConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(
      `--config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      `--config ${file}: expected a JSON object of policy names, found ${JSON.stringify(parsed)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** A Pulumi program module exports its function as `default` (ES) or as the module (`export =`). */
async function loadProgram(projectDir: string): Promise<Program> {
  const loaded = (await import(projectDir)) as { default?: unknown };
  const program = typeof loaded.default === "function" ? loaded.default : loaded;
  if (typeof program !== "function") {
    throw new UsageError(`--project ${projectDir}: its entry point exports no program function`);
  }
  return program as Program;
}

export function main(argv: string[], io: Io = processIo()): Promise<number> {
  return runCli(io, async () => {
    const args = parseCliArgs(
      argv,
      {
        stack: { type: "string" },
        project: { type: "string" },
        pack: { type: "string" },
        config: { type: "string" },
      },
      USAGE,
    );
    const stack = requireFlag(args.stack, "stack", USAGE);
    const config = args.config === undefined ? {} : readPolicyConfigFile(args.config);
    const progress = (line: string): void => io.stderr(line);
    progress(`synthesizing stack ${stack} as a first preview sees it...`);
    // Like the Pulumi CLI, the project is the working directory unless --project names another.
    const projectDir = path.resolve(io.cwd, args.project ?? ".");
    const program = args.project === undefined ? undefined : await loadProgram(projectDir);
    const plan = await synthesize({ stack, preview: true, projectDir, program });
    progress(`starting the policy pack (ts-node compiles and type-checks it, as under the Pulumi CLI)...`);
    let report;
    try {
      report = await runPolicyPack({
        plan,
        packDir: args.pack === undefined ? undefined : path.resolve(io.cwd, args.pack),
        config,
        log: progress,
      });
    } catch (err) {
      // A config the pack's schemas refuse, or a pack that does not start, is the user's to fix: one line.
      if (err instanceof PolicyConfigError || err instanceof PolicyPackStartError) {
        throw new UsageError(err.message);
      }
      throw err;
    }
    io.stdout(formatPolicyReport(report));
    return report.mandatory > 0 ? 1 : 0;
  });
}

if (require.main === module) {
  runMain(main);
}
