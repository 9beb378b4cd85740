/**
 * One entry of `kms-dynamodb:users` or `kms-dynamodb:roles`: an object of known settings whose name is
 * unique in its list case-insensitively (IAM user and role names are unique that way within an
 * account), with an access level and `keyUser`. The kind's own settings are parsed by `rest`.
 */
import { DYNAMODB_ACCESS_LEVELS, type DeclaredIntent, type StackPrincipalKind } from "./principal";
import { fail, requireBoolean, requireOneOf } from "./validation";

/** An entry of a principal list: its name and what the stack declares about it (infra/principal.ts). */
export interface PrincipalSettings extends DeclaredIntent {
  readonly name: string;
}

export interface PrincipalListRules<T> {
  /** The kind the list declares, as the errors name the settings. */
  readonly kind: StackPrincipalKind;
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
  kind: PrincipalListRules<T>,
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
      ...requirePrincipalSettings(at, {
        name,
        dynamodbAccess: record.dynamodbAccess,
        keyUser: record.keyUser,
      }),
      ...kind.rest(at, record),
    };
  });
}

/**
 * The settings every data principal has, validated one way wherever they come from: a config entry
 * (`at` = `kms-dynamodb:users[0]`) or a component's arguments (`at` = `DataUserArgs`). `name` is checked by
 * the caller, whose kind decides what a valid name is.
 */
export function requirePrincipalSettings(
  at: string,
  settings: { readonly name: string; readonly dynamodbAccess: unknown; readonly keyUser?: unknown },
): PrincipalSettings {
  return {
    name: settings.name,
    dynamodbAccess: requireOneOf(`${at}.dynamodbAccess`, settings.dynamodbAccess, DYNAMODB_ACCESS_LEVELS),
    keyUser: requireBoolean(`${at}.keyUser`, settings.keyUser ?? false),
  };
}
