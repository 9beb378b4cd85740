/**
 * `npm run synth -- --stack dev [--show-secrets] [--preview]`: runs the program offline under the
 * project's mocks and prints the plan (contracts.md section 4) as JSON.
 */
import { parseCliArgs, processIo, requireFlag, runCli, runMain, type Io } from "../cli/support";
import { synthesize } from "./synth";
import { redact, reveal } from "./values";

export const USAGE = "usage: npm run synth -- --stack NAME [--show-secrets] [--preview]";

export function main(argv: string[], io: Io = processIo()): Promise<number> {
  return runCli(io, async () => {
    const args = parseCliArgs(
      argv,
      { stack: { type: "string" }, "show-secrets": { type: "boolean" }, preview: { type: "boolean" } },
      USAGE,
    );
    const stack = requireFlag(args.stack, "stack", USAGE);
    // Like the Pulumi CLI, the stack files are read from the working directory (npm runs scripts from
    // the package root).
    const plan = await synthesize({
      stack,
      preview: args.preview ?? false,
      projectDir: io.cwd,
    });
    const printable = args["show-secrets"] ? reveal(plan) : redact(plan);
    io.stdout(JSON.stringify(printable, null, 2));
    return 0;
  });
}

if (require.main === module) {
  runMain(main);
}
