/**
 * The Principal and NotPrincipal elements of resource-based policies (IAM User Guide, "AWS JSON policy
 * elements: Principal"; "AWS JSON policy elements: NotPrincipal").
 *
 * How an entry names the caller decides what else must allow the request ("How AWS enforcement code logic
 * evaluates requests", resource-based policies; "Policies and permissions", session policies):
 * - DIRECT: `"*"` (every principal, anonymous included), the caller's own ARN (an IAM user, a role
 *   session, a federated user session), its service principal or identity provider, or, for the root
 *   user, its account. Within an account such a grant stands on its own: identity-based policies,
 *   boundaries and session policies do not limit it.
 * - ENTITY: the role ARN of a role session, or the IAM user who federated a federated user session. Such
 *   a grant is limited by an implicit deny in a permissions boundary or a session policy.
 * - ACCOUNT: the caller's account (`"123456789012"` or `arn:aws:iam::123456789012:root`). This delegates
 *   to the account: its identity-based policies must allow the request ("AWS account principals": "Using
 *   the account ARN in the Principal element does not limit permissions to only the root user").
 */
import { principalTypeOf, roleArnOfSession, splitArn, userArnOfFederatedUser } from "./arn";
import type { EvalPrincipal } from "./types";

export const NONE = 0;
export const ACCOUNT = 1;
export const ENTITY = 2;
export const DIRECT = 3;
export type PrincipalMatch = typeof NONE | typeof ACCOUNT | typeof ENTITY | typeof DIRECT;

/** A compiled Principal or NotPrincipal element of a policy statement (not a principal of the model: ../types.ts). */
export interface PrincipalElement {
  readonly wildcard: boolean;
  /** Account ids named by an id or a root ARN. */
  readonly accounts: ReadonlySet<string>;
  /** Every other AWS entry, as written: user, role, session, federated user ARNs (and unique ids). */
  readonly arns: ReadonlySet<string>;
  /** Service principals, lower-cased. */
  readonly services: ReadonlySet<string>;
  readonly federated: ReadonlySet<string>;
  readonly canonicalUsers: ReadonlySet<string>;
}

/** `"Principal": "*"` or an object of AWS, Service, Federated, CanonicalUser entries, already validated. */
export function compilePrincipal(element: unknown): PrincipalElement {
  const accounts = new Set<string>();
  const arns = new Set<string>();
  const services = new Set<string>();
  const federated = new Set<string>();
  const canonicalUsers = new Set<string>();
  let wildcard = element === "*";
  if (typeof element === "object" && element !== null) {
    for (const [type, raw] of Object.entries(element as Record<string, unknown>)) {
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      for (const value of values) {
        if (type === "AWS") {
          if (value === "*") {
            wildcard = true;
            continue;
          }
          const account = accountOfPrincipalEntry(value);
          if (account !== undefined) {
            accounts.add(account);
          } else {
            arns.add(value);
          }
        } else if (type === "Service") {
          services.add(value.toLowerCase());
        } else if (type === "Federated") {
          federated.add(value);
        } else if (type === "CanonicalUser") {
          canonicalUsers.add(value);
        }
      }
    }
  }
  return { wildcard, accounts, arns, services, federated, canonicalUsers };
}

/** The account an entry names as a whole: a 12-digit id or an account root ARN. */
export function accountOfPrincipalEntry(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) {
    return value;
  }
  const parts = splitArn(value);
  if (parts !== undefined && parts.service === "iam" && parts.resource === "root") {
    return parts.accountId;
  }
  return undefined;
}

/** How a Principal element names the caller. */
export function matchPrincipal(spec: PrincipalElement, principal: EvalPrincipal): PrincipalMatch {
  if (spec.wildcard) {
    return DIRECT;
  }
  switch (principal.kind) {
    case "anonymous":
      return NONE;
    case "service":
      return spec.services.has(principal.arn.toLowerCase()) ? DIRECT : NONE;
    case "federated":
      return spec.federated.has(principal.arn) ? DIRECT : NONE;
    default:
      break;
  }
  if (spec.arns.has(principal.arn)) {
    return DIRECT;
  }
  if (principal.canonicalUserId !== undefined && spec.canonicalUsers.has(principal.canonicalUserId)) {
    return DIRECT;
  }
  if (
    principal.kind === "assumed-role" &&
    principal.roleArn !== undefined &&
    spec.arns.has(principal.roleArn)
  ) {
    return ENTITY;
  }
  if (
    principal.kind === "federated-user" &&
    principal.userArn !== undefined &&
    spec.arns.has(principal.userArn)
  ) {
    return ENTITY;
  }
  if (principal.accountId !== undefined && spec.accounts.has(principal.accountId)) {
    return principal.kind === "root" ? DIRECT : ACCOUNT;
  }
  return NONE;
}

/**
 * Whether a NotPrincipal element spares the caller. AWS may validate the account first, then the role or
 * user, then the session, so a principal is spared only when every link of that chain is listed: "When
 * you use NotPrincipal with Deny, you must also specify the account ARN of the not-denied principal.
 * Otherwise, the policy might deny access to the entire account containing the principal" (IAM User
 * Guide, "AWS JSON policy elements: NotPrincipal", with its two examples: a user and its account; a
 * session, its role and its account).
 */
export function notPrincipalSpares(spec: PrincipalElement, principal: EvalPrincipal): boolean {
  if (spec.wildcard) {
    return true;
  }
  switch (principal.kind) {
    case "anonymous":
      return false;
    case "service":
      return spec.services.has(principal.arn.toLowerCase());
    case "federated":
      return spec.federated.has(principal.arn);
    default:
      break;
  }
  if (principal.accountId === undefined || !spec.accounts.has(principal.accountId)) {
    return false;
  }
  switch (principal.kind) {
    case "root":
      return true;
    case "user":
      return spec.arns.has(principal.arn);
    case "assumed-role":
      return (
        principal.roleArn !== undefined && spec.arns.has(principal.roleArn) && spec.arns.has(principal.arn)
      );
    case "federated-user":
      return (
        principal.userArn !== undefined && spec.arns.has(principal.userArn) && spec.arns.has(principal.arn)
      );
  }
}

/**
 * The principal an ARN names: an IAM user, the account root, a role session, a federated user session;
 * a service principal (`*.amazonaws.com`); "*" or "anonymous" for an unsigned request.
 */
export function principalFromArn(arn: string, extra: Partial<EvalPrincipal> = {}): EvalPrincipal {
  if (arn === "*" || arn === "anonymous") {
    return { kind: "anonymous", arn: "anonymous", ...extra };
  }
  const parts = splitArn(arn);
  if (parts === undefined) {
    if (/\.amazonaws\.com(\.cn)?$/.test(arn)) {
      return { kind: "service", arn, ...extra };
    }
    return { kind: "federated", arn, ...extra };
  }
  const accountId = parts.accountId;
  switch (principalTypeOf(parts)) {
    case "root":
      return { kind: "root", arn, accountId, ...extra };
    case "user":
      return { kind: "user", arn, accountId, ...extra };
    case "session":
      return { kind: "assumed-role", arn, accountId, roleArn: roleArnOfSession(arn), ...extra };
    case "federated-user":
      return { kind: "federated-user", arn, accountId, userArn: userArnOfFederatedUser(arn), ...extra };
    default:
      break;
  }
  throw new Error(`principal: "${arn}" is not a user, root, role session or federated user ARN`);
}
