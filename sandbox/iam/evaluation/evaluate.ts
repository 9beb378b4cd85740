/**
 * The decision: every policy type together, as AWS combines them.
 *
 * IAM User Guide, "How AWS enforcement code logic evaluates requests to allow or deny access" and "Policy
 * evaluation for requests within a single account":
 * 1. An explicit Deny in any applicable policy (SCPs, RCPs, the resource-based policy, identity-based
 *    policies, the permissions boundary, session policies) decides: denied.
 * 2. RCPs of the resource's account: RCPFullAWSAccess is always attached, so only their Denies count.
 * 3. SCPs of the principal's account: every level (root, each OU, the account) must have an applicable
 *    Allow; without one "the request is explicitly denied, even if the denial is implicit" (2023 text
 *    of the page; "Troubleshoot access denied error messages": "the error message can include the phrase
 *    due to an explicit deny in a Service Control Policy, even if the denial is implicit").
 * 4. Within one account, a resource-based policy that names the caller itself (user, role session,
 *    federated user session, "*") allows on its own; one that names a role ARN (or the user behind a
 *    federated session) is limited by the permissions boundary and session policies; one that names the
 *    account delegates to the identity-based policies. For most resources an Allow in either the identity-
 *    based or the resource-based policy is enough; KMS key policies and role trust policies must allow the
 *    principal themselves, identity-based policies counting only where they name the account (KMS
 *    Developer Guide, "Key policies in AWS KMS": "Without permission from the key policy, IAM policies
 *    that allow permissions have no effect"; "Default key policy").
 * 5. Identity-based policies, then the permissions boundary (intersection), then session policies
 *    (intersection). A federated user session without a session policy is denied; a role session
 *    without one is not.
 * Across accounts ("Cross-account policy evaluation logic"), both accounts must allow: the resource-based
 * policy must name the principal (in any form, the account included) and the principal's own identity-
 * based policies, boundary, session policies and SCPs must allow.
 * SCPs do not apply to the management account's principals, to service-linked roles, or to principals
 * outside the organization (service principals, anonymous callers); RCPs do not apply to the management
 * account's resources or to service-linked roles (Organizations User Guide, "Service control policies",
 * "Resource control policies"). The account root user has full access within its account where no
 * resource-based rule says otherwise.
 * A resource-based Deny with NotPrincipal always applies to a principal that has a permissions boundary
 * (IAM User Guide, "Permissions boundaries for IAM entities").
 */
import { splitArn, type ArnParts } from "./arn";
import { matchResource, type CompiledStatement, type PolicyCore } from "./compilePolicy";
import type { CompiledCondition } from "./conditions";
import { ACCOUNT, DIRECT, ENTITY, NONE, matchPrincipal, notPrincipalSpares } from "./principals";
import { FALSE, TRUE, UNKNOWN, and, not, or, type Tri } from "./tri";
import type {
  CompiledPolicy,
  DecidingStatement,
  DeniedBy,
  EvalPrincipal,
  EvalRequest,
  EvalResult,
  Outcome,
  PolicySet,
  RequestContext,
  ResidualCondition,
} from "./types";

/** The role a policy plays in one decision. */
export type SlotRole = "identity" | "boundary" | "session" | "scp" | "rcp" | "resource";

export interface Slot {
  readonly policy: CompiledPolicy;
  readonly role: SlotRole;
  /** For SCPs and RCPs: the level (0 = organization root). */
  readonly level: number;
}

/** A statement that applies (TRUE) or may apply (UNKNOWN), with what it depends on. */
export interface StatementHit {
  readonly statement: CompiledStatement;
  readonly applies: Tri;
  /** How the Principal element named the caller (DIRECT for policies without one). */
  readonly match: number;
  /** The conditions left UNKNOWN, and whether the Resource match was. */
  readonly unknownConditions?: readonly CompiledCondition[];
  readonly unknownResource?: boolean;
}

/** One policy's part of a decision: a partial result, reusable for every request that reads the same. */
export interface PolicyEvaluation {
  readonly allow: Tri;
  readonly deny: Tri;
  /** Allow by how the Principal element named the caller, indexed NONE, ACCOUNT, ENTITY, DIRECT. */
  readonly allowByMatch: readonly Tri[];
  readonly hits: readonly StatementHit[];
}

const NOTHING: PolicyEvaluation = {
  allow: FALSE,
  deny: FALSE,
  allowByMatch: [FALSE, FALSE, FALSE, FALSE],
  hits: [],
};

/** The policies of a set in a fixed order: identity, boundary, session, SCP levels, RCP levels, resource. */
export function slotsOf(set: PolicySet): Slot[] {
  const slots: Slot[] = [];
  if (set.identity !== "unknown") {
    for (const policy of set.identity) {
      slots.push({ policy, role: "identity", level: 0 });
    }
  }
  if (set.boundary !== undefined) {
    slots.push({ policy: set.boundary, role: "boundary", level: 0 });
  }
  for (const policy of set.session ?? []) {
    slots.push({ policy, role: "session", level: 0 });
  }
  (set.scps ?? []).forEach((level, index) => {
    for (const policy of level) {
      slots.push({ policy, role: "scp", level: index });
    }
  });
  (set.rcps ?? []).forEach((level, index) => {
    for (const policy of level) {
      slots.push({ policy, role: "rcp", level: index });
    }
  });
  if (set.resource !== undefined && set.resourceKind !== "none") {
    slots.push({ policy: set.resource, role: "resource", level: 0 });
  }
  return slots;
}

/**
 * Evaluates one policy for a request: which statements apply, and the policy's Allow and Deny. The
 * caller passes the action lower-cased and the resource ARN split (undefined for "*").
 */
export function evaluateCore(
  core: PolicyCore,
  lowerCaseAction: string,
  resource: ArnParts | undefined,
  principal: EvalPrincipal,
  context: RequestContext,
  principalHasBoundary: boolean,
): PolicyEvaluation {
  const candidates = core.statementsFor(lowerCaseAction);
  if (candidates.length === 0) {
    return NOTHING;
  }
  let allow: Tri = FALSE;
  let deny: Tri = FALSE;
  let byAccount: Tri = FALSE;
  let byEntity: Tri = FALSE;
  let byDirect: Tri = FALSE;
  let hits: StatementHit[] | undefined;
  for (const statement of candidates) {
    let match: number = DIRECT;
    if (statement.principal !== undefined) {
      if (statement.notPrincipal) {
        const boundaryRule = statement.effect === "Deny" && principalHasBoundary;
        if (!boundaryRule && notPrincipalSpares(statement.principal, principal)) {
          continue;
        }
      } else {
        match = matchPrincipal(statement.principal, principal);
        if (match === NONE) {
          continue;
        }
      }
    }
    let applies: Tri = TRUE;
    let unknownResource = false;
    if (statement.resource !== undefined) {
      applies = matchResource(statement.resource, resource, context);
      if (applies === FALSE) {
        continue;
      }
      unknownResource = applies === UNKNOWN;
    }
    let unknownConditions: CompiledCondition[] | undefined;
    let failed = false;
    for (const condition of statement.conditions) {
      const value = condition.evaluate(context);
      if (value === FALSE) {
        failed = true;
        break;
      }
      if (value === UNKNOWN) {
        (unknownConditions ??= []).push(condition);
      }
    }
    if (failed) {
      continue;
    }
    if (unknownConditions !== undefined) {
      applies = UNKNOWN;
    }
    const hit: StatementHit =
      applies === TRUE
        ? { statement, applies, match }
        : { statement, applies, match, unknownConditions, unknownResource };
    (hits ??= []).push(hit);
    if (statement.effect === "Deny") {
      deny = or(deny, applies);
    } else {
      allow = or(allow, applies);
      if (match === DIRECT) {
        byDirect = or(byDirect, applies);
      } else if (match === ENTITY) {
        byEntity = or(byEntity, applies);
      } else if (match === ACCOUNT) {
        byAccount = or(byAccount, applies);
      }
    }
  }
  if (hits === undefined) {
    return NOTHING;
  }
  return { allow, deny, allowByMatch: [FALSE, byAccount, byEntity, byDirect], hits };
}

/** evaluateCore for a compiled policy and a whole request. */
export function evaluatePolicy(
  policy: CompiledPolicy,
  request: EvalRequest,
  options: { readonly principalHasBoundary?: boolean } = {},
): PolicyEvaluation {
  return evaluateCore(
    policy.core,
    request.action.toLowerCase(),
    request.resource.arn === "*" ? undefined : splitArn(request.resource.arn),
    request.principal,
    request.context,
    options.principalHasBoundary ?? false,
  );
}

/** A decision before it is given policy names: statements refer to slots of the policy set. */
export interface InternalResult {
  readonly outcome: Outcome;
  readonly deniedBy?: DeniedBy;
  readonly dependsOnIdentity: boolean;
  readonly hits: readonly { readonly slot: number; readonly hit: StatementHit }[];
  readonly conditional: boolean;
}

/** What decides whether the principal-side and resource-side guardrails apply. */
export interface Applicability {
  readonly sameAccount: boolean;
  readonly scpsApply: boolean;
  readonly rcpsApply: boolean;
}

export function applicability(
  principal: EvalPrincipal,
  resourceAccountId: string,
  set: Pick<PolicySet, "scps" | "rcps">,
  managementAccountId: string | undefined,
): Applicability {
  const member = managementAccountId === undefined || principal.accountId !== managementAccountId;
  const iamPrincipal =
    principal.kind === "user" ||
    principal.kind === "root" ||
    principal.kind === "assumed-role" ||
    principal.kind === "federated-user";
  return {
    sameAccount: principal.accountId !== undefined && principal.accountId === resourceAccountId,
    scpsApply:
      set.scps !== undefined && set.scps.length > 0 && iamPrincipal && member && !principal.serviceLinkedRole,
    rcpsApply:
      set.rcps !== undefined &&
      set.rcps.length > 0 &&
      !principal.serviceLinkedRole &&
      (managementAccountId === undefined || resourceAccountId !== managementAccountId),
  };
}

/** The Allow and Deny factors of a decision, in three-valued logic. */
interface Factors {
  identity: Tri;
  boundary: Tri;
  session: Tri;
  byDirect: Tri;
  byEntity: Tri;
  byAccount: Tri;
  scpGate: Tri;
  deny: Tri;
}

export const NO_IDENTITY_SIDE: ReadonlySet<string> = new Set(["anonymous", "service", "federated"]);

/**
 * Whether the policies that grant allow (before SCPs and denies), in three-valued logic: the rules of
 * steps 4 and 5 and of cross-account access in this file's header. One function for every caller, the
 * bulk path included, so that every path decides alike.
 */
export function grantOf(
  identity: Tri,
  boundary: Tri,
  session: Tri,
  byDirect: Tri,
  byEntity: Tri,
  byAccount: Tri,
  noIdentitySide: boolean,
  sameAccount: boolean,
  trustRequired: boolean,
): Tri {
  if (noIdentitySide) {
    return byDirect;
  }
  const limits = and(boundary, session);
  if (!sameAccount) {
    return and(or(byDirect, or(byEntity, byAccount)), and(identity, limits));
  }
  const entityPath = and(byEntity, limits);
  const identityPath = and(identity, limits);
  if (trustRequired) {
    return or(byDirect, or(entityPath, and(byAccount, identityPath)));
  }
  return or(byDirect, or(entityPath, identityPath));
}

/** Outcomes by code, as outcomeCode gives them. */
export const OUTCOMES: readonly Outcome[] = [
  "Allowed",
  "ImplicitlyDenied",
  "ExplicitlyDenied",
  "Conditional",
];

/** The outcome (an index into OUTCOMES) from the grant, the SCP gate and the explicit denies. */
export function outcomeCode(grant: Tri, scpGate: Tri, deny: Tri): number {
  if (deny === TRUE) {
    return 2;
  }
  const final = and(and(grant, scpGate), not(deny));
  if (final === TRUE) {
    return 0;
  }
  if (final === FALSE) {
    return scpGate === FALSE ? 2 : 1;
  }
  return 3;
}

function trustRequired(set: Pick<PolicySet, "resourceKind">): boolean {
  return set.resourceKind === "kms-key" || set.resourceKind === "role-trust";
}

function grantOfFactors(
  factors: Factors,
  principal: EvalPrincipal,
  set: PolicySet,
  sameAccount: boolean,
): Tri {
  return grantOf(
    factors.identity,
    factors.boundary,
    factors.session,
    factors.byDirect,
    factors.byEntity,
    factors.byAccount,
    NO_IDENTITY_SIDE.has(principal.kind),
    sameAccount,
    trustRequired(set),
  );
}

function finalOf(factors: Factors, principal: EvalPrincipal, set: PolicySet, sameAccount: boolean): Tri {
  return and(and(grantOfFactors(factors, principal, set, sameAccount), factors.scpGate), not(factors.deny));
}

/** Which policy type an implicit denial names (IAM User Guide, "Troubleshoot access denied error messages"). */
function implicitDeniedBy(
  factors: Factors,
  principal: EvalPrincipal,
  set: PolicySet,
  sameAccount: boolean,
): DeniedBy {
  if (NO_IDENTITY_SIDE.has(principal.kind)) {
    return "resource";
  }
  const { identity, boundary, session, byDirect, byEntity, byAccount } = factors;
  const needsTrust = !sameAccount || trustRequired(set);
  if (needsTrust && or(byDirect, or(byEntity, byAccount)) === FALSE) {
    return "resource";
  }
  const granted = sameAccount
    ? needsTrust
      ? or(byEntity, and(byAccount, identity))
      : or(byEntity, identity)
    : identity;
  if (granted === FALSE) {
    return "identity";
  }
  if (boundary === FALSE) {
    return "boundary";
  }
  if (session === FALSE) {
    return "session";
  }
  return "identity";
}

/** Explicit denials name one policy type; this takes them in the order of the evaluation flow. */
const DENY_ORDER: readonly SlotRole[] = ["rcp", "scp", "resource", "identity", "boundary", "session"];
const DENIED_BY: Record<SlotRole, DeniedBy> = {
  rcp: "rcp",
  scp: "scp",
  resource: "resource",
  identity: "identity",
  boundary: "boundary",
  session: "session",
};

/**
 * Decides a request from its policies' partial results (`parts[i]` for `slots[i]`; evaluateCore gives
 * them). Pure and cheap: the caller may cache the parts.
 */
export function combine(
  principal: EvalPrincipal,
  set: PolicySet,
  slots: readonly Slot[],
  parts: readonly PolicyEvaluation[],
  where: Applicability,
): InternalResult {
  const kind = principal.kind;
  const identityUnknown = set.identity === "unknown";
  let identity: Tri = FALSE;
  let boundary: Tri = set.boundary === undefined ? TRUE : FALSE;
  const hasSession = set.session !== undefined && set.session.length > 0;
  let session: Tri = hasSession ? FALSE : kind === "federated-user" ? FALSE : TRUE;
  let byDirect: Tri = FALSE;
  let byEntity: Tri = FALSE;
  let byAccount: Tri = FALSE;
  let deny: Tri = FALSE;
  const scpLevels: Tri[] = [];
  const denyBySlotRole = new Map<SlotRole, Tri>();
  for (let index = 0; index < slots.length; index++) {
    const slot = slots[index];
    const part = parts[index];
    const role = slot.role;
    if ((role === "scp" && !where.scpsApply) || (role === "rcp" && !where.rcpsApply)) {
      continue;
    }
    if (part.deny !== FALSE) {
      deny = or(deny, part.deny);
      denyBySlotRole.set(role, or(denyBySlotRole.get(role) ?? FALSE, part.deny));
    }
    switch (role) {
      case "identity":
        identity = or(identity, part.allow);
        break;
      case "boundary":
        boundary = or(boundary, part.allow);
        break;
      case "session":
        session = or(session, part.allow);
        break;
      case "scp":
        while (scpLevels.length <= slot.level) {
          scpLevels.push(FALSE);
        }
        scpLevels[slot.level] = or(scpLevels[slot.level], part.allow);
        break;
      case "resource":
        byAccount = part.allowByMatch[ACCOUNT];
        byEntity = part.allowByMatch[ENTITY];
        byDirect = part.allowByMatch[DIRECT];
        break;
      case "rcp":
        break;
    }
  }
  if (kind === "root") {
    // The root user has no identity-based policies and "full access" in its own account.
    identity = TRUE;
    boundary = TRUE;
    session = TRUE;
  } else if (identityUnknown && !NO_IDENTITY_SIDE.has(kind)) {
    identity = UNKNOWN;
  }
  let scpGate: Tri = TRUE;
  if (where.scpsApply) {
    // Every level must allow; a level without any SCP would let nothing through.
    const levels = set.scps?.length ?? 0;
    for (let level = 0; level < levels; level++) {
      scpGate = and(scpGate, scpLevels[level] ?? FALSE);
    }
  }
  const factors: Factors = { identity, boundary, session, byDirect, byEntity, byAccount, scpGate, deny };
  const code = outcomeCode(grantOfFactors(factors, principal, set, where.sameAccount), scpGate, deny);
  const outcome = OUTCOMES[code];
  let deniedBy: DeniedBy | undefined;
  if (deny === TRUE) {
    deniedBy = DENIED_BY[DENY_ORDER.find((role) => denyBySlotRole.get(role) === TRUE) as SlotRole];
  } else if (code === 2) {
    deniedBy = "scp";
  } else if (code === 1) {
    deniedBy = implicitDeniedBy(factors, principal, set, where.sameAccount);
  }

  const dependsOnIdentity =
    outcome === "Conditional" &&
    identity === UNKNOWN &&
    identityUnknown &&
    finalOf({ ...factors, identity: TRUE }, principal, set, where.sameAccount) !==
      finalOf({ ...factors, identity: FALSE }, principal, set, where.sameAccount);

  // The statements to report: those that apply; those that may apply when the outcome is Conditional.
  // Of SCPs and RCPs only Denies, and Allows whose conditions the outcome depends on.
  const hits: { slot: number; hit: StatementHit }[] = [];
  const conditional = outcome === "Conditional";
  slots.forEach((slot, index) => {
    const guardrail = slot.role === "scp" || slot.role === "rcp";
    if ((slot.role === "scp" && !where.scpsApply) || (slot.role === "rcp" && !where.rcpsApply)) {
      return;
    }
    for (const hit of parts[index].hits) {
      const counts = hit.applies === TRUE || (conditional && hit.applies === UNKNOWN);
      if (!counts) {
        continue;
      }
      if (guardrail && hit.statement.effect === "Allow" && hit.applies === TRUE) {
        continue;
      }
      hits.push({ slot: index, hit });
    }
  });
  return { outcome, deniedBy, dependsOnIdentity, hits, conditional: outcome === "Conditional" };
}

/** The policies of a set in slot order (slotsOf's order), without the slot records. */
export function policiesOf(set: PolicySet): CompiledPolicy[] {
  const policies: CompiledPolicy[] = set.identity === "unknown" ? [] : [...set.identity];
  if (set.boundary !== undefined) {
    policies.push(set.boundary);
  }
  if (set.session !== undefined) {
    policies.push(...set.session);
  }
  for (const level of set.scps ?? []) {
    policies.push(...level);
  }
  for (const level of set.rcps ?? []) {
    policies.push(...level);
  }
  if (set.resource !== undefined && set.resourceKind !== "none") {
    policies.push(set.resource);
  }
  return policies;
}

/** The public result, with the names of the policies (given in slot order). */
export function materialize(result: InternalResult, policies: readonly CompiledPolicy[]): EvalResult {
  const statements: DecidingStatement[] = [];
  let conditions: ResidualCondition[] | undefined;
  for (const { slot, hit } of result.hits) {
    const policy = policies[slot];
    const statement = hit.statement;
    const base: DecidingStatement =
      statement.sid === undefined
        ? { policy: policy.name, policyKind: policy.kind, index: statement.index, effect: statement.effect }
        : {
            policy: policy.name,
            policyKind: policy.kind,
            sid: statement.sid,
            index: statement.index,
            effect: statement.effect,
          };
    statements.push(hit.applies === UNKNOWN ? { ...base, unknown: true } : base);
    if (result.conditional && hit.applies === UNKNOWN) {
      conditions ??= [];
      if (hit.unknownResource && statement.resource !== undefined) {
        conditions.push({
          ...base,
          key: statement.resource.keys.join(","),
          operator: statement.resource.not ? "NotResource" : "Resource",
          values: statement.resource.patterns,
        });
      }
      for (const condition of hit.unknownConditions ?? []) {
        conditions.push({
          ...base,
          key: condition.keyAsWritten,
          operator: condition.operator,
          values: condition.values,
        });
      }
    }
  }
  // Denying statements first, as AWS names the deny.
  if (statements.length > 1) {
    statements.sort((a, b) => (a.effect === b.effect ? 0 : a.effect === "Deny" ? -1 : 1));
  }
  const out: { -readonly [K in keyof EvalResult]: EvalResult[K] } = { outcome: result.outcome, statements };
  if (result.deniedBy !== undefined) {
    out.deniedBy = result.deniedBy;
  }
  if (conditions !== undefined) {
    out.conditions = conditions;
  }
  if (result.dependsOnIdentity) {
    out.dependsOnIdentityPolicies = true;
  }
  return out;
}

/** Decides one request without any cache beyond the compiled policies' own. See Decider for bulk use. */
export function evaluate(request: EvalRequest, policies: PolicySet): EvalResult {
  const slots = slotsOf(policies);
  return materialize(
    evaluateSlots(request, policies, slots),
    slots.map((slot) => slot.policy),
  );
}

export function evaluateSlots(
  request: EvalRequest,
  policies: PolicySet,
  slots: readonly Slot[],
): InternalResult {
  const action = request.action.toLowerCase();
  const resource = request.resource.arn === "*" ? undefined : splitArn(request.resource.arn);
  const hasBoundary = policies.boundary !== undefined;
  const parts = slots.map((slot) =>
    evaluateCore(slot.policy.core, action, resource, request.principal, request.context, hasBoundary),
  );
  const where = applicability(
    request.principal,
    request.resource.accountId,
    policies,
    policies.managementAccountId,
  );
  return combine(request.principal, policies, slots, parts, where);
}
