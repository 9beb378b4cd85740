/**
 * The stack configuration (contracts.md section 1): read as the Pulumi CLI hands it to a program
 * (every value as text, structured values as JSON text), validated whole before any resource is
 * registered, with defaults from defaults.ts.
 */
import { partition } from "@aws-sdk/core/client";
import * as awsConfig from "@pulumi/aws/config";
import { DEFAULTS } from "./defaults";
import { KEY_POLICY_MODES, type KeyPolicyMode } from "./policies/keyPolicy";
import { DYNAMODB_ACCESS_LEVELS } from "./principal";
import { parsePrincipalList, type PrincipalSettings } from "./principalConfig";
import { parseRoles, type RoleSettings } from "./roleConfig";
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

export { DYNAMODB_ACCESS_LEVELS };

export interface ProjectConfig {
  region: string;
  users: PrincipalSettings[];
  /** IAM roles trusted by some of `users` (roleConfig.ts); empty when not configured. */
  roles: RoleSettings[];
  tableName: string;
  hashKey: string;
  rangeKey?: string;
  /** Key administrators; undefined means the deploying identity. */
  keyAdmins?: string[];
  keyAlias: string;
  /** `strict`: only the key users can use the key, whatever an IAM policy of the account says. */
  keyPolicy: KeyPolicyMode;
  keyDeletionWindowDays: number;
  keyRotation: boolean;
  /** isEnabled of the key: false disables it, and the table becomes inaccessible. */
  keyEnabled: boolean;
  deletionProtection: boolean;
  pointInTimeRecovery: boolean;
  /** The `protect` resource option on the key and the table: `pulumi destroy` refuses to delete them. */
  protect: boolean;
  /** The `retainOnDelete` resource option on the key and the table: removed from the stack, kept in AWS. */
  retainOnDelete: boolean;
}

/**
 * The program's own settings (without the `kms-dynamodb:` namespace) and the type each is read as, as
 * pulumi.Config's getters read them: `string` (get: the text as is), `boolean` (getBoolean: "true" or
 * "false"), `number` (getNumber), `object` (getObject: JSON). A value is never typed by guessing from its
 * text: the table name "20240101" stays a string. Adding a setting is one line here (then its validation
 * in parseProjectConfig).
 */
export const CONFIG_SETTINGS = {
  users: "object",
  roles: "object",
  tableName: "string",
  hashKey: "string",
  rangeKey: "string",
  keyAdmins: "object",
  keyAlias: "string",
  keyPolicy: "string",
  keyDeletionWindowDays: "number",
  keyRotation: "boolean",
  keyEnabled: "boolean",
  deletionProtection: "boolean",
  pointInTimeRecovery: "boolean",
  protect: "boolean",
  retainOnDelete: "boolean",
} as const satisfies Record<string, "string" | "boolean" | "number" | "object">;

type ConfigKey = keyof typeof CONFIG_SETTINGS;

export const CONFIG_KEYS = Object.keys(CONFIG_SETTINGS) as ConfigKey[];

/**
 * The `aws:` keys the AWS provider reads: the names @pulumi/aws's config module declares (its `vars`
 * exports, one getter per key; listing them calls none). Any other `aws:` key is a misspelling.
 */
export const AWS_CONFIG_KEYS: readonly string[] = Object.keys(awsConfig).filter((key) => key !== "default");

/**
 * Every config value of the stack as the CLI passes it: full key (`kms-dynamodb:users`,
 * `aws:region`) to text.
 */
export type RawConfig = Readonly<Record<string, string>>;

const ns = DEFAULTS.project;
const field = (key: ConfigKey): string => `${ns}:${key}`;

/**
 * A value read with its declared type. Text that is not of the type is handed on as text, so the
 * validator names the key and the value (`"yes" is not true or false`).
 */
function readTyped(key: string, text: string, type: (typeof CONFIG_SETTINGS)[ConfigKey]): unknown {
  switch (type) {
    case "string":
      return text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "number": {
      const number = Number(text);
      return text.trim() !== "" && Number.isFinite(number) ? number : text;
    }
    case "object":
      try {
        return JSON.parse(text);
      } catch {
        throw new ConfigError(`${key}: ${show(text)} is not valid JSON`);
      }
  }
}

/**
 * Known regions come from the AWS SDK's partition data: `partition(region)` merges the region's own
 * entry (which always has a `description`) into the partition's outputs for a region the partition
 * lists, and returns the bare outputs for one that only matches a partition's pattern.
 */
function isKnownRegion(region: string): boolean {
  return !region.endsWith("-global") && "description" in partition(region);
}

function checkAwsKeys(raw: RawConfig): void {
  for (const fullKey of Object.keys(raw)) {
    if (fullKey.startsWith("aws:") && !AWS_CONFIG_KEYS.includes(fullKey.slice("aws:".length))) {
      throw new ConfigError(
        `${fullKey}: is not a setting of the AWS provider (@pulumi/aws); known: ${AWS_CONFIG_KEYS.join(", ")}`,
      );
    }
  }
}

function parseRegion(raw: RawConfig): string {
  const region = raw["aws:region"];
  if (region === undefined) {
    throw new ConfigError("aws:region: missing; set it with `pulumi config set aws:region us-east-1`");
  }
  requireRegion("aws:region", region);
  const skip = raw["aws:skipRegionValidation"];
  if (skip !== undefined && skip !== "true" && skip !== "false") {
    fail("aws:skipRegionValidation", skip, "is not true or false");
  }
  if (skip !== "true" && !isKnownRegion(region)) {
    fail(
      "aws:region",
      region,
      "is not a region of any AWS partition (aws, aws-cn, aws-us-gov, ...); " +
        "set aws:skipRegionValidation: true to use it anyway",
    );
  }
  return region;
}

function parseUsers(value: unknown): PrincipalSettings[] {
  const key = field("users");
  if (value === undefined) {
    throw new ConfigError(`${key}: missing; list at least one user (name, dynamodbAccess, keyUser)`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    fail(key, value, "is not a non-empty list of users");
  }
  return parsePrincipalList(key, value, {
    kind: "user",
    settings: ["name", "dynamodbAccess", "keyUser"],
    shape: "is not an object with name, dynamodbAccess and keyUser",
    name: requireIamUserName,
    rest: () => ({}),
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
      !Object.prototype.hasOwnProperty.call(CONFIG_SETTINGS, fullKey.slice(ns.length + 1))
    ) {
      throw new ConfigError(
        `${fullKey}: is not a setting of this program (known: ${CONFIG_KEYS.join(", ")})`,
      );
    }
  }
  checkAwsKeys(raw);
  const value = (key: ConfigKey): unknown => {
    const text = raw[field(key)];
    return text === undefined ? undefined : readTyped(field(key), text, CONFIG_SETTINGS[key]);
  };
  const region = parseRegion(raw);
  const rangeKey = value("rangeKey");
  const hashKey = requireKeyAttributeName(field("hashKey"), value("hashKey") ?? DEFAULTS.hashKey);
  const users = parseUsers(value("users"));
  const config: ProjectConfig = {
    region,
    users,
    roles: parseRoles(
      field("roles"),
      value("roles"),
      users.map((user) => user.name),
    ),
    tableName: requireTableName(field("tableName"), value("tableName") ?? DEFAULTS.tableName(stack)),
    hashKey,
    rangeKey: rangeKey === undefined ? undefined : requireKeyAttributeName(field("rangeKey"), rangeKey),
    keyAdmins: parseKeyAdmins(value("keyAdmins")),
    keyAlias: requireKeyAlias(field("keyAlias"), value("keyAlias") ?? DEFAULTS.keyAlias(stack)),
    keyPolicy: requireOneOf(field("keyPolicy"), value("keyPolicy") ?? DEFAULTS.keyPolicy, KEY_POLICY_MODES),
    keyDeletionWindowDays: requireIntegerInRange(
      field("keyDeletionWindowDays"),
      value("keyDeletionWindowDays") ?? DEFAULTS.keyDeletionWindowDays,
      7,
      30,
    ),
    keyRotation: requireBoolean(field("keyRotation"), value("keyRotation") ?? DEFAULTS.keyRotation),
    keyEnabled: requireBoolean(field("keyEnabled"), value("keyEnabled") ?? DEFAULTS.keyEnabled),
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
