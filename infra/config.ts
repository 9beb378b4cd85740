/**
 * The stack configuration (contracts.md section 1): read as the Pulumi CLI hands it to a program
 * (every value as text, structured values as JSON text), validated whole before any resource is
 * registered, with defaults from defaults.ts.
 */
import { DEFAULTS } from "./defaults";
import { DynamodbAccess } from "./outputs";
import {
  ConfigError,
  fail,
  requireBoolean,
  requireIamUserName,
  requireIntegerInRange,
  requireKeyAlias,
  requireKeyAttributeName,
  requireOneOf,
  requirePrincipalArn,
  requireRegion,
  requireTableName,
  show,
} from "./validation";

export const DYNAMODB_ACCESS_LEVELS: readonly DynamodbAccess[] = ["readonly", "readwrite", "full"];

export interface UserSpec {
  /** IAM user name, unique in the stack. */
  name: string;
  dynamodbAccess: DynamodbAccess;
  /** Listed as a key user in the key policy: may use the key through DynamoDB. */
  keyUser: boolean;
}

export interface ProjectConfig {
  region: string;
  users: UserSpec[];
  tableName: string;
  hashKey: string;
  rangeKey?: string;
  /** Key administrators; undefined means the deploying identity. */
  keyAdmins?: string[];
  keyAlias: string;
  keyDeletionWindowDays: number;
  keyRotation: boolean;
  deletionProtection: boolean;
  pointInTimeRecovery: boolean;
  /** The `protect` resource option on the key and the table: `pulumi destroy` refuses to delete them. */
  protect: boolean;
  /** The `retainOnDelete` resource option on the key and the table: removed from the stack, kept in AWS. */
  retainOnDelete: boolean;
}

/** The program's own config keys (without the `kms-dynamodb:` namespace). */
export const CONFIG_KEYS = [
  "users",
  "tableName",
  "hashKey",
  "rangeKey",
  "keyAdmins",
  "keyAlias",
  "keyDeletionWindowDays",
  "keyRotation",
  "deletionProtection",
  "pointInTimeRecovery",
  "protect",
  "retainOnDelete",
] as const;

type ConfigKey = (typeof CONFIG_KEYS)[number];

/**
 * Every config value of the stack as the CLI passes it: full key (`kms-dynamodb:users`,
 * `aws:region`) to text.
 */
export type RawConfig = Readonly<Record<string, string>>;

const ns = DEFAULTS.project;
const field = (key: ConfigKey): string => `${ns}:${key}`;

/** Parses a structured or scalar config value from the text the CLI hands over. */
function parseText(key: string, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      throw new ConfigError(`${key}: ${show(text)} is not valid JSON`);
    }
  }
  if (trimmed === "true" || trimmed === "false") {
    return trimmed === "true";
  }
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    return Number(trimmed);
  }
  return text;
}

function parseUsers(value: unknown): UserSpec[] {
  const key = field("users");
  if (value === undefined) {
    throw new ConfigError(`${key}: missing; list at least one user (name, dynamodbAccess, keyUser)`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    fail(key, value, "is not a non-empty list of users");
  }
  const seen = new Map<string, number>();
  return value.map((entry: unknown, index: number): UserSpec => {
    const at = `${key}[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      fail(at, entry, "is not an object with name, dynamodbAccess and keyUser");
    }
    const record = entry as Record<string, unknown>;
    for (const property of Object.keys(record)) {
      if (!["name", "dynamodbAccess", "keyUser"].includes(property)) {
        fail(
          `${at}.${property}`,
          record[property],
          "is not a known user setting (name, dynamodbAccess, keyUser)",
        );
      }
    }
    const name = requireIamUserName(`${at}.name`, record.name);
    const previous = seen.get(name.toLowerCase());
    if (previous !== undefined) {
      // IAM user names are unique case-insensitively within an account.
      fail(`${at}.name`, name, `duplicates ${key}[${previous}].name`);
    }
    seen.set(name.toLowerCase(), index);
    return {
      name,
      dynamodbAccess: requireOneOf(`${at}.dynamodbAccess`, record.dynamodbAccess, DYNAMODB_ACCESS_LEVELS),
      keyUser: requireBoolean(`${at}.keyUser`, record.keyUser ?? false),
    };
  });
}

function parseKeyAdmins(value: unknown): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const key = field("keyAdmins");
  if (!Array.isArray(value) || value.length === 0) {
    fail(key, value, "is not a non-empty list of IAM principal ARNs");
  }
  return value.map((arn: unknown, index: number) => requirePrincipalArn(`${key}[${index}]`, arn));
}

/**
 * Validates the whole configuration of `stack` and fills in the defaults. Throws a ConfigError naming
 * the first bad key, entry and value.
 */
export function parseProjectConfig(raw: RawConfig, stack: string): ProjectConfig {
  for (const fullKey of Object.keys(raw)) {
    if (
      fullKey.startsWith(`${ns}:`) &&
      !(CONFIG_KEYS as readonly string[]).includes(fullKey.slice(ns.length + 1))
    ) {
      throw new ConfigError(
        `${fullKey}: is not a setting of this program (known: ${CONFIG_KEYS.join(", ")})`,
      );
    }
  }
  const value = (key: ConfigKey): unknown => {
    const text = raw[field(key)];
    return text === undefined ? undefined : parseText(field(key), text);
  };
  const region = raw["aws:region"];
  if (region === undefined) {
    throw new ConfigError("aws:region: missing; set it with `pulumi config set aws:region us-east-1`");
  }
  const rangeKey = value("rangeKey");
  const hashKey = requireKeyAttributeName(field("hashKey"), value("hashKey") ?? DEFAULTS.hashKey);
  const config: ProjectConfig = {
    region: requireRegion("aws:region", region),
    users: parseUsers(value("users")),
    tableName: requireTableName(field("tableName"), value("tableName") ?? DEFAULTS.tableName(stack)),
    hashKey,
    rangeKey: rangeKey === undefined ? undefined : requireKeyAttributeName(field("rangeKey"), rangeKey),
    keyAdmins: parseKeyAdmins(value("keyAdmins")),
    keyAlias: requireKeyAlias(field("keyAlias"), value("keyAlias") ?? DEFAULTS.keyAlias(stack)),
    keyDeletionWindowDays: requireIntegerInRange(
      field("keyDeletionWindowDays"),
      value("keyDeletionWindowDays") ?? DEFAULTS.keyDeletionWindowDays,
      7,
      30,
    ),
    keyRotation: requireBoolean(field("keyRotation"), value("keyRotation") ?? DEFAULTS.keyRotation),
    deletionProtection: requireBoolean(
      field("deletionProtection"),
      value("deletionProtection") ?? DEFAULTS.deletionProtection,
    ),
    pointInTimeRecovery: requireBoolean(
      field("pointInTimeRecovery"),
      value("pointInTimeRecovery") ?? DEFAULTS.pointInTimeRecovery,
    ),
    protect: requireBoolean(field("protect"), value("protect") ?? DEFAULTS.protect(stack)),
    retainOnDelete: requireBoolean(
      field("retainOnDelete"),
      value("retainOnDelete") ?? DEFAULTS.retainOnDelete(stack),
    ),
  };
  if (config.rangeKey !== undefined && config.rangeKey === config.hashKey) {
    fail(field("rangeKey"), config.rangeKey, `is the same attribute as ${field("hashKey")}`);
  }
  return config;
}
