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
import type { DynamodbAccess } from "./outputs";
import { parsePrincipalList } from "./principalConfig";
import { ConfigError, fail } from "./validation";

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
  return parsePrincipalList(key, value, {
    kind: "role",
    settings: ROLE_SETTINGS,
    shape: `is not an object with ${ROLE_SETTINGS.join(", ")}`,
    name: (field, name) => {
      if (typeof name !== "string" || !IAM_ROLE_NAME.test(name)) {
        fail(field, name, "is not a valid IAM role name (1-64 characters of A-Z a-z 0-9 + = , . @ _ -)");
      }
      return name;
    },
    rest: (at, record) => ({
      trustedUsers: parseTrustedUsers(`${at}.trustedUsers`, record.trustedUsers, userNames),
    }),
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
