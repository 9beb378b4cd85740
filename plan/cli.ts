/**
 * `npm run synth -- --stack dev [--show-secrets] [--preview]`: runs the program offline under the
 * project's mocks and prints the plan (contracts.md section 4) as JSON.
 */
import { parseCliArgs, runCli, UsageError } from "./cliSupport";
import { synthesize } from "./synth";
import { redact, reveal } from "./values";

export const USAGE = "usage: npm run synth -- --stack NAME [--show-secrets] [--preview]";

export function main(argv: string[]): Promise<number> {
  return runCli(async () => {
    const args = parseCliArgs(
      argv,
      { stack: { type: "string" }, "show-secrets": { type: "boolean" }, preview: { type: "boolean" } },
      USAGE,
    );
    if (!args.stack) {
      throw new UsageError(`--stack is required\n${USAGE}`);
    }
    // Like the Pulumi CLI, the stack files are read from the working directory (npm runs scripts from
    // the package root).
    const plan = await synthesize({
      stack: args.stack,
      preview: args.preview ?? false,
      projectDir: process.cwd(),
    });
    const printable = args["show-secrets"] ? reveal(plan) : redact(plan);
    process.stdout.write(`${JSON.stringify(printable, null, 2)}\n`);
    return 0;
  });
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
