/**
 * One entry of `kms-dynamodb:users` or `kms-dynamodb:roles`: an object of known settings whose name is
 * unique in its list case-insensitively (IAM user and role names are unique that way within an
 * account), with an access level and `keyUser`. The kind's own settings are parsed by `rest`.
 */
import { DYNAMODB_ACCESS_LEVELS, type DynamodbAccess } from "./outputs";
import { fail, requireBoolean, requireOneOf } from "./validation";

export interface PrincipalSettings {
  name: string;
  dynamodbAccess: DynamodbAccess;
  keyUser: boolean;
}

export interface PrincipalKind<T> {
  /** "user" or "role", as the errors name the settings. */
  readonly kind: string;
  /** Every setting an entry may have. */
  readonly settings: readonly string[];
  /** What an entry that is not an object should have been. */
  readonly shape: string;
  /** The entry's name, or a ConfigError naming `field`. */
  name(field: string, value: unknown): string;
  /** The kind's other settings. */
  rest(at: string, record: Record<string, unknown>): T;
}

export function parsePrincipalList<T>(
  key: string,
  list: readonly unknown[],
  kind: PrincipalKind<T>,
): (PrincipalSettings & T)[] {
  const seen = new Map<string, number>();
  return list.map((entry: unknown, index: number) => {
    const at = `${key}[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      fail(at, entry, kind.shape);
    }
    const record = entry as Record<string, unknown>;
    for (const property of Object.keys(record)) {
      if (!kind.settings.includes(property)) {
        fail(
          `${at}.${property}`,
          record[property],
          `is not a known ${kind.kind} setting (${kind.settings.join(", ")})`,
        );
      }
    }
    const name = kind.name(`${at}.name`, record.name);
    const previous = seen.get(name.toLowerCase());
    if (previous !== undefined) {
      fail(`${at}.name`, name, `duplicates ${key}[${previous}].name`);
    }
    seen.set(name.toLowerCase(), index);
    return {
      name,
      dynamodbAccess: requireOneOf(`${at}.dynamodbAccess`, record.dynamodbAccess, DYNAMODB_ACCESS_LEVELS),
      keyUser: requireBoolean(`${at}.keyUser`, record.keyUser ?? false),
      ...kind.rest(at, record),
    };
  });
}
