/**
 * The Condition element, compiled once and evaluated in three-valued logic.
 *
 * Rules (IAM User Guide, "IAM JSON policy elements: Condition operators"; "Creating a condition with
 * multiple keys or values"; "IAM policy elements: Variables and tags"):
 * - a key absent from the request context makes a condition false, except for negated operators
 *   (StringNotEquals, StringNotLike, ArnNotLike, NotIpAddress, ...), which are then true, and
 *   `...IfExists`, which is then true; `Null` tests presence itself;
 * - several values for one key are ORed; for a negated operator every value must fail to match (AND);
 * - several keys, and several operators, are ANDed (done by the caller, per statement);
 * - `ForAllValues:` is true when every request value matches some policy value, and also when the key is
 *   absent or its values resolve to a null data set (an empty set, an empty string); `ForAnyValue:` when
 *   at least one does, and false for an absent key or an empty set;
 * - condition key names are case-insensitive; values compare case-sensitively except with the
 *   `...IgnoreCase` operators (and Bool); ARN operators match each of the six colon-separated parts
 *   separately, wildcards allowed, `ArnEquals` and `ArnLike` behaving identically;
 * - policy variables may be used with String, Bool and ARN operators; a variable with no value makes
 *   that value match nothing, so negated operators match it.
 * A key the context leaves UNKNOWN, or a variable naming one, makes the condition UNKNOWN.
 *
 * A plain operator (without a set operator) on a key holding several values is false: multivalued keys
 * require ForAllValues or ForAnyValue ("Single-valued vs. multivalued condition keys"; Access Analyzer's
 * "Missing qualifier" check).
 */
import { splitArn } from "./arn";
import { FALSE, TRUE, UNKNOWN as TRI_UNKNOWN, type Tri } from "./tri";
import { ABSENT, UNKNOWN, type RequestContext } from "./types";
import { NO_VALUE, UNRESOLVED, parseTemplate, resolveTemplate, type Template } from "./variables";
import { globMatcher, type Matcher } from "./wildcard";

type Kind = "string" | "ignoreCase" | "like" | "numeric" | "date" | "bool" | "binary" | "ip" | "arn" | "null";
type Compare = (request: number, policy: number) => boolean;

interface OperatorSpec {
  readonly kind: Kind;
  readonly negated: boolean;
  readonly compare?: Compare;
}

const EQ: Compare = (a, b) => a === b;
const LT: Compare = (a, b) => a < b;
const LE: Compare = (a, b) => a <= b;
const GT: Compare = (a, b) => a > b;
const GE: Compare = (a, b) => a >= b;

const OPERATORS: Record<string, OperatorSpec> = {};
function define(name: string, kind: Kind, negated: boolean, compare?: Compare): void {
  OPERATORS[name.toLowerCase()] = { kind, negated, compare };
}
define("StringEquals", "string", false);
define("StringNotEquals", "string", true);
define("StringEqualsIgnoreCase", "ignoreCase", false);
define("StringNotEqualsIgnoreCase", "ignoreCase", true);
define("StringLike", "like", false);
define("StringNotLike", "like", true);
for (const [prefix, kind] of [
  ["Numeric", "numeric"],
  ["Date", "date"],
] as const) {
  define(`${prefix}Equals`, kind, false, EQ);
  define(`${prefix}NotEquals`, kind, true, EQ);
  define(`${prefix}LessThan`, kind, false, LT);
  define(`${prefix}LessThanEquals`, kind, false, LE);
  define(`${prefix}GreaterThan`, kind, false, GT);
  define(`${prefix}GreaterThanEquals`, kind, false, GE);
}
define("Bool", "bool", false);
define("BinaryEquals", "binary", false);
define("IpAddress", "ip", false);
define("NotIpAddress", "ip", true);
define("ArnEquals", "arn", false);
define("ArnLike", "arn", false);
define("ArnNotEquals", "arn", true);
define("ArnNotLike", "arn", true);
define("Null", "null", false);

/** Operators that may hold policy variables (IAM User Guide, "Condition operators", per category). */
const VARIABLE_KINDS: ReadonlySet<Kind> = new Set(["string", "ignoreCase", "like", "bool", "arn"]);

export const SET_NONE = 0;
export const FOR_ALL_VALUES = 1;
export const FOR_ANY_VALUE = 2;

/** A parsed operator name, or undefined when IAM does not know it. */
export interface ParsedOperator {
  readonly spec: OperatorSpec;
  readonly set: typeof SET_NONE | typeof FOR_ALL_VALUES | typeof FOR_ANY_VALUE;
  readonly ifExists: boolean;
}

export function parseOperator(name: string): ParsedOperator | "null-if-exists" | undefined {
  let rest = name;
  let set: ParsedOperator["set"] = SET_NONE;
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    if (qualifier === "forallvalues") {
      set = FOR_ALL_VALUES;
    } else if (qualifier === "foranyvalue") {
      set = FOR_ANY_VALUE;
    } else {
      return undefined;
    }
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists")) {
    ifExists = true;
    rest = rest.slice(0, -"ifexists".length);
  }
  const spec = OPERATORS[rest.toLowerCase()];
  if (spec === undefined) {
    return undefined;
  }
  if (spec.kind === "null" && ifExists) {
    return "null-if-exists";
  }
  if (spec.kind === "null" && set !== SET_NONE) {
    return undefined;
  }
  return { spec, set, ifExists };
}

/** One policy value, prepared for matching when it holds no variable. */
interface CompiledValue {
  readonly template: Template;
  readonly prepared?: Prepared;
  /**
   * With variables: the last context it was resolved for and the result, since one context is asked
   * about many resources and actions in a row (a context answers the same for a key every time).
   */
  lastContext?: RequestContext;
  lastPrepared?: Prepared | typeof NO_VALUE | typeof UNRESOLVED;
}

/** A policy value ready to test request values against (positive sense). */
type Prepared = (requestValue: string) => boolean;

export interface CompiledCondition {
  /** The operator as written, e.g. "ForAllValues:StringEquals". */
  readonly operator: string;
  /** The key as written, and lower-cased for look-ups. */
  readonly keyAsWritten: string;
  readonly key: string;
  /** The values as written (JSON numbers and booleans as text). */
  readonly values: readonly string[];
  /** Every key the condition reads: its own and its values' variables. */
  readonly keys: readonly string[];
  readonly evaluate: (context: RequestContext) => Tri;
}

/**
 * Compiles one `"Operator": {"key": value(s)}` entry. `variables` is whether the policy's Version reads
 * policy variables. The caller has checked the operator name (parseOperator).
 */
export function compileCondition(
  operatorName: string,
  operator: ParsedOperator,
  keyAsWritten: string,
  values: readonly string[],
  variables: boolean,
): CompiledCondition {
  const { spec, set, ifExists } = operator;
  const key = keyAsWritten.toLowerCase();
  const withVariables = variables && VARIABLE_KINDS.has(spec.kind);
  const wildcards = spec.kind === "like" || spec.kind === "arn";
  const compiled: CompiledValue[] = values.map((value) => {
    const template = parseTemplate(value, withVariables, wildcards);
    return {
      template,
      prepared:
        template.text === undefined || spec.kind === "null" ? undefined : prepare(spec, template.text),
    };
  });
  const keys = [key];
  for (const value of compiled) {
    for (const variable of value.template.keys) {
      if (!keys.includes(variable)) {
        keys.push(variable);
      }
    }
  }
  const base = {
    operator: operatorName,
    keyAsWritten,
    key,
    values,
    keys,
  };
  if (spec.kind === "null") {
    const wanted = values.map((value) => value.toLowerCase());
    return {
      ...base,
      evaluate: (context) => {
        const value = context.get(key);
        if (value === UNKNOWN) {
          return TRI_UNKNOWN;
        }
        return wanted.includes(value === ABSENT ? "true" : "false") ? TRUE : FALSE;
      },
    };
  }
  const allStatic = compiled.every((value) => value.prepared !== undefined);
  const staticTests = compiled.map((value) => value.prepared as Prepared);
  // Does one request value match the condition (any policy value; none of them for a negated operator)?
  const test = (requestValue: string, context: RequestContext): Tri => {
    let result: Tri = FALSE;
    if (allStatic) {
      for (const prepared of staticTests) {
        if (prepared(requestValue)) {
          result = TRUE;
          break;
        }
      }
    } else {
      for (const value of compiled) {
        let prepared: Prepared | typeof NO_VALUE | typeof UNRESOLVED | undefined = value.prepared;
        if (prepared === undefined) {
          if (value.lastContext === context) {
            prepared = value.lastPrepared as Prepared | typeof NO_VALUE | typeof UNRESOLVED;
          } else {
            const resolved = resolveTemplate(value.template, context);
            prepared = typeof resolved === "string" ? prepare(spec, resolved) : resolved;
            value.lastContext = context;
            value.lastPrepared = prepared;
          }
        }
        if (prepared === UNRESOLVED) {
          result = TRI_UNKNOWN;
          continue;
        }
        if (prepared === NO_VALUE) {
          continue;
        }
        if (prepared(requestValue)) {
          result = TRUE;
          break;
        }
      }
    }
    if (!spec.negated) {
      return result;
    }
    return result === TRI_UNKNOWN ? TRI_UNKNOWN : result === TRUE ? FALSE : TRUE;
  };
  let evaluate: (context: RequestContext) => Tri;
  if (set === SET_NONE) {
    evaluate = (context) => {
      const value = context.get(key);
      if (value === UNKNOWN) {
        return TRI_UNKNOWN;
      }
      if (value === ABSENT) {
        return ifExists || spec.negated ? TRUE : FALSE;
      }
      if (typeof value !== "string") {
        return FALSE;
      }
      return test(value, context);
    };
  } else if (set === FOR_ALL_VALUES) {
    evaluate = (context) => {
      const value = context.get(key);
      if (value === UNKNOWN) {
        return TRI_UNKNOWN;
      }
      if (value === ABSENT) {
        return TRUE;
      }
      const requestValues = typeof value === "string" ? [value] : value;
      if (requestValues.every((entry) => entry === "")) {
        return TRUE;
      }
      let result: Tri = TRUE;
      for (const entry of requestValues) {
        const one = test(entry, context);
        if (one === FALSE) {
          return FALSE;
        }
        if (one === TRI_UNKNOWN) {
          result = TRI_UNKNOWN;
        }
      }
      return result;
    };
  } else {
    evaluate = (context) => {
      const value = context.get(key);
      if (value === UNKNOWN) {
        return TRI_UNKNOWN;
      }
      if (value === ABSENT) {
        return ifExists ? TRUE : FALSE;
      }
      const requestValues = typeof value === "string" ? [value] : value;
      let result: Tri = FALSE;
      for (const entry of requestValues) {
        const one = test(entry, context);
        if (one === TRUE) {
          return TRUE;
        }
        if (one === TRI_UNKNOWN) {
          result = TRI_UNKNOWN;
        }
      }
      return result;
    };
  }
  return { ...base, evaluate };
}

/** A matcher for one resolved policy value, in the operator's positive sense. */
function prepare(spec: OperatorSpec, policyValue: string): Prepared {
  switch (spec.kind) {
    case "string":
      return (requestValue) => requestValue === policyValue;
    case "ignoreCase": {
      const lower = policyValue.toLowerCase();
      return (requestValue) => requestValue.toLowerCase() === lower;
    }
    case "like": {
      const matcher = globMatcher(policyValue);
      return matcher;
    }
    case "numeric": {
      const policyNumber = parseNumber(policyValue);
      const compare = spec.compare as Compare;
      if (policyNumber === undefined) {
        return () => false;
      }
      return (requestValue) => {
        const number = parseNumber(requestValue);
        return number !== undefined && compare(number, policyNumber);
      };
    }
    case "date": {
      const policyDate = parseDate(policyValue);
      const compare = spec.compare as Compare;
      if (policyDate === undefined) {
        return () => false;
      }
      return (requestValue) => {
        const date = parseDate(requestValue);
        return date !== undefined && compare(date, policyDate);
      };
    }
    case "bool": {
      const lower = policyValue.toLowerCase();
      if (lower !== "true" && lower !== "false") {
        return () => false;
      }
      return (requestValue) => requestValue.toLowerCase() === lower;
    }
    case "binary": {
      const policyBytes = canonicalBase64(policyValue);
      return (requestValue) => policyBytes !== undefined && canonicalBase64(requestValue) === policyBytes;
    }
    case "ip": {
      const range = parseCidr(policyValue);
      if (range === undefined) {
        return () => false;
      }
      return (requestValue) => ipInRange(requestValue, range);
    }
    case "arn":
      return arnConditionMatcher(policyValue);
    case "null":
      throw new Error("Null is evaluated on presence");
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** An integer or decimal ("Numeric condition operators"). */
export function parseNumber(text: string): number | undefined {
  return NUMBER.test(text.trim()) ? Number(text) : undefined;
}

/**
 * A date in one of the W3C ISO 8601 forms IAM reads, or epoch (Unix) time in seconds, as aws:EpochTime
 * gives it ("Date condition operators"; "AWS global condition context keys", aws:EpochTime). Milliseconds.
 */
export function parseDate(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    return Number(text) * 1000;
  }
  if (!/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.test(text)) {
    return undefined;
  }
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

function canonicalBase64(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    return undefined;
  }
  return Buffer.from(text, "base64").toString("base64");
}

interface IpRange {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** An IPv4 or IPv6 address, 4 or 16 bytes. */
export function parseIp(text: string): Uint8Array | undefined {
  if (text.includes(":")) {
    return parseIpv6(text);
  }
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
    return undefined;
  }
  return Uint8Array.from(parts.map(Number));
}

function parseIpv6(text: string): Uint8Array | undefined {
  let head = text;
  let tailV4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    tailV4 = parseIp(text.slice(lastColon + 1));
    if (tailV4 === undefined) {
      return undefined;
    }
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) {
    return undefined;
  }
  const groups = (half: string): number[] | undefined => {
    if (half === "") {
      return [];
    }
    const out: number[] = [];
    for (const group of half.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) {
        return undefined;
      }
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (left === undefined || right === undefined) {
    return undefined;
  }
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    return undefined;
  }
  const all = [...left, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  if (tailV4 !== undefined) {
    bytes.set(tailV4, 12);
  }
  return bytes;
}

/** "203.0.113.0/24" or "2001:DB8::/64"; without a prefix, a single address ("IP address condition operators"). */
export function parseCidr(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const bytes = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (bytes === undefined) {
    return undefined;
  }
  const bits = bytes.length * 8;
  if (slash < 0) {
    return { bytes, prefix: bits };
  }
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    return undefined;
  }
  return { bytes, prefix: Number(prefixText) };
}

function ipInRange(text: string, range: IpRange): boolean {
  const address = parseIp(text);
  if (address === undefined || address.length !== range.bytes.length) {
    return false;
  }
  let bits = range.prefix;
  for (let index = 0; bits > 0; index++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((address[index] & mask) !== (range.bytes[index] & mask)) {
      return false;
    }
  }
  return true;
}

const arnMatchers = new Map<string, Prepared>();

/** ArnEquals/ArnLike: each of the six parts matched on its own, case-sensitively, with wildcards. */
function arnConditionMatcher(policyValue: string): Prepared {
  let matcher = arnMatchers.get(policyValue);
  if (matcher === undefined) {
    const parts = splitArn(policyValue);
    if (parts === undefined) {
      matcher = () => false;
    } else {
      const segments: Matcher[] = [
        parts.partition,
        parts.service,
        parts.region,
        parts.accountId,
        parts.resource,
      ].map((part) => globMatcher(part));
      matcher = (requestValue) => {
        const request = splitArn(requestValue);
        return (
          request !== undefined &&
          segments[0](request.partition) &&
          segments[1](request.service) &&
          segments[2](request.region) &&
          segments[3](request.accountId) &&
          segments[4](request.resource)
        );
      };
    }
    if (arnMatchers.size > 20_000) {
      arnMatchers.clear();
    }
    arnMatchers.set(policyValue, matcher);
  }
  return matcher;
}
