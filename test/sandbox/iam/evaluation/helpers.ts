/** Shorthands for the evaluator's tests: accounts, ARNs, one-line policies and requests. */
import {
  compilePolicy,
  contextFrom,
  evaluate,
  principalFromArn,
  type CompiledPolicy,
  type ContextOptions,
  type ContextRecord,
  type EvalPrincipal,
  type EvalResult,
  type PolicyKind,
  type PolicySet,
} from "../../../../sandbox/iam/evaluation";
import { ACCOUNT_ID, OTHER_ACCOUNT_ID, REGION } from "../../../support/accounts";

export const A = ACCOUNT_ID;
export const B = OTHER_ACCOUNT_ID;
export { REGION };
export const ROOT_A = `arn:aws:iam::${A}:root`;
export const ROOT_B = `arn:aws:iam::${B}:root`;
export const ALICE = `arn:aws:iam::${A}:user/alice`;
export const BOB = `arn:aws:iam::${A}:user/bob`;
export const CAROL_B = `arn:aws:iam::${B}:user/carol`;
export const ROLE = `arn:aws:iam::${A}:role/app`;
export const SESSION = `arn:aws:sts::${A}:assumed-role/app/s1`;
export const OTHER_SESSION = `arn:aws:sts::${A}:assumed-role/app/s2`;
export const ROLE_B = `arn:aws:iam::${B}:role/partner`;
export const SESSION_B = `arn:aws:sts::${B}:assumed-role/partner/s1`;
export const TABLE = `arn:aws:dynamodb:${REGION}:${A}:table/orders`;
export const OTHER_TABLE = `arn:aws:dynamodb:${REGION}:${A}:table/audit`;
export const KEY = `arn:aws:kms:${REGION}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

export type Statement = Record<string, unknown>;

/** A policy of the given kind with these statements, Version 2012-10-17. */
export function policy(kind: PolicyKind, name: string, ...statements: Statement[]): CompiledPolicy {
  return compilePolicy({ Version: "2012-10-17", Statement: statements }, name, kind);
}

export function allow(
  action: string | string[],
  resource: string | string[] = "*",
  extra: Statement = {},
): Statement {
  return { Effect: "Allow", Action: action, Resource: resource, ...extra };
}

export function deny(
  action: string | string[],
  resource: string | string[] = "*",
  extra: Statement = {},
): Statement {
  return { Effect: "Deny", Action: action, Resource: resource, ...extra };
}

export function identity(...statements: Statement[]): CompiledPolicy {
  return policy("identity", "inline:test", ...statements);
}

export function principal(arn: string, extra: Partial<EvalPrincipal> = {}): EvalPrincipal {
  return principalFromArn(arn, extra);
}

/** The account of an ARN. */
export function accountOf(arn: string): string {
  return arn.split(":")[4];
}

/** Evaluates `action` on `resource` by `who` (an ARN or a principal) with these policies. */
export function ask(
  who: string | EvalPrincipal,
  action: string,
  resource: string,
  set: Partial<PolicySet>,
  context: ContextRecord = {},
  options: ContextOptions = {},
): EvalResult {
  const evalPrincipal = typeof who === "string" ? principal(who) : who;
  return evaluate(
    {
      principal: evalPrincipal,
      action,
      resource: {
        arn: resource,
        accountId: resource === "*" ? (evalPrincipal.accountId ?? A) : accountOf(resource),
      },
      context: contextFrom(context, options),
    },
    { identity: [], resourceKind: set.resource === undefined ? "none" : "dynamodb", ...set },
  );
}

/** The outcome alone. */
export function outcome(...args: Parameters<typeof ask>): string {
  return ask(...args).outcome;
}
