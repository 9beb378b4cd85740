/**
 * What every command-line entry point of the project shares (one convention for synth, policy, sandbox,
 * checks, the scenario and the benchmarks):
 * - strict flag parsing: an unknown flag or a positional argument is a UsageError;
 * - an injectable `Io`, so tests call `main(argv, io)` in process and read what it printed;
 * - one error prefix (`error: `) and exit codes 0 (success), 1 (the command ran and found a failure, or
 *   an internal error, printed with its stack), 2 (a user mistake: one line on stderr, no stack trace).
 */
import { parseArgs } from "node:util";
import { isUserError, UserError } from "../common/userError";

export { isUserError, UserError, USER_ERROR_BRAND } from "../common/userError";

export class UsageError extends UserError {}

/** Where a command writes and what it reads from its surroundings. Each write is one line (or block). */
export interface Io {
  /** The command's result (a report, JSON). A newline is added. */
  stdout(text: string): void;
  /** Progress and errors. A newline is added. */
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** The working directory: where the stack files are read from, as the Pulumi CLI does. */
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(`${text}\n`),
    stderr: (text) => void process.stderr.write(`${text}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}

export const ERROR_PREFIX = "error: ";

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Parses flags strictly; a mistake is a UsageError whose first line says what, followed by the usage. */
export function parseCliArgs<T extends OptionSpec>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split("\n")[0]}\n${usage}`);
  }
}

/** A required flag's value, or a UsageError naming it. */
export function requireFlag(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === "") {
    throw new UsageError(`--${flag} is required\n${usage}`);
  }
  return value;
}

/**
 * Runs a command's body: its exit code; a user mistake as `error: <first line>` (exit 2; the usage
 * that follows a flag mistake is printed after it); anything else with its stack (exit 1).
 */
export async function runCli(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (isUserError(err)) {
      io.stderr(`${ERROR_PREFIX}${err.message}`);
      return 2;
    }
    io.stderr(`${ERROR_PREFIX}${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

export type Main = (argv: string[], io: Io) => Promise<number>;

/** The entry point of a command run as a script: `if (require.main === module) runMain(main)`. */
export function runMain(main: Main): void {
  // AWS SDK v3 warns once per process on Node < 22; the project supports Node 20.19+ (field notes).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const io = processIo();
  main(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (err: unknown) => {
      io.stderr(`${ERROR_PREFIX}${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
