/**
 * Request contexts from plain records. Condition key names are case-insensitive (IAM User Guide, "IAM
 * policy elements: Variables and tags": "Key names are case-insensitive"; KMS Developer Guide, "AWS KMS
 * condition keys": the kms:EncryptionContext:context-key key, context key included, "is not case
 * sensitive"), so keys are stored lower-cased and asked lower-cased.
 */
import { ABSENT, UNKNOWN, type ContextValue, type RequestContext } from "./types";

export interface ContextOptions {
  /**
   * What a key not in the record is: ABSENT (the default, a request that does not carry it), UNKNOWN (a
   * static question where any key may hold anything), or another context to ask.
   */
  readonly otherwise?: typeof ABSENT | typeof UNKNOWN | RequestContext;
  /** Keys, or prefixes ending in "*" (e.g. "dynamodb:*"), whose values are UNKNOWN. */
  readonly unknown?: readonly string[];
}

export type ContextRecord = Readonly<
  Record<string, string | readonly string[] | typeof ABSENT | typeof UNKNOWN>
>;

export function contextFrom(values: ContextRecord, options: ContextOptions = {}): RequestContext {
  const map = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(values)) {
    map.set(key.toLowerCase(), value);
  }
  const unknownKeys = new Set<string>();
  const unknownPrefixes: string[] = [];
  for (const entry of options.unknown ?? []) {
    const lower = entry.toLowerCase();
    if (lower.endsWith("*")) {
      unknownPrefixes.push(lower.slice(0, -1));
    } else {
      unknownKeys.add(lower);
    }
  }
  const otherwise = options.otherwise ?? ABSENT;
  return {
    get(key: string): ContextValue {
      const value = map.get(key);
      if (value !== undefined) {
        return value;
      }
      if (unknownKeys.has(key) || unknownPrefixes.some((prefix) => key.startsWith(prefix))) {
        return UNKNOWN;
      }
      return typeof otherwise === "symbol" ? otherwise : otherwise.get(key);
    },
  };
}

/** A context that holds no key. */
export const EMPTY_CONTEXT: RequestContext = { get: () => ABSENT };
