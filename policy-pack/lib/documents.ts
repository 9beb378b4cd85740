/**
 * Reading IAM policy documents (identity policies and KMS key policies) as the rules see them: a
 * JSON string (@pulumi/aws `policy` inputs) or an object (@pulumi/aws-native `policyDocument`,
 * `keyPolicy`). Element semantics follow the IAM JSON policy element reference: Action / NotAction,
 * Resource / NotResource and Principal values are a string or a list; `*` and `?` are wildcards in
 * action names, which are case-insensitive.
 */
import { asArray, isRecord } from "./values";

export interface Statement {
  index: number;
  sid?: string;
  effect: string;
  principal: unknown;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  condition: Record<string, unknown>;
}

export type ParsedDocument = { ok: true; statements: Statement[] } | { ok: false; error: string };

/**
 * Documents given as JSON text, parsed once per pack process: a stack's keys and policies repeat a few
 * texts (one key policy template over many keys), and the rules read a parse, never change it. Bounded,
 * emptied when full.
 */
const parsedTexts = new Map<string, ParsedDocument>();
const MAX_PARSED_TEXTS = 5_000;

export function parsePolicyDocument(document: unknown): ParsedDocument {
  if (typeof document !== "string") {
    return parseDocument(document);
  }
  let parsed = parsedTexts.get(document);
  if (parsed === undefined) {
    if (parsedTexts.size >= MAX_PARSED_TEXTS) {
      parsedTexts.clear();
    }
    parsed = parseDocument(document);
    parsedTexts.set(document, parsed);
  }
  return parsed;
}

function parseDocument(document: unknown): ParsedDocument {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch (err) {
      return { ok: false, error: `it is not valid JSON (${(err as Error).message})` };
    }
  }
  if (!isRecord(parsed)) {
    return { ok: false, error: "it is not a JSON object" };
  }
  const statements = asArray(parsed.Statement).map((raw, index): Statement => {
    const s = isRecord(raw) ? raw : {};
    return {
      index,
      sid: typeof s.Sid === "string" ? s.Sid : undefined,
      effect: typeof s.Effect === "string" ? s.Effect : "",
      principal: s.Principal,
      actions: stringList(s.Action),
      notActions: stringList(s.NotAction),
      resources: stringList(s.Resource),
      notResources: stringList(s.NotResource),
      condition: isRecord(s.Condition) ? s.Condition : {},
    };
  });
  return { ok: true, statements };
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return asArray(value).filter((v): v is string => typeof v === "string");
}

/** How a statement is named in messages: its Sid when it has one, else its position. */
export function statementLabel(statement: Statement): string {
  return statement.sid !== undefined
    ? `Statement[${statement.index}] (Sid "${statement.sid}")`
    : `Statement[${statement.index}]`;
}

/**
 * Compiled wildcard patterns, by pattern. The pack's process serves every resource of a stack, and a
 * rule matches each statement's patterns against several actions for each resource: building the same
 * RegExp again per action and per resource was measurable work on a 10,000-resource stack. Bounded,
 * since the patterns come from the stack's documents and the process is long-lived.
 */
const compiledPatterns = new Map<string, RegExp>();
const MAX_COMPILED_PATTERNS = 1024;

function wildcardRegExp(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    const source = pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("");
    compiled = new RegExp(`^${source}$`, "i");
    if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) {
      compiledPatterns.clear();
    }
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

/** IAM wildcard match: `*` any run of characters, `?` one character, case-insensitive. */
export function wildcardMatches(pattern: string, value: string): boolean {
  // Without the g or y flag, test() keeps no state (lastIndex), so one RegExp serves every call.
  return wildcardRegExp(pattern).test(value);
}

/** The actions of `candidates` that an Allow statement grants, through Action or NotAction. */
export function grantedActions(statement: Statement, candidates: readonly string[]): string[] {
  if (statement.actions !== undefined) {
    return candidates.filter((action) =>
      statement.actions!.some((pattern) => wildcardMatches(pattern, action)),
    );
  }
  if (statement.notActions !== undefined) {
    return candidates.filter(
      (action) => !statement.notActions!.some((pattern) => wildcardMatches(pattern, action)),
    );
  }
  return [];
}

/** True when the principal is anyone: `"*"` or `{"AWS": "*"}` (alone or in a list). */
export function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === "*") {
    return true;
  }
  if (isRecord(principal)) {
    return asArray(principal.AWS).some((p) => p === "*");
  }
  return false;
}
