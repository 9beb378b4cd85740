/**
 * Helpers for property values in Pulumi's wire form, as they stand in the plan (plan/types.ts).
 * The constants are the Pulumi engine's own (sdk/go/common/resource/sig and plugin.UnknownStringValue).
 */
import { REDACTED } from "../infra/outputs";

/** The key that marks a special object (secret, asset, resource reference) in the wire form. */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** `SPECIAL_SIG_KEY`'s value for a secret. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** `SPECIAL_SIG_KEY`'s value for a resource reference (sdk/go/common/resource/sig.ResourceReference). */
export const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/** `SPECIAL_SIG_KEY`'s value for an output value (sdk/go/common/resource/sig.OutputValue). */
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** The string the engine sends for a value not known until the resource is created. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How `pulumi preview --json` prints a secret without `--show-secrets` (one definition, infra/outputs.ts). */
export { REDACTED };

export interface WireSecret {
  [SPECIAL_SIG_KEY]: typeof SECRET_SIG;
  value: unknown;
}

export function isSecret(value: unknown): value is WireSecret {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG
  );
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_VALUE;
}

/**
 * A string that carries the unknown marker and names where it came from (`aws:iam/getRole:getRole.arn`):
 * what the plan engine gives a program where a value cannot be known offline but the program needs a
 * plain string (a plain invoke's result, a full plan's unmodelled output). It is not the marker itself,
 * which the Pulumi SDK would turn into `undefined` outside a preview; whatever the program builds from it
 * still contains the marker, and the plan records any such value as unknown (`normalizeUnknowns`).
 */
export function unknownMarker(source: string): string {
  return `${UNKNOWN_VALUE}(${source})`;
}

/** Whether a value is unknown or holds a string built from an unknown marker anywhere inside. */
export function containsUnknown(value: unknown): boolean {
  if (typeof value === "string") {
    return value.includes(UNKNOWN_VALUE);
  }
  if (Array.isArray(value)) {
    return value.some(containsUnknown);
  }
  if (typeof value === "object" && value !== null) {
    return Object.values(value).some(containsUnknown);
  }
  return false;
}

/** The value with every string that contains the unknown marker replaced by the marker: unknown. */
export function normalizeUnknowns(value: unknown): unknown {
  if (typeof value === "string") {
    return value.includes(UNKNOWN_VALUE) ? UNKNOWN_VALUE : value;
  }
  if (Array.isArray(value)) {
    return value.map(normalizeUnknowns);
  }
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = normalizeUnknowns(item);
    }
    return result;
  }
  return value;
}

/** Returns the value with every secret replaced by its plain value (what `--show-secrets` shows). */
export function reveal(value: unknown): unknown {
  return mapSecrets(value, (secret) => reveal(secret.value));
}

/** Returns the value with every secret replaced by "[secret]". */
export function redact(value: unknown): unknown {
  return mapSecrets(value, () => REDACTED);
}

function mapSecrets(value: unknown, onSecret: (secret: WireSecret) => unknown): unknown {
  if (isSecret(value)) {
    return onSecret(value);
  }
  if (Array.isArray(value)) {
    return value.map((item) => mapSecrets(item, onSecret));
  }
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = mapSecrets(item, onSecret);
    }
    return result;
  }
  return value;
}
