/**
 * Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): `${key}` is replaced with
 * the value of a single-valued request context key (key names case-insensitive); `${key, 'default'}` uses
 * the default when the key has no value; `${*}`, `${?}` and `${$}` stand for the literal characters.
 * A key with no value (absent, or multivalued: "You can't use a multivalued condition key as a variable")
 * and no default leaves the whole value "effectively null": it equals and is like nothing ("Policy
 * variables with no value"). Variables are read only in policies of Version 2012-10-17; in older ones the
 * text is literal ("Using variables in policies").
 */
import { ABSENT, UNKNOWN, type RequestContext } from "./types";
import { STAR, ONE } from "./wildcard";

export interface VariableRef {
  readonly key: string;
  readonly fallback?: string;
}

/** Literal text (with wildcards encoded when the template has them) and variables, in order. */
export interface Template {
  readonly parts: readonly (string | VariableRef)[];
  /** The lower-cased keys the template reads. */
  readonly keys: readonly string[];
  /** The template's text when it has no variables. */
  readonly text?: string;
}

/** A resolved template's text, or NO_VALUE (a variable without value) or UNRESOLVED (one is UNKNOWN). */
export const NO_VALUE: unique symbol = Symbol("NO_VALUE");
export const UNRESOLVED: unique symbol = Symbol("UNRESOLVED");
export type Resolved = string | typeof NO_VALUE | typeof UNRESOLVED;

/**
 * Parses `value`. With `wildcards`, a literal `*` or `?` of the policy text becomes a wildcard, while
 * `${*}`, `${?}` and substituted values stay literal. Without `variables` the text is taken as written.
 */
export function parseTemplate(value: string, variables: boolean, wildcards: boolean): Template {
  const encode = (text: string): string =>
    wildcards ? text.replace(/[*?]/g, (c) => (c === "*" ? STAR : ONE)) : text;
  if (!variables || !value.includes("${")) {
    const text = encode(value);
    return { parts: [text], keys: [], text };
  }
  const parts: (string | VariableRef)[] = [];
  const keys: string[] = [];
  let literal = "";
  let index = 0;
  while (index < value.length) {
    const start = value.indexOf("${", index);
    const end = start < 0 ? -1 : value.indexOf("}", start + 2);
    if (start < 0 || end < 0) {
      literal += encode(value.slice(index));
      break;
    }
    literal += encode(value.slice(index, start));
    const inner = value.slice(start + 2, end);
    if (inner === "*" || inner === "?" || inner === "$") {
      literal += inner;
    } else if (inner.trim() === "") {
      literal += encode(value.slice(start, end + 1));
    } else {
      const reference = parseReference(inner);
      if (literal !== "") {
        parts.push(literal);
        literal = "";
      }
      parts.push(reference);
      if (!keys.includes(reference.key)) {
        keys.push(reference.key);
      }
    }
    index = end + 1;
  }
  if (literal !== "" || parts.length === 0) {
    parts.push(literal);
  }
  if (keys.length === 0) {
    const text = parts.join("");
    return { parts: [text], keys, text };
  }
  return { parts, keys };
}

function parseReference(inner: string): VariableRef {
  const comma = inner.indexOf(",");
  if (comma > 0) {
    const fallback = inner.slice(comma + 1).trim();
    if (fallback.length >= 2 && fallback.startsWith("'") && fallback.endsWith("'")) {
      return { key: inner.slice(0, comma).trim().toLowerCase(), fallback: fallback.slice(1, -1) };
    }
  }
  return { key: inner.trim().toLowerCase() };
}

/** The template's text for this request. */
export function resolveTemplate(template: Template, context: RequestContext): Resolved {
  if (template.text !== undefined) {
    return template.text;
  }
  let out = "";
  for (const part of template.parts) {
    if (typeof part === "string") {
      out += part;
      continue;
    }
    const value = context.get(part.key);
    if (value === UNKNOWN) {
      return UNRESOLVED;
    }
    if (typeof value === "string") {
      out += value;
    } else if (value === ABSENT || Array.isArray(value)) {
      if (part.fallback === undefined) {
        return NO_VALUE;
      }
      out += part.fallback;
    }
  }
  return out;
}
