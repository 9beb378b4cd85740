/**
 * The stack outputs of the program (contracts.md section 2), as plain data once resolved: what
 * `pulumi stack output --json --show-secrets` prints and what the checks and the sandbox read, and
 * their one validating parser (`parseStackOutputs`): the checks, the sandbox, the plan engine and the
 * scenario runner read outputs through it, never through a cast.
 */
import {
  DYNAMODB_ACCESS_LEVELS,
  PRINCIPAL_KINDS,
  STACK_PRINCIPAL_KINDS,
  parsePrincipalArn,
  type DynamodbAccess,
  type DeclaredIntent,
  type Principal,
  type StackPrincipalKind,
} from "./principal";
import { USER_ERROR_BRAND } from "./userErrorBrand";

export { DYNAMODB_ACCESS_LEVELS, type DynamodbAccess };

/** How a secret output prints without `--show-secrets` (`pulumi stack output`, `pulumi preview --json`). */
export const REDACTED = "[secret]";

/** A principal of the stack in the outputs: its ARN and what the stack declares about it. */
export interface PrincipalOutputs extends DeclaredIntent {
  arn: string;
}

/** An access key pair as the outputs print it. */
export interface AccessKeyOutputs {
  accessKeyId: string;
  /** A Pulumi secret in the stack; plain text only where `--show-secrets` was asked for. */
  secretAccessKey: string;
}

/** A user of `kms-dynamodb:users`: it signs with its own access key. */
export interface UserOutputs extends PrincipalOutputs, AccessKeyOutputs {}

/** A role of `kms-dynamodb:roles`: assumed by its trusted users, it has no keys of its own. */
export type RoleOutputs = PrincipalOutputs;

export interface StackOutputs {
  region: string;
  accountId: string;
  keyArn: string;
  keyAlias: string;
  tableName: string;
  tableArn: string;
  users: Record<string, UserOutputs>;
  /** Present when the stack configures roles. */
  roles?: Record<string, RoleOutputs>;
}

/**
 * A principal the stack creates, as its outputs describe it: the one Principal description
 * (infra/principal.ts) with the stack's intent, and a user's own access key.
 */
export interface StackPrincipal extends Principal {
  readonly kind: StackPrincipalKind;
  readonly intent: DeclaredIntent;
  /** The access key it signs with (users); absent for a kind that acts through sessions (roles). */
  readonly accessKey?: AccessKeyOutputs;
}

/**
 * Every principal of the outputs, kind by kind in the order of PRINCIPAL_KINDS (users, then roles), each
 * in the outputs' order.
 */
export function stackPrincipals(outputs: StackOutputs): StackPrincipal[] {
  return STACK_PRINCIPAL_KINDS.flatMap((kind) =>
    Object.entries(outputs[PRINCIPAL_KINDS[kind].stackKey] ?? {}).map(
      ([name, entry]: [string, PrincipalOutputs & Partial<AccessKeyOutputs>]): StackPrincipal => ({
        kind,
        arn: entry.arn,
        accountId: parsePrincipalArn(entry.arn)?.accountId ?? outputs.accountId,
        name,
        intent: { dynamodbAccess: entry.dynamodbAccess, keyUser: entry.keyUser },
        ...(entry.accessKeyId !== undefined && entry.secretAccessKey !== undefined
          ? { accessKey: { accessKeyId: entry.accessKeyId, secretAccessKey: entry.secretAccessKey } }
          : {}),
      }),
    ),
  );
}

/** Outputs that do not have the shape of contracts.md section 2: names the field path and the value. */
export class OutputsError extends Error {
  /** Every command prints it as one line, exit 2 (common/userError.ts reads the brand). */
  readonly [USER_ERROR_BRAND] = true;

  constructor(message: string) {
    super(message);
    this.name = "OutputsError";
  }
}

const STRING_FIELDS = ["region", "accountId", "keyArn", "keyAlias", "tableName", "tableArn"] as const;

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
    // kms-dynamodb:users is a non-empty list (infra/config.ts), so a stack always outputs a user.
    throw new OutputsError(`${source}: users is empty: a stack has at least one user`);
  }
  const users: Record<string, UserOutputs> = {};
  for (const name of names) {
    users[name] = parseUser(usersValue[name], source, `users.${name}`);
  }
  const outputs: StackOutputs = { ...(fields as Record<(typeof STRING_FIELDS)[number], string>), users };
  if (root.roles !== undefined) {
    const rolesValue = requireObject(root.roles, source, "roles");
    const roles: Record<string, RoleOutputs> = {};
    for (const name of Object.keys(rolesValue)) {
      roles[name] = parseRole(rolesValue[name], source, `roles.${name}`);
    }
    outputs.roles = roles;
  }
  return outputs;
}

function parseRole(value: unknown, source: string, path: string): RoleOutputs {
  const role = requireObject(value, source, path);
  return {
    arn: requireString(role.arn, source, `${path}.arn`),
    dynamodbAccess: requireAccess(role.dynamodbAccess, source, path),
    keyUser: requireBoolean(role.keyUser, source, `${path}.keyUser`),
  };
}

function requireAccess(access: unknown, source: string, path: string): DynamodbAccess {
  if (typeof access !== "string" || !(DYNAMODB_ACCESS_LEVELS as readonly string[]).includes(access)) {
    throw new OutputsError(
      `${source}: ${path}.dynamodbAccess: ${JSON.stringify(access) ?? "nothing"} is not one of ${DYNAMODB_ACCESS_LEVELS.join(", ")}`,
    );
  }
  return access as DynamodbAccess;
}

function requireBoolean(value: unknown, source: string, path: string): boolean {
  if (typeof value !== "boolean") {
    throw new OutputsError(`${source}: ${path}: ${JSON.stringify(value) ?? "nothing"} is not true or false`);
  }
  return value;
}

function parseUser(value: unknown, source: string, path: string): UserOutputs {
  const user = requireObject(value, source, path);
  const secret = user.secretAccessKey;
  if (secret === REDACTED) {
    throw new OutputsError(
      `${source}: ${path}.secretAccessKey is "${REDACTED}": read the outputs with --show-secrets`,
    );
  }
  if (typeof secret !== "string" || secret.length === 0) {
    // The value itself is not printed: it may be a secret in another form.
    throw new OutputsError(
      `${source}: ${path}.secretAccessKey: expected a non-empty string, got ${secret === null ? "null" : typeof secret}`,
    );
  }
  return {
    arn: requireString(user.arn, source, `${path}.arn`),
    dynamodbAccess: requireAccess(user.dynamodbAccess, source, path),
    keyUser: requireBoolean(user.keyUser, source, `${path}.keyUser`),
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
    throw new OutputsError(
      `${source}: ${path}: not an access key id (AKIA or ASIA and 16 capital letters or digits); ` +
        "the value is not printed, as it may be a secret",
    );
  }
  return value;
}

function requireObject(value: unknown, source: string, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OutputsError(
      `${source}: ${path}: expected an object, got ${JSON.stringify(value) ?? "nothing"}`,
    );
  }
  return value as Record<string, unknown>;
}

function requireString(value: unknown, source: string, path: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new OutputsError(
      `${source}: ${path}: expected a non-empty string, got ${JSON.stringify(value) ?? "nothing"}`,
    );
  }
  return value;
}
