/**
 * Pure validators for the program's inputs. Each returns nothing or throws a ConfigError whose message
 * names the field (as the user wrote it, e.g. `kms-dynamodb:users[1].name`) and the value received.
 */

import * as pulumi from "@pulumi/pulumi";
import { USER_ERROR_BRAND } from "./userErrorBrand";
import { parseAssumedRoleArn } from "./assumedRole";

/**
 * A mistake in the stack's configuration or a component's arguments. A RunError, so `pulumi up`
 * reports it in one line without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  /** Every command prints it as one line, exit 2 (common/userError.ts reads the brand). */
  readonly [USER_ERROR_BRAND] = true;

  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Formats a received value for an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (value === undefined) {
    return "undefined";
  }
  return JSON.stringify(value);
}

/** Like `show`, for values that may not serialize (resources, cycles): their class name then. */
export function describeValue(value: unknown): string {
  try {
    return show(value);
  } catch {
    return `a ${(value as object)?.constructor?.name ?? typeof value}`;
  }
}

export function fail(field: string, value: unknown, expectation: string): never {
  throw new ConfigError(`${field}: ${show(value)} ${expectation}`);
}

// IAM user names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
const IAM_USER_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
// DynamoDB table names: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
// Attribute names used as keys: 1-255 bytes; kept to printable names so they can be typed in a shell.
const KEY_ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,255}$/;
// KMS alias names: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
const KEY_ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/;
// Principals a key policy may name: the account root, IAM users and roles (with paths), and STS
// assumed-role sessions (assumedRole.ts), which programs convert to their role (see principals.ts).
const IAM_PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/;
const PRINCIPAL_PARTITIONS = ["aws", "aws-cn", "aws-us-gov"];

function isPrincipalArn(value: string): boolean {
  const session = parseAssumedRoleArn(value);
  return (
    IAM_PRINCIPAL_ARN.test(value) ||
    (session !== undefined && PRINCIPAL_PARTITIONS.includes(session.partition))
  );
}

export function requireIamUserName(field: string, value: unknown): string {
  if (typeof value !== "string" || !IAM_USER_NAME.test(value)) {
    fail(field, value, "is not a valid IAM user name (1-64 characters of A-Z a-z 0-9 + = , . @ _ -)");
  }
  return value;
}

export function requireTableName(field: string, value: unknown): string {
  if (typeof value !== "string" || !TABLE_NAME.test(value)) {
    fail(field, value, "is not a valid DynamoDB table name (3-255 characters of A-Z a-z 0-9 _ - .)");
  }
  return value;
}

export function requireKeyAttributeName(field: string, value: unknown): string {
  if (typeof value !== "string" || !KEY_ATTRIBUTE_NAME.test(value)) {
    fail(field, value, "is not a valid key attribute name (1-255 characters of A-Z a-z 0-9 _ - .)");
  }
  return value;
}

export function requireKeyAlias(field: string, value: unknown): string {
  if (typeof value !== "string" || !KEY_ALIAS.test(value) || value.startsWith("alias/aws/")) {
    fail(
      field,
      value,
      'is not a valid KMS alias ("alias/" then 1-250 of A-Z a-z 0-9 / _ -, not under alias/aws/)',
    );
  }
  return value;
}

export function requireRegion(field: string, value: unknown): string {
  if (typeof value !== "string" || !REGION.test(value)) {
    fail(field, value, "is not an AWS region (e.g. us-east-1)");
  }
  return value;
}

export function requirePrincipalArn(field: string, value: unknown): string {
  if (typeof value !== "string" || !isPrincipalArn(value)) {
    fail(
      field,
      value,
      "is not an IAM principal ARN (arn:aws:iam::ACCOUNT:root, :user/NAME, :role/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)",
    );
  }
  return value;
}

export function requireIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(field, value, `is not a whole number from ${min} to ${max}`);
  }
  return value;
}

export function requireBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    fail(field, value, "is not true or false");
  }
  return value;
}

export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    fail(field, value, `is not one of ${allowed.join(", ")}`);
  }
  return value as T;
}
