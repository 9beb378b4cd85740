/**
 * Refuses what the sandbox does not model. Every operation table row (sandbox/<service>/operations.ts)
 * lists every input member of its operation in the AWS API model, by path, each as:
 * - `"modelled"`: the sandbox implements its effect (on the answer, on authorization, or on what is kept);
 * - `"shape"`: it only shapes the answer (`Limit`, `ConsistentRead`, ...), and the answer follows it;
 * - `{ refused: why, inert? }`: not modelled. A request that carries it is refused with a 4xx naming it,
 *   never accepted and ignored (accepting it would answer as if it were absent, which can widen access,
 *   e.g. a session policy that should narrow a role session). `inert` lists values that mean the same as
 *   leaving the member out (`DryRun: false`, `ReturnItemCollectionMetrics: "NONE"`), which are accepted.
 * A member the table does not list at all is refused the same way: the sandbox does not know what it does.
 *
 * Paths: `A.B` a structure member, `A[]` the elements of list A, `A{}` the values of map A; e.g.
 * `TransactItems[].Put.ReturnValuesOnConditionCheckFailure`, `RequestItems{}[].PutRequest.Item`. A member
 * with no listed member below it is taken whole (an item, a key: maps of attribute values that the
 * service validates and serves).
 *
 * The error is a 4xx of its own (HTTP 400, `NotModelledBySandboxException`), so no SDK retries it and no
 * caller mistakes it for an AWS answer.
 */
import { AwsError } from "../errors";

export type MemberSpec =
  | "modelled"
  | "shape"
  | {
      /** Why the sandbox does not model it (said in the error). */
      readonly refused: string;
      /** Values that mean the same as the member left out: accepted. */
      readonly inert?: readonly (string | number | boolean)[];
    };

/** Every input member of an operation, by path. */
export type RequestMembers = Readonly<Record<string, MemberSpec>>;

/** The error code of a request the sandbox refuses because it does not model part of it. */
export const NOT_MODELLED = "NotModelledBySandboxException";

interface MemberNode {
  readonly spec: MemberSpec;
  /** Named members below (a structure), or "[]" / "{}" for the elements of a list or map. */
  readonly children: Map<string, MemberNode>;
}

const trees = new WeakMap<RequestMembers, MemberNode>();

function treeOf(members: RequestMembers): MemberNode {
  const known = trees.get(members);
  if (known !== undefined) {
    return known;
  }
  const root: MemberNode = { spec: "modelled", children: new Map() };
  for (const [path, spec] of Object.entries(members)) {
    let node = root;
    const segments = segmentsOf(path);
    segments.forEach((segment, index) => {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = { spec: index === segments.length - 1 ? spec : "modelled", children: new Map() };
        node.children.set(segment, child);
      } else if (index === segments.length - 1) {
        child = { spec, children: child.children };
        node.children.set(segment, child);
      }
      node = child;
    });
  }
  trees.set(members, root);
  return root;
}

/** `A[].B{}.C` as A, [], B, {}, C. */
export function segmentsOf(path: string): string[] {
  const segments: string[] = [];
  for (const part of path.split(".")) {
    const match = /^([^[{]*)((?:\[\]|\{\})*)$/.exec(part);
    if (match === null) {
      throw new Error(`request member path: "${path}" is not A.B, A[] or A{}`);
    }
    if (match[1] !== "") {
      segments.push(match[1]);
    }
    for (let rest = match[2]; rest !== ""; rest = rest.slice(2)) {
      segments.push(rest.slice(0, 2));
    }
  }
  return segments;
}

/**
 * Refuses a JSON request (DynamoDB, KMS) that carries a member the operation's table does not model.
 * A value of the wrong type is left to the service's own validation.
 */
export function checkJsonMembers(
  service: string,
  operation: string,
  request: Readonly<Record<string, unknown>>,
  members: RequestMembers,
): void {
  walkObject(service, operation, request, treeOf(members), "");
}

function walkObject(
  service: string,
  operation: string,
  value: Readonly<Record<string, unknown>>,
  node: MemberNode,
  at: string,
): void {
  for (const name in value) {
    const member = value[name];
    if (member === undefined || member === null) {
      continue;
    }
    const path = at === "" ? name : `${at}.${name}`;
    const child = node.children.get(name);
    if (child === undefined) {
      throw notModelled(
        service,
        operation,
        path,
        member,
        "it is not a member the sandbox knows of this operation",
      );
    }
    checkSpec(service, operation, path, member, child.spec);
    walkValue(service, operation, member, child, path);
  }
}

function walkValue(service: string, operation: string, value: unknown, node: MemberNode, at: string): void {
  if (node.children.size === 0 || typeof value !== "object" || value === null) {
    return;
  }
  if (Array.isArray(value)) {
    const element = node.children.get("[]");
    if (element !== undefined) {
      value.forEach((item, index) => walkValue(service, operation, item, element, `${at}[${index}]`));
    }
    return;
  }
  const mapValue = node.children.get("{}");
  if (mapValue !== undefined) {
    for (const key in value) {
      walkValue(service, operation, (value as Record<string, unknown>)[key], mapValue, `${at}.${key}`);
    }
    return;
  }
  walkObject(service, operation, value as Record<string, unknown>, node, at);
}

function checkSpec(service: string, operation: string, path: string, value: unknown, spec: MemberSpec): void {
  if (typeof spec === "string") {
    return;
  }
  if (spec.inert !== undefined && isInert(value, spec.inert)) {
    return;
  }
  throw notModelled(service, operation, path, value, spec.refused);
}

function isInert(value: unknown, inert: readonly (string | number | boolean)[]): boolean {
  if (Array.isArray(value)) {
    return value.length === 0 && inert.includes("[]");
  }
  return inert.some((allowed) => allowed === value || String(allowed) === String(value));
}

/**
 * Refuses a query-protocol request (STS) that carries a member the operation's table does not model.
 * Form names flatten lists as `Name.member.N` and nested members as `Name.member.N.Member` (AWS query
 * protocol); `Action` and `Version` are the protocol's own.
 */
export function checkFormMembers(
  service: string,
  operation: string,
  form: URLSearchParams,
  members: RequestMembers,
): void {
  const root = treeOf(members);
  for (const [name, value] of form) {
    if (name === "Action" || name === "Version") {
      continue;
    }
    const parts = name.split(".");
    let node: MemberNode | undefined = root;
    let path = "";
    for (let index = 0; index < parts.length && node !== undefined; index++) {
      const part = parts[index];
      if (node.children.size === 0) {
        break;
      }
      if (part === "member" || part === "entry") {
        path += `[${parts[index + 1] ?? ""}]`;
        index++;
        node = node.children.get(part === "member" ? "[]" : "{}");
        continue;
      }
      path = path === "" ? part : `${path}.${part}`;
      const child: MemberNode | undefined = node.children.get(part);
      if (child === undefined) {
        throw notModelled(
          service,
          operation,
          path,
          value,
          "it is not a member the sandbox knows of this operation",
        );
      }
      checkSpec(service, operation, path, value, child.spec);
      node = child;
    }
  }
}

function notModelled(
  service: string,
  operation: string,
  path: string,
  value: unknown,
  why: string,
): AwsError {
  return new AwsError(
    NOT_MODELLED,
    `${service}:${operation} parameter ${path} (${shown(value)}) is not modelled by the sandbox: ${why}. ` +
      "Leave it out of the request (the sandbox would otherwise answer as if it were absent, which AWS does not).",
  );
}

/** A value as an error may show it: short, escaped, no control or bidi characters. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "?");
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
