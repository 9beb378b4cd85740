/**
 * Reads the stack outputs (contracts.md section 2) the checks run against: from a file, or from the
 * Pulumi CLI (`pulumi stack output --json --show-secrets`), and validates them field by field so a bad
 * file fails with the field's path and value instead of an SDK error later. The validation is the one
 * parser of the outputs, infra/outputs.ts `parseStackOutputs`, shared with the sandbox, plan and scenario.
 */
import { UserError } from "../common/userError";
import { readUserJson } from "../common/userFile";
import { execFile } from "node:child_process";
import { parseStackOutputs, type StackOutputs } from "../infra/outputs";

/** A mistake in what the user gave (a flag, a file, the stack): printed as one line, no stack trace. */
export class CheckInputError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "CheckInputError";
  }
}

/** Runs a command and returns its stdout; rejects with the spawn error (`code` "ENOENT" if missing) or the exit. */
export type CommandRunner = (file: string, args: string[]) => Promise<string>;

export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(Object.assign(err, { stderr }));
      } else {
        resolve(stdout);
      }
    });
  });

/** The largest outputs file read: 16 MiB, thousands of users' worth. */
const MAX_OUTPUTS_BYTES = 16 * 1024 * 1024;

export interface ReadStackOutputsOptions {
  /** A JSON file holding the outputs (secrets shown), e.g. what `npm run sandbox -- --outputs FILE` writes. */
  outputsFile?: string;
  /** The Pulumi stack to ask when no file is given; the CLI's selected stack if absent. */
  stack?: string;
  /** Injected for tests; default spawns the real command. */
  run?: CommandRunner;
}

export async function readStackOutputs(options: ReadStackOutputsOptions): Promise<StackOutputs> {
  if (options.outputsFile !== undefined) {
    // Bounded: outputs are a few KB per user; a FIFO or /dev/zero is refused, not read forever.
    const outputs = readUserJson(options.outputsFile, { flag: "--outputs", maxBytes: MAX_OUTPUTS_BYTES });
    return parseStackOutputs(outputs, options.outputsFile);
  }
  const args = [
    "stack",
    "output",
    "--json",
    "--show-secrets",
    ...(options.stack ? ["--stack", options.stack] : []),
  ];
  let stdout: string;
  try {
    stdout = await (options.run ?? runCommand)("pulumi", args);
  } catch (err) {
    const failure = err as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === "ENOENT") {
      throw new CheckInputError(
        "the Pulumi CLI (pulumi) was not found on PATH: install it (https://www.pulumi.com/docs/iac/download-install/) or pass --outputs FILE",
      );
    }
    const firstLine = (failure.stderr ?? "").trim().split("\n")[0] || failure.message;
    throw new CheckInputError(`pulumi ${args.join(" ")} failed: ${firstLine}`);
  }
  const source = `pulumi stack output${options.stack ? ` --stack ${options.stack}` : ""}`;
  return parseStackOutputs(parseJson(stdout, source), source);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // Not the parser's message: it quotes the text around the fault, and the text holds secrets.
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new CheckInputError(`${source}: not JSON (${position ? `at position ${position}` : "malformed"})`);
  }
}
