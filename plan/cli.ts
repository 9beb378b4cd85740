/**
 * `npm run synth -- --stack dev [--show-secrets] [--preview]`: runs the program offline under the
 * project's mocks and prints the plan (contracts.md section 4) as JSON.
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../infra/validation";
import { StackConfigError } from "./stackConfig";
import { synthesize } from "./synth";
import { redact, reveal } from "./values";

export const USAGE = "usage: npm run synth -- --stack NAME [--show-secrets] [--preview]";

export class UsageError extends Error {}

/** Errors that are the user's to fix: one line, no stack trace. */
export function isUserError(err: unknown): err is Error {
  return err instanceof ConfigError || err instanceof StackConfigError || err instanceof UsageError;
}

export function parseCliArgs<T extends Record<string, { type: "string" | "boolean"; short?: string }>>(
  argv: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}

/** Runs a CLI's body: user mistakes as one line on stderr (exit 2), anything else with its stack (exit 1). */
export async function runCli(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (isUserError(err)) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

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
