/**
 * Reads the stack outputs (contracts.md section 2) the checks run against: from a file, or from the
 * Pulumi CLI (`pulumi stack output --json --show-secrets`), and validates them field by field so a bad
 * file fails with the field's path and value instead of an SDK error later.
 */
import { UserError } from "../cli/userError";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import {
  DYNAMODB_ACCESS_LEVELS,
  REDACTED,
  type DynamodbAccess,
  type StackOutputs,
  type UserOutputs,
} from "../infra/outputs";

/** A mistake in what the user gave (a flag, a file, the stack): printed as one line, no stack trace. */
export class CheckInputError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "CheckInputError";
  }
}

const STRING_FIELDS = ["region", "accountId", "keyArn", "keyAlias", "tableName", "tableArn"] as const;

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
    let text: string;
    try {
      text = await readFile(options.outputsFile, "utf8");
    } catch (err) {
      throw new CheckInputError(
        `--outputs ${options.outputsFile}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    return parseStackOutputs(parseJson(text, `--outputs ${options.outputsFile}`), options.outputsFile);
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

/** Validates parsed outputs; errors name the field path and the value (never a secret's value). */
export function parseStackOutputs(value: unknown, source: string): StackOutputs {
  const root = requireObject(value, source, "(the outputs)");
  const fields: Partial<Record<(typeof STRING_FIELDS)[number], string>> = {};
  for (const field of STRING_FIELDS) {
    fields[field] = requireString(root[field], source, field);
  }
  const usersValue = requireObject(root.users, source, "users");
  const names = Object.keys(usersValue);
  if (names.length === 0) {
    throw new CheckInputError(`${source}: users is empty: there is no user to run the checks as`);
  }
  const users: Record<string, UserOutputs> = {};
  for (const name of names) {
    users[name] = parseUser(usersValue[name], source, `users.${name}`);
  }
  return { ...(fields as Record<(typeof STRING_FIELDS)[number], string>), users };
}

function parseUser(value: unknown, source: string, path: string): UserOutputs {
  const user = requireObject(value, source, path);
  const access = user.dynamodbAccess;
  if (typeof access !== "string" || !(DYNAMODB_ACCESS_LEVELS as readonly string[]).includes(access)) {
    throw new CheckInputError(
      `${source}: ${path}.dynamodbAccess: ${JSON.stringify(access)} is not one of ${DYNAMODB_ACCESS_LEVELS.join(", ")}`,
    );
  }
  if (typeof user.keyUser !== "boolean") {
    throw new CheckInputError(
      `${source}: ${path}.keyUser: ${JSON.stringify(user.keyUser)} is not true or false`,
    );
  }
  const secret = user.secretAccessKey;
  if (secret === REDACTED) {
    throw new CheckInputError(
      `${source}: ${path}.secretAccessKey is "${REDACTED}": read the outputs with --show-secrets`,
    );
  }
  if (typeof secret !== "string" || secret.length === 0) {
    // The value itself is not printed: it may be a secret in another form.
    throw new CheckInputError(
      `${source}: ${path}.secretAccessKey: expected a non-empty string, got ${secret === null ? "null" : typeof secret}`,
    );
  }
  return {
    arn: requireString(user.arn, source, `${path}.arn`),
    dynamodbAccess: access as DynamodbAccess,
    keyUser: user.keyUser,
    accessKeyId: requireAccessKeyId(user.accessKeyId, source, `${path}.accessKeyId`),
    secretAccessKey: secret,
  };
}

/**
 * IAM identifiers (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html, "Unique
 * identifiers"): an access key id is AKIA (long-term) or ASIA (temporary, STS) and 16 capital letters or
 * digits. Anything else is refused without being printed: an outputs file with the id and the secret
 * swapped would otherwise have the checks print the secret wherever they name the key.
 */
export const ACCESS_KEY_ID = /^A[KS]IA[A-Z0-9]{16}$/;

function requireAccessKeyId(value: unknown, source: string, path: string): string {
  if (typeof value !== "string" || !ACCESS_KEY_ID.test(value)) {
    throw new CheckInputError(
      `${source}: ${path}: not an access key id (AKIA or ASIA and 16 capital letters or digits); ` +
        "the value is not printed, as it may be a secret",
    );
  }
  return value;
}

function requireObject(value: unknown, source: string, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CheckInputError(
      `${source}: ${path}: expected an object, got ${JSON.stringify(value) ?? "nothing"}`,
    );
  }
  return value as Record<string, unknown>;
}

function requireString(value: unknown, source: string, path: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new CheckInputError(
      `${source}: ${path}: expected a non-empty string, got ${JSON.stringify(value) ?? "nothing"}`,
    );
  }
  return value;
}
