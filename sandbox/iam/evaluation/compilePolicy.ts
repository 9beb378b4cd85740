/**
 * compilePolicy: checks a policy document as IAM, KMS and Organizations check one before storing it, and
 * compiles it once (action patterns, resource patterns, principals, condition blocks). Compiled content is
 * cached by kind and text: every copy of the same document, under any name, shares one PolicyCore and its
 * caches.
 *
 * The grammar is the IAM User Guide's ("IAM JSON policy elements reference", "Grammar of the IAM JSON
 * policy language"): Version, Id, Statement (an object or a list); per statement Sid, Effect,
 * Principal/NotPrincipal, Action/NotAction, Resource/NotResource, Condition. Which elements each policy
 * type takes: "AWS JSON policy elements: Principal" (resource-based policies only), "NotPrincipal" (not in
 * identity-based policies or role trust policies), the Organizations User Guide's "SCP syntax" (no
 * principals) and "RCP syntax" (Principal "*" only, no NotPrincipal).
 */
import { splitArn, type ArnParts } from "./arn";
import { compileCondition, parseOperator, type CompiledCondition } from "./conditions";
import { MalformedPolicyDocumentError } from "./errors";
import { compilePrincipal, type PrincipalElement } from "./principals";
import { FALSE, TRUE, UNKNOWN, type Tri } from "./tri";
import type { CompiledPolicy, PolicyKind, RequestContext } from "./types";
import { NO_VALUE, UNRESOLVED, parseTemplate, resolveTemplate, type Template } from "./variables";
import { globMatcher, wildcardSource, type Matcher } from "./wildcard";

/** The Version values IAM knows ("IAM JSON policy elements: Version"). */
const VERSIONS = ["2008-10-17", "2012-10-17"];
const POLICY_ELEMENTS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_ELEMENTS = new Set([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);
const PRINCIPAL_KEYS = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);

/** Access Analyzer's names for the policy types, as its findings word them. */
const ANALYZER_POLICY_TYPE: Record<PolicyKind, string> = {
  identity: "IDENTITY_POLICY",
  boundary: "IDENTITY_POLICY",
  session: "IDENTITY_POLICY",
  scp: "SERVICE_CONTROL_POLICY",
  rcp: "RESOURCE_CONTROL_POLICY",
  resource: "RESOURCE_POLICY",
  "kms-key": "RESOURCE_POLICY",
  "role-trust": "RESOURCE_POLICY",
};

/** A Resource or NotResource element: each pattern tested per ARN part. */
export interface ResourceElement {
  readonly not: boolean;
  readonly patterns: readonly string[];
  readonly tests: readonly ResourcePattern[];
  /** Whether some pattern holds a policy variable (the match then depends on the request context). */
  readonly dynamic: boolean;
  readonly keys: readonly string[];
}

interface ResourcePattern {
  readonly any: boolean;
  /** Partition, service, region, account: case-insensitive matchers. */
  readonly head?: readonly Matcher[];
  /** The resource part: case-sensitive, possibly with variables. */
  readonly tail?: Template;
  readonly tailMatcher?: Matcher;
  /** With variables: the last context resolved and its matcher (one context meets many resources). */
  lastContext?: RequestContext;
  lastMatcher?: Matcher | typeof NO_VALUE | typeof UNRESOLVED;
}

export interface CompiledStatement {
  /** 1-based position in the Statement list. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: (lowerCaseAction: string) => boolean;
  /** Absent in a role trust policy, which names no resource. */
  readonly resource?: ResourceElement;
  readonly principal?: PrincipalElement;
  readonly notPrincipal: boolean;
  readonly conditions: readonly CompiledCondition[];
  /** Every context key the statement reads (conditions and resource variables). */
  readonly keys: readonly string[];
}

let nextCoreId = 1;

/** A policy's compiled content, shared by every policy with the same kind and text. */
export class PolicyCore {
  readonly id: number;
  readonly kind: PolicyKind;
  /** The document as JSON text (what the static proof scans for keys that make a principal its own class). */
  readonly text: string;
  readonly statements: readonly CompiledStatement[];
  /** Every context key some statement reads, sorted. */
  readonly keys: readonly string[];
  /** Whether some statement has a Principal or NotPrincipal element. */
  readonly hasPrincipals: boolean;
  private readonly byAction = new Map<string, readonly CompiledStatement[]>();

  constructor(kind: PolicyKind, text: string, statements: readonly CompiledStatement[]) {
    this.id = nextCoreId++;
    this.kind = kind;
    this.text = text;
    this.statements = statements;
    this.keys = [...new Set(statements.flatMap((statement) => statement.keys))].sort();
    this.hasPrincipals = statements.some((statement) => statement.principal !== undefined);
  }

  /** The statements whose Action or NotAction covers the (lower-cased) action, memoized per action. */
  statementsFor(lowerCaseAction: string): readonly CompiledStatement[] {
    let found = this.byAction.get(lowerCaseAction);
    if (found === undefined) {
      found = this.statements.filter((statement) => statement.actions(lowerCaseAction));
      if (this.byAction.size > 4096) {
        this.byAction.clear();
      }
      this.byAction.set(lowerCaseAction, found);
    }
    return found;
  }
}

const cores = new Map<string, PolicyCore>();
const CORE_CACHE_LIMIT = 100_000;

/**
 * Checks and compiles a policy document (JSON text or parsed). Throws MalformedPolicyDocumentError with
 * AWS's wording. `name` is how results name the policy (an inline policy's name, a managed policy ARN,
 * "key policy", ...).
 */
export function compilePolicy(document: unknown, name: string, kind: PolicyKind): CompiledPolicy {
  const code = kind === "kms-key" ? "MalformedPolicyDocumentException" : "MalformedPolicyDocument";
  const fail = (location: string, message: string): never => {
    throw new MalformedPolicyDocumentError(code, name, location, message);
  };
  let value = document;
  if (typeof document === "string") {
    try {
      value = JSON.parse(document);
    } catch {
      fail("", "Fix the JSON syntax error.");
    }
  }
  const text = JSON.stringify(value);
  const cacheKey = `${kind}\n${text}`;
  let core = cores.get(cacheKey);
  if (core === undefined) {
    core = new PolicyCore(kind, text, compileDocument(value, kind, fail));
    if (cores.size >= CORE_CACHE_LIMIT) {
      cores.clear();
    }
    cores.set(cacheKey, core);
  }
  return { name, kind, core };
}

type Fail = (location: string, message: string) => never;

function compileDocument(value: unknown, kind: PolicyKind, fail: Fail): CompiledStatement[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("", "The text does not match the expected JSON data type Object.");
  }
  const policy = value as Record<string, unknown>;
  for (const element of Object.keys(policy)) {
    if (!POLICY_ELEMENTS.has(element)) {
      fail(element, `The policy element ${element} is not valid.`);
    }
  }
  const version = policy.Version;
  if (version !== undefined && (typeof version !== "string" || !VERSIONS.includes(version))) {
    fail(
      "Version",
      `The version ${String(version)} is not valid. Use one of the following versions: ${VERSIONS.join(", ")}`,
    );
  }
  if (policy.Id !== undefined && typeof policy.Id !== "string") {
    fail("Id", "The text does not match the expected JSON data type String.");
  }
  const raw = policy.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) {
    fail("Statement", "Add a statement to the policy");
  }
  // Policy variables are read only under Version 2012-10-17 ("IAM policy elements: Variables and tags").
  const variables = version === "2012-10-17";
  const sids = new Set<string>();
  return list.map((entry, position) =>
    compileStatement(entry, position, kind, variables, sids, (location, message) =>
      fail(`Statement[${position + 1}]${location === "" ? "" : `.${location}`}`, message),
    ),
  );
}

function compileStatement(
  entry: unknown,
  position: number,
  kind: PolicyKind,
  variables: boolean,
  sids: Set<string>,
  fail: Fail,
): CompiledStatement {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    return fail("", "The text does not match the expected JSON data type Object.");
  }
  const statement = entry as Record<string, unknown>;
  for (const element of Object.keys(statement)) {
    if (!STATEMENT_ELEMENTS.has(element)) {
      fail(element, `The policy element ${element} is not valid.`);
    }
  }
  const identityLike = kind === "identity" || kind === "boundary" || kind === "session";
  const resourceLike = kind === "resource" || kind === "kms-key" || kind === "role-trust";

  // Sid: optional; IAM identity policies take only letters and digits, and every policy type but
  // resource-based policies requires unique Sids (Access Analyzer: "Unsupported Sid", "Unique Sids required").
  const sid = statement.Sid;
  if (sid !== undefined) {
    if (typeof sid !== "string") {
      fail("Sid", "The text does not match the expected JSON data type String.");
    }
    if (identityLike && !/^[A-Za-z0-9]*$/.test(sid as string)) {
      fail(
        "Sid",
        "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]",
      );
    }
    if (!resourceLike && sid !== "" && sids.has(sid as string)) {
      fail("Sid", "Duplicate statement IDs are not supported for this policy type. Update the Sid value.");
    }
    sids.add(sid as string);
  }

  const effect = statement.Effect;
  if (effect === undefined) {
    fail("", "Add an Effect element to the policy statement with a value of Allow or Deny.");
  }
  if (effect !== "Allow" && effect !== "Deny") {
    fail("Effect", `The effect ${String(effect)} is not valid. Use Allow or Deny.`);
  }

  // Principal / NotPrincipal.
  const hasPrincipal = statement.Principal !== undefined;
  const hasNotPrincipal = statement.NotPrincipal !== undefined;
  if (hasPrincipal && hasNotPrincipal) {
    fail("", combination("Principal", "NotPrincipal"));
  }
  const principalElement = hasPrincipal ? "Principal" : "NotPrincipal";
  if (identityLike && (hasPrincipal || hasNotPrincipal)) {
    fail(
      principalElement,
      `The policy type ${ANALYZER_POLICY_TYPE[kind]} does not support the Principal element. Remove the Principal element.`,
    );
  }
  if (kind === "scp" && (hasPrincipal || hasNotPrincipal)) {
    fail(
      principalElement,
      "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.",
    );
  }
  if (kind === "rcp") {
    if (hasNotPrincipal) {
      fail("NotPrincipal", 'RCPs do not support the NotPrincipal element; use "Principal": "*".');
    }
    if (hasPrincipal && statement.Principal !== "*" && !isAwsStar(statement.Principal)) {
      fail("Principal", 'RCPs support only "*" in the Principal element.');
    }
  }
  if (resourceLike && !hasPrincipal && !hasNotPrincipal) {
    fail("", "Add a Principal element to the policy statement.");
  }
  if (kind === "role-trust" && hasNotPrincipal) {
    fail(
      "NotPrincipal",
      "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.",
    );
  }
  let principal: PrincipalElement | undefined;
  if (hasPrincipal || hasNotPrincipal) {
    checkPrincipal(statement[principalElement], kind, (location, message) =>
      fail(location === "" ? principalElement : `${principalElement}.${location}`, message),
    );
    principal = compilePrincipal(statement[principalElement]);
  }

  // Action / NotAction.
  const hasAction = statement.Action !== undefined;
  const hasNotAction = statement.NotAction !== undefined;
  if (hasAction && hasNotAction) {
    fail("", combination("Action", "NotAction"));
  }
  if (!hasAction && !hasNotAction) {
    fail("", "Add an Action or NotAction element to the policy statement.");
  }
  const actionElement = hasAction ? "Action" : "NotAction";
  const actionPatterns = stringList(statement[actionElement], actionElement, fail);
  const actionMatchers = actionPatterns.map((pattern, index) =>
    compileAction(pattern, `${actionElement}[${index}]`, fail),
  );
  const anyAction = (action: string): boolean => actionMatchers.some((matcher) => matcher(action));
  const actions = hasAction ? anyAction : (action: string) => !anyAction(action);

  // Resource / NotResource.
  const hasResource = statement.Resource !== undefined;
  const hasNotResource = statement.NotResource !== undefined;
  if (hasResource && hasNotResource) {
    fail("", combination("Resource", "NotResource"));
  }
  let resource: ResourceElement | undefined;
  if (kind === "role-trust") {
    if (hasResource || hasNotResource) {
      fail(
        hasResource ? "Resource" : "NotResource",
        "Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove the Resource or NotResource element.",
      );
    }
  } else if (!hasResource && !hasNotResource) {
    if (kind !== "scp" && kind !== "rcp") {
      fail("", "Add a Resource or NotResource element to the policy statement.");
    }
  } else {
    const element = hasResource ? "Resource" : "NotResource";
    const patterns = stringList(statement[element], element, fail);
    resource = compileResources(patterns, !hasResource, variables, element, fail);
  }

  // Condition.
  const conditions =
    statement.Condition === undefined
      ? []
      : compileConditions(statement.Condition, variables, (location, message) =>
          fail(location === "" ? "Condition" : `Condition.${location}`, message),
        );

  const keys = new Set<string>();
  for (const condition of conditions) {
    condition.keys.forEach((key) => keys.add(key));
  }
  resource?.keys.forEach((key) => keys.add(key));
  return {
    index: position + 1,
    sid: sid as string | undefined,
    effect: effect as "Allow" | "Deny",
    actions,
    resource,
    principal,
    notPrincipal: hasNotPrincipal,
    conditions,
    keys: [...keys].sort(),
  };
}

function combination(first: string, second: string): string {
  return `The policy elements ${first} and ${second} can not be used in the same statement. Remove one of these elements.`;
}

function isAwsStar(principal: unknown): boolean {
  if (typeof principal !== "object" || principal === null) {
    return false;
  }
  const entries = Object.entries(principal as Record<string, unknown>);
  return (
    entries.length === 1 &&
    entries[0][0] === "AWS" &&
    (entries[0][1] === "*" ||
      (Array.isArray(entries[0][1]) && entries[0][1].length === 1 && entries[0][1][0] === "*"))
  );
}

/** A string or a non-empty list of strings. */
function stringList(value: unknown, element: string, fail: Fail): string[] {
  if (typeof value === "string") {
    return [value];
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((entry) => typeof entry !== "string")) {
    return fail(element, "The text does not match the expected JSON data type String.");
  }
  return value as string[];
}

/**
 * An action pattern: "*" or "service:action", case-insensitive, with wildcards ("IAM JSON policy elements:
 * Action": "the prefix and the action name are case insensitive").
 */
function compileAction(pattern: string, location: string, fail: Fail): (action: string) => boolean {
  if (pattern === "*") {
    return () => true;
  }
  const colon = pattern.indexOf(":");
  if (colon <= 0 || colon === pattern.length - 1 || /\s/.test(pattern)) {
    return fail(location, `The action ${pattern} does not exist.`);
  }
  const matcher = globMatcher(wildcardSource(pattern.toLowerCase()));
  return matcher;
}

/**
 * Resource patterns: "*" or an ARN whose parts are matched separately, wildcards within a part (IAM User
 * Guide, "IAM JSON policy elements: Resource": wildcards "within ARN segments (the parts separated by
 * colons)"; the resource part, after the fifth colon, may itself hold colons and is case-sensitive).
 * A shorter ARN ending in a wildcard is read with its missing parts as wildcards, as IAM reads
 * `arn:aws:iam::*`. Variables are read only in the resource part ("Using policy variables in resource
 * ARNs": "only in the resource portion of the ARN").
 */
function compileResources(
  patterns: string[],
  not: boolean,
  variables: boolean,
  element: string,
  fail: Fail,
): ResourceElement {
  const keys = new Set<string>();
  const tests = patterns.map((pattern, index): ResourcePattern => {
    if (pattern === "*") {
      return { any: true };
    }
    if (!pattern.startsWith("arn:")) {
      return fail(`${element}[${index}]`, "Add the required prefix (arn) to the resource ARN.");
    }
    let parts = splitArn(pattern);
    if (parts === undefined) {
      const fields = pattern.split(":");
      if (!fields[fields.length - 1].includes("*")) {
        return fail(
          `${element}[${index}]`,
          "Resource ARNs must include at least 6 fields in the following structure: arn:partition:service:region:account:resource",
        );
      }
      while (fields.length < 6) {
        fields.push("*");
      }
      parts = splitArn(fields.join(":")) as NonNullable<ReturnType<typeof splitArn>>;
    }
    const head = [parts.partition, parts.service, parts.region, parts.accountId].map((part) =>
      globMatcher(wildcardSource(part), true),
    );
    const tail = parseTemplate(parts.resource, variables, true);
    tail.keys.forEach((key) => keys.add(key));
    return {
      any: false,
      head,
      tail,
      tailMatcher: tail.text === undefined ? undefined : globMatcher(tail.text),
    };
  });
  return { not, patterns, tests, dynamic: keys.size > 0, keys: [...keys] };
}

/**
 * Whether the element covers the resource, given as its split ARN (undefined for "*", the resource of an
 * action that names none, which only the pattern "*" covers).
 */
export function matchResource(
  element: ResourceElement,
  parts: ArnParts | undefined,
  context: RequestContext,
): Tri {
  let result: Tri = FALSE;
  for (const test of element.tests) {
    let one: Tri;
    if (test.any) {
      one = TRUE;
    } else if (parts === undefined) {
      one = FALSE;
    } else {
      const head = test.head as readonly Matcher[];
      if (
        !head[0](parts.partition) ||
        !head[1](parts.service) ||
        !head[2](parts.region) ||
        !head[3](parts.accountId)
      ) {
        one = FALSE;
      } else if (test.tailMatcher !== undefined) {
        one = test.tailMatcher(parts.resource) ? TRUE : FALSE;
      } else {
        // "If a variable that has no value ... is used as part of the Resource or NotResource element ...
        // the resource that includes a policy variable with no value will not match any resource"
        // ("Policy variables with no value").
        let matcher = test.lastMatcher;
        if (test.lastContext !== context || matcher === undefined) {
          const resolved = resolveTemplate(test.tail as Template, context);
          matcher = typeof resolved === "string" ? globMatcher(resolved) : resolved;
          test.lastContext = context;
          test.lastMatcher = matcher;
        }
        one =
          matcher === UNRESOLVED
            ? UNKNOWN
            : matcher === NO_VALUE
              ? FALSE
              : matcher(parts.resource)
                ? TRUE
                : FALSE;
      }
    }
    if (one === TRUE) {
      result = TRUE;
      break;
    }
    if (one === UNKNOWN) {
      result = UNKNOWN;
    }
  }
  if (!element.not) {
    return result;
  }
  return result === UNKNOWN ? UNKNOWN : result === TRUE ? FALSE : TRUE;
}

function checkPrincipal(element: unknown, kind: PolicyKind, fail: Fail): void {
  const invalidFormat =
    "The Principal element contents are not valid. Specify a key-value pair in the Principal element.";
  if (element === "*") {
    return;
  }
  if (typeof element !== "object" || element === null || Array.isArray(element)) {
    fail("", invalidFormat);
  }
  const entries = Object.entries(element as Record<string, unknown>);
  if (entries.length === 0) {
    fail("", invalidFormat);
  }
  for (const [key, raw] of entries) {
    if (!PRINCIPAL_KEYS.has(key)) {
      fail(key, `The principal key ${key} is not valid.`);
    }
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || values.some((value) => typeof value !== "string" || value === "")) {
      fail(key, invalidFormat);
    }
    for (const value of values as string[]) {
      if (value !== "*" && /[*?]/.test(value)) {
        fail(
          key,
          `Wildcards (*, ?) are not supported with the principal key ${key}. Replace the wildcard with a valid principal value.`,
        );
      }
      if (key === "AWS" && !validAwsPrincipal(value)) {
        fail(
          key,
          kind === "kms-key"
            ? // KMS API reference, CreateKey and PutKeyPolicy, MalformedPolicyDocumentException.
              "Policy contains a statement with one or more invalid principals."
            : `Invalid principal in policy: "AWS":"${value}"`,
        );
      }
    }
  }
}

/**
 * An AWS principal entry: "*", an account id, an IAM or STS ARN of an account, or a unique id (IAM shows
 * one when the principal an ARN named was deleted: "AWS JSON policy elements: Principal").
 */
function validAwsPrincipal(value: string): boolean {
  if (value === "*" || /^\d{12}$/.test(value) || /^A[A-Z0-9]{15,127}$/.test(value)) {
    return true;
  }
  const parts = splitArn(value);
  return (
    parts !== undefined &&
    (parts.service === "iam" || parts.service === "sts") &&
    /^\d{12}$/.test(parts.accountId) &&
    parts.resource !== ""
  );
}

function compileConditions(element: unknown, variables: boolean, fail: Fail): CompiledCondition[] {
  if (typeof element !== "object" || element === null || Array.isArray(element)) {
    return fail("", "The text does not match the expected JSON data type Object.");
  }
  const conditions: CompiledCondition[] = [];
  for (const [operatorName, block] of Object.entries(element as Record<string, unknown>)) {
    const operator = parseOperator(operatorName);
    if (operator === "null-if-exists") {
      fail(
        operatorName,
        "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.",
      );
    }
    if (operator === undefined) {
      fail(
        operatorName,
        `The condition operator ${operatorName} is not valid. Use a valid condition operator.`,
      );
    }
    if (typeof block !== "object" || block === null || Array.isArray(block)) {
      fail(operatorName, "The text does not match the expected JSON data type Object.");
    }
    const seen = new Map<string, string>();
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      const location = `${operatorName}.${key}`;
      if (!/^[^:\s]+:[^\s]+$/.test(key)) {
        fail(location, "The condition key format is not valid. Use the format service:keyname.");
      }
      const lower = key.toLowerCase();
      if (seen.has(lower) && seen.get(lower) !== key) {
        fail(
          location,
          `The condition key ${key} appears more than once with different capitalization in the same condition block. Remove the duplicate condition keys.`,
        );
      }
      seen.set(lower, key);
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.some((value) => !["string", "number", "boolean"].includes(typeof value))) {
        fail(location, "The text does not match the expected JSON data type String.");
      }
      if (new Set(list.map((value) => typeof value)).size > 1) {
        fail(
          location,
          "The condition value data types do not match. Use condition values of the same JSON data type.",
        );
      }
      conditions.push(
        compileCondition(
          operatorName,
          operator as Exclude<typeof operator, undefined | "null-if-exists">,
          key,
          list.map(String),
          variables,
        ),
      );
    }
  }
  return conditions;
}
