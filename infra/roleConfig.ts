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
import { isIamName } from "./principal";
import { parsePrincipalList, type PrincipalSettings } from "./principalConfig";
import { ConfigError, fail } from "./validation";

/** An entry of `kms-dynamodb:roles`: a principal's settings and the users its trust policy names. */
export interface RoleSettings extends PrincipalSettings {
  /** Names of the stack's users the role's trust policy names; at least one. */
  readonly trustedUsers: string[];
}
const ROLE_SETTINGS = ["name", "dynamodbAccess", "keyUser", "trustedUsers"];

/**
 * Validates `kms-dynamodb:roles` (absent means no roles). `userNames` are the stack's users, which
 * `trustedUsers` must name.
 */
export function parseRoles(key: string, value: unknown, userNames: readonly string[]): RoleSettings[] {
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
      // IAM role names: IAM API reference, CreateRole (RoleName).
      if (!isIamName(name)) {
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
