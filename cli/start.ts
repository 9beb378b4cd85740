/**
 * `npm start`: the whole scenario offline on the embedded sandbox. Exit 0 iff every step held.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import * as path from "node:path";
import { DEFAULT_PACK_DIR, type RunningPack, startPolicyPack } from "../guard/packProcess";
import { writeFileAtomic } from "../sandbox/deploy/stateFile";
import { defineCommand, mainOf, runMain, UsageError, type CommandContext } from "./runner";

/** What main uses besides argv and io; a test run lends its one pack through `startPack`. */
export interface ScenarioCliDeps {
  startPack?: () => Promise<RunningPack>;
}

export const command = defineCommand({
  name: "start",
  summary:
    "The whole scenario offline, on the embedded sandbox: synth, the policy pack, deploy, the checks before and after a grant, the access proof and the key lifecycle drills.",
  options: {
    report: {
      type: "string",
      placeholder: "FILE",
      description: "write the JSON report (docs/contracts.md section 5); it holds no credentials",
    },
    html: { type: "string", placeholder: "FILE", description: "write the access page of the grant (HTML)" },
  },
  exits: { 1: "a step of the scenario did not hold" },
  async run(args, ctx: CommandContext<ScenarioCliDeps>) {
    const { io, deps } = ctx;
    const started = Date.now();
    // The policy pack's process starts first, so its start-up (about a second) runs beside the loading
    // of the program, the AWS SDK and the sandbox below, on the other core.
    const pack = deps.startPack?.() ?? startPolicyPack(DEFAULT_PACK_DIR, () => undefined);
    // Its failure is reported by the guard step, which awaits it; until then it must not count as unhandled.
    pack.catch(() => undefined);
    const { runScenario } = await import("../scenario/run");
    io.stdout("kms-dynamodb: DynamoDB on a customer-managed KMS key, and who the key policy lets in");
    const report = await runScenario({
      log: (line) => io.stdout(line),
      pack,
      accessHtml: args.html === undefined ? undefined : path.resolve(io.cwd, args.html),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const held = report.steps.filter((s) => s.ok).length;
    io.stdout(`\n${report.steps.length + 1}. Summary`);
    for (const step of report.steps) {
      io.stdout(`   ${step.ok ? "✓" : "✗"} ${step.number}. ${step.title} (${(step.ms / 1000).toFixed(1)} s)`);
    }
    io.stdout(
      `\n${report.ok ? "✓ every step held" : "✗ the scenario failed"}: ${held} of ${report.steps.length} steps, ${seconds} s`,
    );
    if (args.report) {
      // The report holds check results only: no credentials (the checks redact secrets from errors).
      writeReport(path.resolve(io.cwd, args.report), `${JSON.stringify(report, null, 2)}\n`);
      io.stdout(`report written to ${args.report}`);
    }
    return report.ok ? 0 : 1;
  },
});

export const main = mainOf(command);

function writeReport(file: string, content: string): void {
  try {
    writeFileAtomic(file, content);
  } catch (err) {
    throw new UsageError(`--report: "${file}" cannot be written: ${(err as Error).message}`);
  }
}

if (require.main === module) {
  runMain(command);
}
