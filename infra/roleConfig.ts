/**
 * `kms-dynamodb:roles`: IAM roles as a first-class option beside `users`. Each role has an access level,
 * may be a key user, and is trusted by users of the same stack, who reach the data by assuming it (STS
 * AssumeRole). Validated like `users`, before any resource is registered; errors name the key, the entry
 * and the value received.
 *
 *   kms-dynamodb:roles:
 *     - name: reporting           # IAM role name: 1-64 chars of [A-Za-z0-9+=,.@_-], unique in the list
 *       dynamodbAccess: readonly  # readonly | readwrite | full
 *       keyUser: true             # listed as a key user in the key policy (its sessions decrypt through DynamoDB)
 *       trustedUsers: [app-user]  # users of kms-dynamodb:users allowed to assume it (its trust policy)
 */
import { DYNAMODB_ACCESS_LEVELS, type DynamodbAccess } from "./outputs";
import { ConfigError, fail, requireBoolean, requireOneOf } from "./validation";

export interface RoleSpec {
  /** IAM role name, unique in the stack. */
  name: string;
  dynamodbAccess: DynamodbAccess;
  /** Listed as a key user in the key policy: its sessions may use the key through DynamoDB. */
  keyUser: boolean;
  /** Names of the stack's users the role's trust policy names; at least one. */
  trustedUsers: string[];
}

// IAM role names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)
const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_SETTINGS = ["name", "dynamodbAccess", "keyUser", "trustedUsers"];

/**
 * Validates `kms-dynamodb:roles` (absent means no roles). `userNames` are the stack's users, which
 * `trustedUsers` must name.
 */
export function parseRoles(key: string, value: unknown, userNames: readonly string[]): RoleSpec[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    fail(key, value, "is not a list of roles");
  }
  const seen = new Map<string, number>();
  return value.map((entry: unknown, index: number): RoleSpec => {
    const at = `${key}[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      fail(at, entry, `is not an object with ${ROLE_SETTINGS.join(", ")}`);
    }
    const record = entry as Record<string, unknown>;
    for (const property of Object.keys(record)) {
      if (!ROLE_SETTINGS.includes(property)) {
        fail(
          `${at}.${property}`,
          record[property],
          `is not a known role setting (${ROLE_SETTINGS.join(", ")})`,
        );
      }
    }
    if (typeof record.name !== "string" || !IAM_ROLE_NAME.test(record.name)) {
      fail(
        `${at}.name`,
        record.name,
        "is not a valid IAM role name (1-64 characters of A-Z a-z 0-9 + = , . @ _ -)",
      );
    }
    const name = record.name;
    const previous = seen.get(name.toLowerCase());
    if (previous !== undefined) {
      // IAM role names are unique case-insensitively within an account.
      fail(`${at}.name`, name, `duplicates ${key}[${previous}].name`);
    }
    seen.set(name.toLowerCase(), index);
    return {
      name,
      dynamodbAccess: requireOneOf(`${at}.dynamodbAccess`, record.dynamodbAccess, DYNAMODB_ACCESS_LEVELS),
      keyUser: requireBoolean(`${at}.keyUser`, record.keyUser ?? false),
      trustedUsers: parseTrustedUsers(`${at}.trustedUsers`, record.trustedUsers, userNames),
    };
  });
}

function parseTrustedUsers(at: string, value: unknown, userNames: readonly string[]): string[] {
  if (value === undefined) {
    throw new ConfigError(`${at}: missing; list the users (of kms-dynamodb:users) that may assume the role`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    fail(at, value, "is not a non-empty list of user names");
  }
  return value.map((name: unknown, index: number) => {
    if (typeof name !== "string" || !userNames.includes(name)) {
      fail(`${at}[${index}]`, name, `is not a user of kms-dynamodb:users (${userNames.join(", ")})`);
    }
    return name;
  });
}
