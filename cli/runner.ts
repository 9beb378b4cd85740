/**
 * The one runner of every command (`npm start`, `npm run synth`, `policy`, `sandbox`, `sandbox:clock`,
 * `checks`, `access`, `bench`, `iam:managed-policies`, `docs`). A command is a spec (`defineCommand`): its
 * flags, what it exists to report (exit 1) and its body. The runner owns everything else, the same for every
 * command:
 *
 * - flags parsed strictly from the spec (an unknown flag or a stray argument is a usage error); the usage and
 *   `--help`/`-h` text are generated from the spec (docs/reference.md shows them);
 * - exit codes (docs/contracts.md, section 7): 0 success; 1 a finding the command exists to report; 2 a user
 *   error (bad flag, file or config, a program of the user that failed, an output that cannot be written),
 *   one line `error: …` (a flag mistake's line ends pointing to --help); 70 (sysexits.h EX_SOFTWARE) an
 *   internal error of the tool or of a pack it runs, one line `error: internal error: …`, its stack only
 *   with `--verbose`. Uncaught exceptions and unhandled rejections are internal errors too;
 * - output flushed before exit: the process waits for the last stdout and stderr writes to be handed to the
 *   system, so a slow reader of a pipe gets everything; a write error on stdout (EPIPE: the reader went away)
 *   is exit 2;
 * - an injectable `Io`, so tests run `main(argv, io)` in process and read what it printed.
 */
import { parseArgs } from "node:util";
import { boundMessage, escapeControls, shorten } from "../common/display";
import { isUserError, UserError } from "../common/userError";

export { escapeControls } from "../common/display";

export { isUserError, UserError, USER_ERROR_BRAND } from "../common/userError";

/** A mistake the user can fix in how the command was called or what it was given: one line, exit 2. */
export class UsageError extends UserError {}

/** A flag mistake (unknown, missing, combined wrongly): its line points to --help. */
class FlagError extends UsageError {}

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

export const ERROR_PREFIX = "error: ";
/** sysexits.h EX_SOFTWARE: "an internal software error has been detected". */
export const EXIT_INTERNAL_ERROR = 70;

/** One flag of a command. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** A one-letter alias (`-h`). */
  readonly short?: string;
  /** May be given more than once; the value is then a list. */
  readonly multiple?: boolean;
  /** What the value is, in the usage: `--stack NAME`. Default `VALUE`. */
  readonly placeholder?: string;
  /** One line for --help and docs/reference.md. */
  readonly description: string;
  /** The command cannot run without it. */
  readonly required?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed flags of a spec: a string flag is a string (a list when `multiple`), a boolean a boolean. */
export type ParsedOptions<O extends OptionSpecs> = {
  -readonly [K in keyof O]: O[K]["type"] extends "boolean"
    ? O[K]["multiple"] extends true
      ? boolean[] | undefined
      : boolean | undefined
    : O[K]["multiple"] extends true
      ? string[] | undefined
      : O[K]["required"] extends true
        ? string
        : string | undefined;
};

/** What a command's body gets besides its flags. */
export interface CommandContext<D, I extends Io = Io> {
  readonly io: I;
  /** What tests inject (a lent policy pack, a fake command runner); `{}` when run as a script. */
  readonly deps: D;
  /** `--verbose` was given: print stack traces and extra progress. */
  readonly verbose: boolean;
  /** The positional arguments, for a command whose spec declares them. */
  readonly positionals: readonly string[];
  /** A flag mistake naming what is wrong; the runner's line points to --help. */
  usageError(message: string): UsageError;
}

export interface CommandSpec<O extends OptionSpecs, D = object, I extends Io = Io> {
  /** The npm script: `start` runs as `npm start`, any other NAME as `npm run NAME`. */
  readonly name: string;
  /** One sentence: what the command does. */
  readonly summary: string;
  readonly options: O;
  /** Positional arguments (only the bench takes them): their name in the usage and what they are. */
  readonly positionals?: { readonly placeholder: string; readonly description: string };
  /** Exit codes beyond the runner's own: 1, what a finding of this command is. */
  readonly exits?: { readonly 1?: string };
  /** Further lines for --help (forms, examples). */
  readonly notes?: readonly string[];
  run(args: ParsedOptions<O>, ctx: CommandContext<D, I>): Promise<number>;
}

/** A command as the runner and the docs see it. */
export interface Command<
  O extends OptionSpecs = OptionSpecs,
  D = object,
  I extends Io = Io,
> extends CommandSpec<O, D, I> {
  /** `npm start` or `npm run NAME`. */
  readonly invocation: string;
  /** The usage line, generated from the spec. */
  readonly usage: string;
  /** The --help text, generated from the spec. */
  readonly help: string;
}

/** Flags every command takes; the runner handles them. */
const COMMON_OPTIONS: OptionSpecs = {
  help: { type: "boolean", short: "h", description: "print this help and exit" },
  verbose: { type: "boolean", description: "print stack traces and extra progress on stderr" },
};

export function defineCommand<O extends OptionSpecs, D = object, I extends Io = Io>(
  spec: CommandSpec<O, D, I>,
): Command<O, D, I> {
  for (const name of Object.keys(spec.options)) {
    if (name in COMMON_OPTIONS) {
      throw new Error(`${spec.name}: --${name} is the runner's own flag`);
    }
  }
  const invocation = spec.name === "start" ? "npm start" : `npm run ${spec.name}`;
  const usage = usageLine(invocation, spec);
  return { ...spec, invocation, usage, help: helpText(usage, spec) };
}

function flagWithValue(name: string, option: OptionSpec): string {
  const short = option.short === undefined ? "" : `-${option.short}, `;
  return option.type === "boolean"
    ? `${short}--${name}`
    : `${short}--${name} ${option.placeholder ?? "VALUE"}`;
}

function usageLine(invocation: string, spec: CommandSpec<OptionSpecs, never, never>): string {
  const parts = Object.entries(spec.options).map(([name, option]) => {
    const flag = option.type === "boolean" ? `--${name}` : `--${name} ${option.placeholder ?? "VALUE"}`;
    const repeated = option.multiple ? `${flag}...` : flag;
    return option.required ? repeated : `[${repeated}]`;
  });
  if (spec.positionals !== undefined) {
    parts.push(`[${spec.positionals.placeholder}...]`);
  }
  const args = parts.length === 0 ? "" : ` -- ${parts.join(" ")}`;
  return `usage: ${invocation}${args}`;
}

function helpText(usage: string, spec: CommandSpec<OptionSpecs, never, never>): string {
  const rows: [string, string][] = [
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [
      flagWithValue(name, option),
      option.required ? `${option.description} (required)` : option.description,
    ]),
    ...(spec.positionals === undefined
      ? []
      : [[spec.positionals.placeholder, spec.positionals.description] as [string, string]]),
    ...Object.entries(COMMON_OPTIONS).map(([name, option]): [string, string] => [
      flagWithValue(name, option),
      option.description,
    ]),
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const exits = [
    "0 success",
    ...(spec.exits?.[1] === undefined ? [] : [`1 ${spec.exits[1]}`]),
    "2 a user error (one line on stderr)",
    `${EXIT_INTERNAL_ERROR} an internal error (one line; the stack with --verbose)`,
  ];
  return [
    usage,
    "",
    spec.summary,
    ...(spec.notes === undefined || spec.notes.length === 0 ? [] : ["", ...spec.notes]),
    "",
    "options:",
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
    "",
    `exit codes: ${exits.join("; ")}`,
  ].join("\n");
}

/** Whether argv asks for help (before a `--` that ends the flags). */
function asksForHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === "--") {
      return false;
    }
    if (arg === "--help" || arg === "-h") {
      return true;
    }
  }
  return false;
}

/** Parses argv by the spec; a mistake is a UsageError whose message says what. */
function parse<O extends OptionSpecs>(
  command: Command<O, never, never>,
  argv: string[],
): { values: ParsedOptions<O> & { verbose?: boolean }; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...COMMON_OPTIONS }).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.short === undefined ? {} : { short: option.short }),
        ...(option.multiple ? { multiple: true } : {}),
      },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options,
      allowPositionals: command.positionals !== undefined,
      strict: true,
    });
  } catch (err) {
    throw new FlagError((err as Error).message.split("\n")[0]);
  }
  for (const [name, option] of Object.entries(command.options)) {
    const value = parsed.values[name];
    if (option.required && (value === undefined || value === "")) {
      throw new FlagError(`--${name} is required`);
    }
  }
  return {
    values: parsed.values as ParsedOptions<O> & { verbose?: boolean },
    positionals: parsed.positionals,
  };
}

/**
 * Runs a command with `argv` (no node, no script): its exit code. Prints help, usage errors, user
 * errors and internal errors as the module comment says. Never throws.
 */
export async function runCommand<O extends OptionSpecs, D, I extends Io>(
  command: Command<O, D, I>,
  argv: string[],
  io: I,
  deps: D,
): Promise<number> {
  if (asksForHelp(argv)) {
    io.stdout(command.help);
    return 0;
  }
  const verbose = argv.includes("--verbose");
  try {
    const { values, positionals } = parse(command as unknown as Command<O, never, never>, argv);
    delete values.verbose;
    return await command.run(values, {
      io,
      deps,
      verbose,
      positionals,
      usageError: (message) => new FlagError(message),
    });
  } catch (err) {
    return reportError(err, io, verbose, command.invocation);
  }
}

/** Prints a failure the way the module comment says; its exit code. */
export function reportError(
  err: unknown,
  io: Pick<Io, "stderr">,
  verbose: boolean,
  invocation?: string,
): number {
  if (isUserError(err)) {
    const message = boundMessage(err.message);
    const help = err instanceof FlagError && invocation !== undefined ? ` (${invocation} -- --help)` : "";
    io.stderr(`${ERROR_PREFIX}${message}${help}`);
    return 2;
  }
  io.stderr(internalErrorText(err, verbose));
  return EXIT_INTERNAL_ERROR;
}

/** `error: internal error: <first line, shortened and escaped>`, and the stack with --verbose. */
export function internalErrorText(err: unknown, verbose: boolean): string {
  const error = err instanceof Error ? err : undefined;
  const text = error === undefined ? String(err) : `${error.name}: ${error.message}`;
  const line = `${ERROR_PREFIX}internal error: ${shorten(escapeControls(text.split("\n")[0]), 300)}`;
  if (!verbose) {
    return `${line} (run again with --verbose for the stack trace)`;
  }
  return error?.stack === undefined ? line : `${line}\n${error.stack}`;
}

/**
 * The process's Io: each write goes to the stream at once; `flushed()` resolves once everything written
 * to stdout and stderr so far (through this Io or not) has been handed to the system, so that exiting
 * then loses nothing a reader of a pipe has not read yet.
 */
export interface ProcessIo extends Io {
  flushed(): Promise<void>;
  /** The first write error on stdout (EPIPE: the reader closed the pipe), if any. */
  stdoutError(): NodeJS.ErrnoException | undefined;
}

let theProcessIo: ProcessIo | undefined;

/** The one Io of this process (its stream listeners are installed once). */
export function processIo(): ProcessIo {
  if (theProcessIo !== undefined) {
    return theProcessIo;
  }
  let stdoutError: NodeJS.ErrnoException | undefined;
  let stderrFailed = false;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    stdoutError ??= err;
  });
  // A reader of stderr that went away leaves nowhere to report anything: its errors are dropped.
  process.stderr.on("error", () => {
    stderrFailed = true;
  });
  // Writes whose callback has not run yet. A write to a file or device fails synchronously but reports it
  // on a later tick (ENOSPC on a full disk, /dev/full): an empty buffer alone does not mean the output
  // was written, the callback does.
  let pending = 0;
  const drained = (): boolean =>
    pending === 0 &&
    (stdoutError !== undefined || process.stdout.writableLength === 0) &&
    (stderrFailed || process.stderr.writableLength === 0);
  theProcessIo = {
    stdout: (text) => {
      if (stdoutError === undefined) {
        pending++;
        process.stdout.write(`${text}\n`, (err) => {
          pending--;
          if (err) {
            stdoutError ??= err;
          }
        });
      }
    },
    stderr: (text) => {
      if (!stderrFailed) {
        pending++;
        process.stderr.write(`${text}\n`, (err) => {
          pending--;
          if (err) {
            stderrFailed = true;
          }
        });
      }
    },
    env: process.env,
    cwd: process.cwd(),
    flushed: () =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (drained()) {
            resolve();
          } else {
            setTimeout(check, 5);
          }
        };
        check();
      }),
    stdoutError: () => stdoutError,
  };
  return theProcessIo;
}

/**
 * The entry point of a command run as a script: `if (require.main === module) runMain(command)`.
 * Exits with the command's code once its output is flushed.
 */
export function runMain<O extends OptionSpecs, D, I extends Io>(
  command: Command<O, D, I>,
  argv: string[] = process.argv.slice(2),
): void {
  // AWS SDK v3 warns once per process on Node < 22; the project supports Node 20.19+ (field notes).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const io = processIo();
  const verbose = argv.includes("--verbose");
  let exiting = false;
  const exit = (code: number): void => {
    if (exiting) {
      return;
    }
    exiting = true;
    void io.flushed().then(() => {
      const failed = io.stdoutError();
      if (failed !== undefined && code === 0) {
        // The output could not be written (the reader closed the pipe): not a success.
        io.stderr(`${ERROR_PREFIX}stdout: ${failed.code ?? failed.message}: the output could not be written`);
        code = 2;
      } else if (failed !== undefined && code !== EXIT_INTERNAL_ERROR) {
        code = 2;
      }
      return io.flushed().then(() => process.exit(code));
    });
  };
  const internal = (err: unknown): void => {
    if (exiting) {
      return;
    }
    // A user's mistake stays one line and exit 2 whichever way it escaped: a Pulumi program's config
    // error also rejects a promise of the runtime's Stack resource that nothing awaits.
    exit(reportError(err, io, verbose, command.invocation));
  };
  process.on("uncaughtException", internal);
  process.on("unhandledRejection", internal);
  // One failure line per run: once the run is ending (an escaped error was reported while the command
  // still ran; the same mistake often rejects there too), the command's own report of it is not repeated.
  const commandIo: ProcessIo = {
    ...io,
    stderr: (text) => {
      if (!(exiting && text.startsWith(ERROR_PREFIX))) {
        io.stderr(text);
      }
    },
  };
  runCommand(command, argv, commandIo as unknown as I, {} as D).then(exit, internal);
}

/** What tests and docs call: `main(argv, io, deps)` of a command. */
export type Main<D = object, I extends Io = Io> = (argv: string[], io?: I, deps?: D) => Promise<number>;

/** The `main(argv, io?, deps?)` every command module exports, for tests and in-process callers. */
export function mainOf<O extends OptionSpecs, D, I extends Io>(command: Command<O, D, I>): Main<D, I> {
  return (argv, io, deps) =>
    runCommand(command, argv, io ?? (processIo() as unknown as I), deps ?? ({} as D));
}
