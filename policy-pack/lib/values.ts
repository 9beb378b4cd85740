/**
 * Reading resource properties the way the policy server hands them over: wrapped in
 * @pulumi/policy's `unknownCheckingProxy`, which throws `UnknownValueError` when a rule touches a
 * value that is unknown during preview. The server turns that error into an advisory
 * "can't run policy ... during preview" diagnostic, so a rule that must still decide catches it here,
 * on purpose and only where it has another way to decide (see dynamodb.ts).
 */
import { UnknownValueError } from "@pulumi/policy";

/** A property path, e.g. `["replicas", 0, "kmsKeyArn"]`, printed as `replicas[0].kmsKeyArn`. */
export type PropertyPath = readonly (string | number)[];

export type Probe = { known: true; value: unknown } | { known: false; path: string };

/** Reads `path` below `root`, reporting an unknown value instead of throwing. */
export function probe(root: unknown, path: PropertyPath): Probe {
  let current: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof current !== "object" || current === null) {
      return { known: true, value: undefined };
    }
    try {
      current = (current as Record<string | number, unknown>)[path[i]];
    } catch (err) {
      if (err instanceof UnknownValueError) {
        return { known: false, path: formatPath(path.slice(0, i + 1)) };
      }
      throw err;
    }
  }
  return { known: true, value: current };
}

/** Finds the first unknown value anywhere inside `value` (depth first), or undefined. */
export function findUnknown(value: unknown, path: PropertyPath = []): string | undefined {
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const step: string | number = Array.isArray(value) ? Number(key) : key;
    const read = probe(value, [step]);
    if (!read.known) {
      return formatPath([...path, step]);
    }
    const inner = findUnknown(read.value, [...path, step]);
    if (inner !== undefined) {
      return inner;
    }
  }
  return undefined;
}

export function formatPath(path: PropertyPath): string {
  let text = "";
  for (const step of path) {
    text += typeof step === "number" ? `[${step}]` : text === "" ? step : `.${step}`;
  }
  return text;
}

/** Renders a found value for a message: strings quoted, absent values named as such. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) {
    return "not set";
  }
  return JSON.stringify(value);
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
