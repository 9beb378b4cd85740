/**
 * `npm start [-- --report FILE]`: the whole scenario offline on the embedded sandbox. Exit 0 iff every
 * step held.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { writeFileSync } from "node:fs";
import { parseCliArgs, runCli } from "../plan/cliSupport";
import { runScenario } from "./run";

export const USAGE = "usage: npm start [-- --report FILE] [--html FILE]";

export function main(argv: string[]): Promise<number> {
  return runCli(async () => {
    const args = parseCliArgs(argv, { report: { type: "string" }, html: { type: "string" } }, USAGE);
    const started = Date.now();
    console.log("kms-dynamodb: DynamoDB on a customer-managed KMS key, and who the key policy lets in");
    const report = await runScenario({ log: (line) => console.log(line), accessHtml: args.html });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const held = report.steps.filter((s) => s.ok).length;
    console.log(`\n${report.steps.length + 1}. Summary`);
    for (const step of report.steps) {
      console.log(
        `   ${step.ok ? "✓" : "✗"} ${step.number}. ${step.title} (${(step.ms / 1000).toFixed(1)} s)`,
      );
    }
    console.log(
      `\n${report.ok ? "✓ every step held" : "✗ the scenario failed"}: ${held} of ${report.steps.length} steps, ${seconds} s`,
    );
    if (args.report) {
      // The report holds check results only: no credentials (the checks redact secrets from errors).
      writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`report written to ${args.report}`);
    }
    return report.ok ? 0 : 1;
  });
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
