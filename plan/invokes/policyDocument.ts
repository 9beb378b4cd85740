/**
 * `aws.iam.getPolicyDocument` (`aws:iam/getPolicyDocument:getPolicyDocument`) computed as the AWS provider
 * computes it: the Terraform AWS provider's `aws_iam_policy_document` data source, which @pulumi/aws
 * bridges (terraform-provider-aws internal/service/iam policy_document_data_source.go and
 * iam_policy_model.go; registry docs "aws_iam_policy_document"). Its documented rules:
 *
 * - `version` defaults to `2012-10-17`; `effect` to `Allow`; every statement prints `Sid` (empty when not
 *   given); the keys print in the order Version, Id, Statement and Sid, Effect, Action, NotAction, Resource,
 *   NotResource, Principal, NotPrincipal, Condition, empty ones left out;
 * - actions, resources and principal identifiers are sets: duplicates drop, a single value prints as a
 *   string, several as a list sorted in reverse; condition values are a list kept in order (one value
 *   prints as a string); principal blocks of one type merge; `{ type: "*", identifiers: ["*"] }` alone
 *   prints as `"*"`; `&{` in a resource, identifier or condition value is the escape for `${`;
 * - `sourcePolicyDocuments` are merged first, in order (a Sid repeated across them is an error), then the
 *   statements, then `overridePolicyDocuments` in order: a statement whose Sid is already there replaces
 *   it, one without a Sid is appended; a merged document keeps the highest Version and the last Id;
 * - `json` is the document indented by two spaces, `minifiedJson` without spaces, both as Go's encoder
 *   writes them (`<`, `>`, `&` escaped); the id is the CRC-32 of `json` in decimal.
 */
import { crc32 } from "node:zlib";

interface Statement {
  Sid: string;
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: Principal[];
  NotPrincipal?: Principal[];
  Condition?: Condition[];
}

interface Principal {
  type: string;
  identifiers: string | string[];
}

interface Condition {
  test: string;
  variable: string;
  values: string | string[];
}

interface Document {
  Version: string;
  Id: string;
  Statement: Statement[] | null;
}

/** An argument the provider would refuse: the invoke fails with this message, as the provider's does. */
export class PolicyDocumentError extends Error {}

export function getPolicyDocument(args: Record<string, unknown>): Record<string, unknown> {
  const merged: Document = { Version: "", Id: "", Statement: null };
  const sources = strings(args.sourcePolicyDocuments);
  const seenSids = new Set<string>();
  sources.forEach((source, index) => {
    const document = parseDocument(source, `merging source document ${index}`);
    (document.Statement ?? []).forEach((statement, statementIndex) => {
      if (statement.Sid !== "") {
        if (seenSids.has(statement.Sid)) {
          throw new PolicyDocumentError(
            `writing IAM Policy Document: merging source document ${index}: duplicate Sid (${statement.Sid}) in source_policy_documents (statement ${statementIndex}). Remove the Sid or ensure Sids are unique.`,
          );
        }
        seenSids.add(statement.Sid);
      }
    });
    merge(merged, document);
  });
  const version = typeof args.version === "string" ? args.version : "2012-10-17";
  const own: Document = {
    Version: version,
    Id: typeof args.policyId === "string" ? args.policyId : "",
    Statement: null,
  };
  if (Array.isArray(args.statements) && args.statements.length > 0) {
    const sids = new Set<string>();
    own.Statement = args.statements.map((raw) => {
      const statement = record(raw);
      const sid = typeof statement.sid === "string" ? statement.sid : "";
      if (sid !== "" && sids.has(sid)) {
        throw new PolicyDocumentError(
          `writing IAM Policy Document: duplicate Sid (${sid}). Remove the Sid or ensure the Sid is unique.`,
        );
      }
      sids.add(sid);
      const out: Statement = {
        Sid: sid,
        Effect: typeof statement.effect === "string" ? statement.effect : "Allow",
      };
      const actions = strings(statement.actions);
      if (actions.length > 0) out.Action = set(actions);
      const notActions = strings(statement.notActions);
      if (notActions.length > 0) out.NotAction = set(notActions);
      const resources = strings(statement.resources);
      if (resources.length > 0) out.Resource = unescape(set(resources), version);
      const notResources = strings(statement.notResources);
      if (notResources.length > 0) out.NotResource = unescape(set(notResources), version);
      const principals = principalBlocks(statement.principals, version);
      if (principals.length > 0) out.Principal = principals;
      const notPrincipals = principalBlocks(statement.notPrincipals, version);
      if (notPrincipals.length > 0) out.NotPrincipal = notPrincipals;
      const conditions = Array.isArray(statement.conditions) ? statement.conditions.map(record) : [];
      if (conditions.length > 0) {
        out.Condition = conditions.map((condition) => {
          const values = unescape(strings(condition.values), version) as string[];
          return {
            test: String(condition.test),
            variable: String(condition.variable),
            values: values.length === 1 ? values[0] : values,
          };
        });
      }
      return out;
    });
  }
  merge(merged, own);
  strings(args.overridePolicyDocuments).forEach((override, index) => {
    merge(merged, parseDocument(override, `merging override document ${index}`));
  });
  const json = goJson(toJson(merged), 2);
  const minifiedJson = goJson(toJson(merged), 0);
  return {
    ...args,
    id: String(crc32(json)),
    json,
    minifiedJson,
    version,
  };
}

/** IAMPolicyDoc.Merge: a newer Id, the higher Version, statements replaced by Sid or appended. */
function merge(into: Document, document: Document): void {
  if (document.Id !== "") {
    into.Id = document.Id;
  }
  if (document.Version > into.Version) {
    into.Version = document.Version;
  }
  for (const statement of document.Statement ?? []) {
    into.Statement ??= [];
    const at =
      statement.Sid === "" ? -1 : into.Statement.findIndex((existing) => existing.Sid === statement.Sid);
    if (at < 0) {
      into.Statement.push(statement);
    } else {
      into.Statement[at] = statement;
    }
  }
}

/** A policy JSON text read as the provider reads one (IAMPolicyDoc's JSON decoding). */
function parseDocument(text: string, what: string): Document {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PolicyDocumentError(`writing IAM Policy Document: ${what}: ${(err as Error).message}`);
  }
  const document = record(parsed);
  const statements = document.Statement;
  const list = Array.isArray(statements)
    ? statements
    : statements === undefined || statements === null
      ? []
      : [statements];
  return {
    Version: typeof document.Version === "string" ? document.Version : "",
    Id: typeof document.Id === "string" ? document.Id : "",
    Statement: list.map((raw) => {
      const statement = record(raw);
      const out: Statement = { Sid: typeof statement.Sid === "string" ? statement.Sid : "" };
      if (typeof statement.Effect === "string" && statement.Effect !== "") out.Effect = statement.Effect;
      for (const key of ["Action", "NotAction", "Resource", "NotResource"] as const) {
        if (statement[key] !== undefined && statement[key] !== null) out[key] = statement[key];
      }
      for (const key of ["Principal", "NotPrincipal"] as const) {
        const value = statement[key];
        if (typeof value === "string") {
          out[key] = [{ type: "*", identifiers: ["*"] }];
        } else if (value !== undefined && value !== null) {
          out[key] = Object.entries(record(value)).map(([type, identifiers]) => ({
            type,
            identifiers: typeof identifiers === "string" ? identifiers : strings(identifiers),
          }));
        }
      }
      if (statement.Condition !== undefined && statement.Condition !== null) {
        // Decoded values are always lists, so a single one from a source document prints as a list.
        out.Condition = Object.entries(record(statement.Condition)).flatMap(([test, variables]) =>
          Object.entries(record(variables)).map(([variable, values]) => ({
            test,
            variable,
            values: typeof values === "string" ? [values] : strings(values),
          })),
        );
      }
      return out;
    }),
  };
}

function principalBlocks(value: unknown, version: string): Principal[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.map((raw) => {
    const block = record(raw);
    return {
      type: String(block.type),
      identifiers: unescape(set(strings(block.identifiers)), version) as string | string[],
    };
  });
}

/** A document as its JSON encoder writes it: Go struct field order, empty fields omitted. */
function toJson(document: Document): Record<string, unknown> {
  return {
    ...(document.Version !== "" ? { Version: document.Version } : {}),
    ...(document.Id !== "" ? { Id: document.Id } : {}),
    Statement:
      document.Statement === null
        ? null
        : document.Statement.map((statement) => ({
            Sid: statement.Sid,
            ...(statement.Effect ? { Effect: statement.Effect } : {}),
            ...(statement.Action !== undefined ? { Action: statement.Action } : {}),
            ...(statement.NotAction !== undefined ? { NotAction: statement.NotAction } : {}),
            ...(statement.Resource !== undefined ? { Resource: statement.Resource } : {}),
            ...(statement.NotResource !== undefined ? { NotResource: statement.NotResource } : {}),
            ...(statement.Principal ? { Principal: principalJson(statement.Principal) } : {}),
            ...(statement.NotPrincipal ? { NotPrincipal: principalJson(statement.NotPrincipal) } : {}),
            ...(statement.Condition ? { Condition: conditionJson(statement.Condition) } : {}),
          })),
  };
}

/** IAMPolicyStatementPrincipalSet.MarshalJSON. */
function principalJson(principals: Principal[]): unknown {
  if (principals.length === 1 && principals[0].type === "*") {
    const ids = principals[0].identifiers;
    if (ids === "*" || (Array.isArray(ids) && ids.length === 1 && ids[0] === "*")) {
      return "*";
    }
  }
  const raw: Record<string, string | string[]> = {};
  for (const principal of principals) {
    const existing = raw[principal.type];
    if (Array.isArray(principal.identifiers)) {
      const sorted = [...principal.identifiers].sort().reverse();
      raw[principal.type] = [
        ...(existing === undefined ? [] : typeof existing === "string" ? [existing] : existing),
        ...sorted,
      ];
    } else {
      raw[principal.type] =
        existing === undefined
          ? principal.identifiers
          : [...(typeof existing === "string" ? [existing] : existing), principal.identifiers];
    }
  }
  return sortedKeys(raw);
}

/** IAMPolicyStatementConditionSet.MarshalJSON: by test, then variable; list values appended in order. */
function conditionJson(conditions: Condition[]): unknown {
  const raw: Record<string, Record<string, string | string[]>> = {};
  for (const condition of conditions) {
    const byVariable = (raw[condition.test] ??= {});
    if (Array.isArray(condition.values)) {
      const existing = byVariable[condition.variable];
      byVariable[condition.variable] = [...(Array.isArray(existing) ? existing : []), ...condition.values];
    } else {
      byVariable[condition.variable] = condition.values;
    }
  }
  return sortedKeys(Object.fromEntries(Object.entries(raw).map(([test, vars]) => [test, sortedKeys(vars)])));
}

/** A set of strings as the provider prints it: one value as a string, several deduplicated in reverse order. */
function set(values: string[]): string | string[] {
  const unique = [...new Set(values)];
  return unique.length === 1 ? unique[0] : unique.sort().reverse();
}

function unescape(value: string | string[], version: string): string | string[] {
  const one = (text: string): string => {
    if (version === "2008-10-17" && text.includes("&{")) {
      throw new PolicyDocumentError(
        `found &{ sequence in (${text}), which is not supported in document version 2008-10-17`,
      );
    }
    return text.replaceAll("&{", "${");
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

/** Go's encoding/json maps print their keys sorted. */
function sortedKeys<T>(value: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** JSON as Go's encoder writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
function goJson(value: unknown, indent: number): string {
  return JSON.stringify(value, null, indent === 0 ? undefined : indent).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => String(item)) : [];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
