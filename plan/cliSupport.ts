/**
 * What every command-line entry point of the project shares: strict flag parsing, and one line on
 * stderr (exit 2) for a mistake the user can fix, a stack trace (exit 1) for anything else.
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../infra/validation";
import { StackConfigError } from "./stackConfig";

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
