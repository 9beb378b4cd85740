/**
 * Reading resource properties the way the policy server hands them over: wrapped in
 * @pulumi/policy's `unknownCheckingProxy`, which throws `UnknownValueError` when a rule touches a
 * value that is unknown during preview. The server turns that error into an advisory
 * "can't run policy ... during preview" diagnostic, so a rule that must still decide catches it here,
 * on purpose and only where it has another way to decide (see dynamodb.ts).
 */
import { UnknownValueError } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";

/** A property path, e.g. `["replicas", 0, "kmsKeyArn"]`, printed as `replicas[0].kmsKeyArn`. */
export type PropertyPath = readonly (string | number)[];

export type Probe = { known: true; value: unknown } | { known: false; path: string };

/**
 * What @pulumi/policy's proxy (proxy.js, internal to the package, whose version package.json pins) tells
 * about itself: a proxy answers the property `getSpecialProxyTarget` names with the object it wraps, and
 * it throws UnknownValueError exactly when the wrapped value read is one of the `unknown…Value`
 * sentinels. With them a probe sees an unknown value on the wrapped object first, without the throw (an
 * Error built with its stack, for each table on a key made in the same preview). Undefined when the
 * package no longer has them: then every probe reads through the proxy and catches, as it always may.
 */
const PROXY_INTERNALS = (():
  { readonly target: string; readonly unknowns: ReadonlySet<unknown> } | undefined => {
  const internals = policyProxy as unknown as Record<string, unknown>;
  const sentinels = [
    internals.unknownBooleanValue,
    internals.unknownNumberValue,
    internals.unknownStringValue,
    internals.unknownArrayValue,
    internals.unknownAssetValue,
    internals.unknownArchiveValue,
    internals.unknownObjectValue,
  ];
  const target = internals.getSpecialProxyTarget;
  return typeof target === "string" && sentinels.every((sentinel) => typeof sentinel === "string")
    ? { target, unknowns: new Set(sentinels) }
    : undefined;
})();

/**
 * What reading `step` of `value` through @pulumi/policy's proxy gives, read on the object it wraps: UNKNOWN
 * where the proxy would throw UnknownValueError, the value itself where it is not an object (the proxy
 * hands those over as they are), or THROUGH_PROXY: read it through the proxy (an object, which the proxy
 * wraps in turn; or `value` is no proxy: a rule's unit test, a plain value).
 */
function readWrapped(value: object, step: string | number): unknown {
  if (PROXY_INTERNALS === undefined) {
    return THROUGH_PROXY;
  }
  // A plain object has no such property.
  const wrapped = (value as Record<string, unknown>)[PROXY_INTERNALS.target];
  if (typeof wrapped !== "object" || wrapped === null) {
    return THROUGH_PROXY;
  }
  const field = (wrapped as Record<string | number, unknown>)[step];
  if (PROXY_INTERNALS.unknowns.has(field)) {
    return UNKNOWN;
  }
  // proxyHelper's own test: what is not an Object is returned unwrapped.
  return field instanceof Object ? THROUGH_PROXY : field;
}

const UNKNOWN = Symbol("unknown during preview");
const THROUGH_PROXY = Symbol("read through the proxy");

/** Reads `path` below `root`, reporting an unknown value instead of throwing. */
export function probe(root: unknown, path: PropertyPath): Probe {
  let current: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof current !== "object" || current === null) {
      return { known: true, value: undefined };
    }
    const read = readWrapped(current, path[i]);
    if (read === UNKNOWN) {
      return { known: false, path: formatPath(path.slice(0, i + 1)) };
    }
    if (read !== THROUGH_PROXY) {
      current = read;
      continue;
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
  // A proxy is walked on the object it wraps: each step the proxy would take costs it a new proxy and
  // a copy of its path, and the stack rule walks the key settings of every table of the stack. The
  // walk reads the same fields and stops at the same sentinel the proxy would throw on.
  const internals = PROXY_INTERNALS;
  const wrapped = internals === undefined ? undefined : wrappedObject(value, internals.target);
  if (internals !== undefined && wrapped !== undefined) {
    const found = findSentinel(wrapped, internals.unknowns);
    return found === undefined ? undefined : formatPath([...path, ...found]);
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

/** The object a @pulumi/policy proxy wraps (see PROXY_INTERNALS), or undefined when `value` is no such proxy. */
function wrappedObject(value: object, target: string): object | undefined {
  const wrapped = (value as Record<string, unknown>)[target];
  return typeof wrapped === "object" && wrapped !== null ? wrapped : undefined;
}

/**
 * The path (below `value`, a plain value) of the first unknown sentinel, depth first in key order, as
 * findUnknown's walk through the proxy finds it; undefined when there is none.
 */
function findSentinel(value: object, unknowns: ReadonlySet<unknown>): (string | number)[] | undefined {
  const isArray = Array.isArray(value);
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    const step: string | number = isArray ? Number(key) : key;
    if (unknowns.has(field)) {
      return [step];
    }
    if (typeof field === "object" && field !== null) {
      const inner = findSentinel(field, unknowns);
      if (inner !== undefined) {
        return [step, ...inner];
      }
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
