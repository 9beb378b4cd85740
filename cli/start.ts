/**
 * `npm start`: the whole scenario offline on the embedded sandbox. Exit 0 iff every step held.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import * as path from "node:path";
import { DEFAULT_PACK_DIR, type RunningPack, startPolicyPack } from "../guard/packProcess";
import { checkOutputFile, writeOutputFile } from "../common/outputFile";
import { defineCommand, mainOf, runMain, type CommandContext } from "./runner";

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
    // The output paths are checked before any work: a mistyped directory fails at once, not after the run.
    const reportFile = args.report === undefined ? undefined : path.resolve(io.cwd, args.report);
    const htmlFile = args.html === undefined ? undefined : path.resolve(io.cwd, args.html);
    if (reportFile !== undefined) {
      checkOutputFile(reportFile, "--report");
    }
    if (htmlFile !== undefined) {
      checkOutputFile(htmlFile, "--html");
    }
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
      accessHtml: htmlFile,
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
    if (reportFile !== undefined) {
      // The report holds check results only: no credentials (the checks redact secrets from errors).
      writeOutputFile(reportFile, "--report", `${JSON.stringify(report, null, 2)}\n`, 0o600);
      io.stdout(`report written to ${args.report}`);
    }
    return report.ok ? 0 : 1;
  },
});

export const main = mainOf(command);

if (require.main === module) {
  runMain(command);
}
