/**
 * Decider: evaluation with caches, for the request path (the same questions over and over) and for the
 * static proof (thousands of principals by tens of resources by tens of actions).
 *
 * What a decision reads, and so what its cache key holds:
 * - the policies, by compiled content (two principals whose policies have the same texts share, whatever
 *   the policies are called; results are renamed for each);
 * - the principal's kind, whether it is in the resource's account, whether SCPs and RCPs apply to it,
 *   and, for a resource-based policy with Principal elements, which of them name it and how;
 * - the action and the resource ARN;
 * - the values of the context keys that the statements covering the action read (conditions and policy
 *   variables): a policy that reads aws:PrincipalTag/team splits principals by team, one that reads no
 *   key does not split them at all.
 * Policies are immutable once compiled and the context is part of the key, so nothing is ever stale; the
 * caches are bounded and emptied when full.
 *
 * Below the decision cache, a policy shared by several policy sets (a managed policy, a group policy)
 * keeps its partial results per action, resource and the values of the keys it reads.
 */
import { splitArn, type ArnParts } from "./arn";
import type { PolicyCore } from "./compilePolicy";
import {
  NO_IDENTITY_SIDE,
  OUTCOMES,
  applicability,
  combine,
  evaluate,
  evaluateCore,
  grantOf,
  materialize,
  outcomeCode,
  policiesOf,
  slotsOf,
  type InternalResult,
  type PolicyEvaluation,
  type Slot,
} from "./evaluate";
import { ACCOUNT, DIRECT, ENTITY, matchPrincipal, notPrincipalSpares } from "./principals";
import { FALSE, TRUE, UNKNOWN as TRI_UNKNOWN, and, or, type Tri } from "./tri";
import {
  ABSENT,
  UNKNOWN,
  type CompiledPolicy,
  type EvalPrincipal,
  type EvalRequest,
  type EvalResult,
  type Outcome,
  type PolicySet,
  type RequestContext,
  type ResourceKind,
} from "./types";

export interface DeciderOptions {
  /** Decisions kept before the cache is emptied. Default 1,000,000. */
  readonly maxDecisions?: number;
}

export interface DeciderStats {
  /** Questions asked (decide calls and matrix cells). */
  readonly questions: number;
  /** Distinct decisions evaluated. */
  readonly evaluated: number;
  /** Policy partial results reused from a shared policy's cache. */
  readonly partialHits: number;
}

/** The principal's side of a policy set, as decideMatrix takes it. */
export interface PrincipalPolicies {
  readonly identity: readonly CompiledPolicy[] | "unknown";
  readonly boundary?: CompiledPolicy;
  readonly session?: readonly CompiledPolicy[];
  readonly scps?: readonly (readonly CompiledPolicy[])[];
}

export interface MatrixPrincipal {
  readonly principal: EvalPrincipal;
  /** Share one object between principals with the same policies: its analysis is cached by identity. */
  readonly policies: PrincipalPolicies;
  /** The principal's context keys, falling back on the request-side keys (contextFrom's `otherwise`). */
  readonly context: RequestContext;
}

export interface MatrixResource {
  readonly arn: string;
  readonly accountId: string;
  readonly resourceKind: ResourceKind;
  readonly resource?: CompiledPolicy;
  readonly rcps?: readonly (readonly CompiledPolicy[])[];
}

export interface MatrixInput {
  readonly principals: readonly MatrixPrincipal[];
  readonly resources: readonly MatrixResource[];
  readonly actions: readonly string[];
  readonly managementAccountId?: string;
}

/** What the decider knows of one policy set's structure (its policies by content). */
interface Structure {
  readonly id: string;
  readonly slots: readonly Slot[];
  readonly set: PolicySet;
  readonly resourceCore?: PolicyCore;
  /** The distinct policies of the slots. */
  readonly cores: readonly PolicyCore[];
  /** Decisions: principal signature -> action -> resource ARN -> context signature -> result. */
  readonly decisions: Map<string, Map<string, Map<string, Map<string, InternalResult>>>>;
}

/** Per PolicySet object: its structure and its policies in slot order (for their names). */
interface SetInfo {
  readonly structure: Structure;
  readonly policies: readonly CompiledPolicy[];
}

export class Decider {
  private readonly maxDecisions: number;
  private readonly structures = new Map<string, Structure>();
  private readonly setInfos = new WeakMap<PolicySet, SetInfo>();
  private readonly shares = new WeakMap<PolicyCore, number>();
  private readonly partials = new WeakMap<PolicyCore, Map<string, PolicyEvaluation>>();
  private readonly principalMatches = new WeakMap<PolicyCore, Map<string, string>>();
  private readonly principalObjectMatches = new WeakMap<PolicyCore, WeakMap<EvalPrincipal, string>>();
  private questionCount = 0;
  private evaluatedCount = 0;
  private partialHitCount = 0;

  constructor(options: DeciderOptions = {}) {
    this.maxDecisions = options.maxDecisions ?? 1_000_000;
  }

  stats(): DeciderStats {
    return {
      questions: this.questionCount,
      evaluated: this.evaluatedCount,
      partialHits: this.partialHitCount,
    };
  }

  /** The decision for one request; the same as evaluate(request, policies), cached. */
  decide(request: EvalRequest, policies: PolicySet): EvalResult {
    this.questionCount++;
    let info = this.setInfos.get(policies);
    if (info === undefined) {
      info = { structure: this.structureOf(policies), policies: policiesOf(policies) };
      this.setInfos.set(policies, info);
    }
    const structure = info.structure;
    const principal = request.principal;
    const resourceArn = request.resource.arn;
    const where = applicability(
      principal,
      request.resource.accountId,
      policies,
      policies.managementAccountId,
    );
    const action = this.lowerCase(request.action);
    // Nested maps keyed by strings the caller already holds (their hashes are cached), rather than one
    // long key built per question.
    const byPrincipal = structure.decisions;
    const principalKey = this.principalSignature(principal, where, structure);
    let byAction = byPrincipal.get(principalKey);
    if (byAction === undefined) {
      byAction = new Map();
      byPrincipal.set(principalKey, byAction);
    }
    let byResource = byAction.get(action);
    if (byResource === undefined) {
      byResource = new Map();
      byAction.set(action, byResource);
    }
    let byContext = byResource.get(resourceArn);
    if (byContext === undefined) {
      byContext = new Map();
      byResource.set(resourceArn, byContext);
    }
    const contextKey = this.structureSignature(structure, action, request.context);
    let result = byContext.get(contextKey);
    if (result === undefined) {
      result = this.evaluateStructure(structure, principal, action, resourceArn, request.context, where);
      byContext.set(contextKey, result);
      if (++this.decisionCount > this.maxDecisions) {
        this.forgetDecisions();
      }
    }
    return this.named(result, info.policies);
  }

  private decisionCount = 0;
  private readonly lowerCased = new Map<string, string>();

  private lowerCase(action: string): string {
    let lower = this.lowerCased.get(action);
    if (lower === undefined) {
      lower = action.toLowerCase();
      if (this.lowerCased.size > 10_000) {
        this.lowerCased.clear();
      }
      this.lowerCased.set(action, lower);
    }
    return lower;
  }

  private forgetDecisions(): void {
    for (const structure of this.structures.values()) {
      structure.decisions.clear();
    }
    this.decisionCount = 0;
  }

  private readonly namedResults = new WeakMap<InternalResult, EvalResult | Map<string, EvalResult>>();

  /**
   * The result with the names of this set's policies. A result that names no statement, or that only
   * names policies also named so in an earlier set (a managed policy, a key policy), is built once.
   */
  private named(result: InternalResult, policies: readonly CompiledPolicy[]): EvalResult {
    const known = this.namedResults.get(result);
    if (result.hits.length === 0) {
      if (known !== undefined) {
        return known as EvalResult;
      }
      const built = materialize(result, policies);
      this.namedResults.set(result, built);
      return built;
    }
    let names = "";
    for (const { slot } of result.hits) {
      names += policies[slot].name + "\u0000";
    }
    let byNames = known as Map<string, EvalResult> | undefined;
    if (byNames === undefined) {
      byNames = new Map();
      this.namedResults.set(result, byNames);
    }
    let built = byNames.get(names);
    if (built === undefined) {
      built = materialize(result, policies);
      if (byNames.size > 1000) {
        byNames.clear();
      }
      byNames.set(names, built);
    }
    return built;
  }

  /**
   * Every principal by every resource by every action: the static proof's bulk question.
   *
   * Each policy is evaluated once per action, per resource and per value of the context keys its
   * statements for that action read, whoever holds it; a principal's side (identity-based policies,
   * boundary, session policies, SCPs) is combined once per group of principals with the same policies and
   * the same values of those keys; the resource's side (its policy, RCPs) once per way its Principal
   * elements name the principal. Each cell is then a handful of three-valued operations. Outcomes come
   * from the same grantOf and outcomeCode as evaluate's; full results are built on demand.
   */
  decideMatrix(input: MatrixInput): DecisionMatrix {
    const actions = input.actions.map((action) => action.toLowerCase());
    const actionCount = actions.length;
    const resourceCount = input.resources.length;
    const codes = new Uint8Array(input.principals.length * resourceCount * actionCount);
    const bulk = new BulkEvaluation(this, input, actions);
    for (let p = 0; p < input.principals.length; p++) {
      const entry = input.principals[p];
      const side = bulk.principalSide(entry);
      const principal = entry.principal;
      const noIdentitySide = NO_IDENTITY_SIDE.has(principal.kind);
      for (let r = 0; r < resourceCount; r++) {
        const resource = input.resources[r];
        const resourceSide = bulk.resourceSide(r, p, entry, side.hasBoundary);
        const sameAccount = principal.accountId !== undefined && principal.accountId === resource.accountId;
        const trust = resource.resourceKind === "kms-key" || resource.resourceKind === "role-trust";
        const base = (p * resourceCount + r) * actionCount;
        const sideBase = r * actionCount;
        for (let a = 0; a < actionCount; a++) {
          const at = sideBase + a;
          const grant = grantOf(
            side.identity[at] as Tri,
            side.boundary[at] as Tri,
            side.session[at] as Tri,
            resourceSide[a * 4] as Tri,
            resourceSide[a * 4 + 1] as Tri,
            resourceSide[a * 4 + 2] as Tri,
            noIdentitySide,
            sameAccount,
            trust,
          );
          codes[base + a] = outcomeCode(
            grant,
            side.scpGate[at] as Tri,
            or(side.deny[at] as Tri, resourceSide[a * 4 + 3] as Tri),
          );
        }
      }
      this.questionCount += resourceCount * actionCount;
    }
    this.evaluatedCount += bulk.evaluations;
    return new DecisionMatrix(input, codes, actionCount);
  }

  /** Partial results of one policy for decideMatrix's callers: counted in stats(). */
  countPartialHit(): void {
    this.partialHitCount++;
  }

  private evaluateStructure(
    structure: Structure,
    principal: EvalPrincipal,
    action: string,
    resourceArn: string,
    context: RequestContext,
    where: ReturnType<typeof applicability>,
  ): InternalResult {
    this.evaluatedCount++;
    const resource = resourceArn === "*" ? undefined : splitArn(resourceArn);
    const hasBoundary = structure.set.boundary !== undefined;
    const parts = structure.slots.map((slot) => {
      const core = slot.policy.core;
      if ((this.shares.get(core) ?? 0) < 2) {
        return evaluateCore(core, action, resource, principal, context, hasBoundary);
      }
      let cache = this.partials.get(core);
      if (cache === undefined) {
        cache = new Map();
        this.partials.set(core, cache);
      }
      const partialKey =
        action +
        "\u0001" +
        resourceArn +
        "\u0001" +
        (hasBoundary ? "b" : "") +
        (core.hasPrincipals ? this.matchSignatureOf(core, principal) : "") +
        "\u0001" +
        policySignature(core, action, context);
      let part = cache.get(partialKey);
      if (part === undefined) {
        part = evaluateCore(core, action, resource, principal, context, hasBoundary);
        if (cache.size > 50_000) {
          cache.clear();
        }
        cache.set(partialKey, part);
      } else {
        this.partialHitCount++;
      }
      return part;
    });
    return combine(principal, structure.set, structure.slots, parts, where);
  }

  /** The structure of a policy set: its slots by content, interned. */
  private structureOf(set: PolicySet): Structure {
    const id =
      (set.identity === "unknown" ? "u" : this.partId(set.identity)) +
      "|" +
      set.resourceKind +
      "|" +
      (set.boundary === undefined ? "" : set.boundary.core.id) +
      "|" +
      this.partId(set.session) +
      "|" +
      this.levelsId(set.scps) +
      "|" +
      this.levelsId(set.rcps) +
      "|" +
      (set.resource === undefined || set.resourceKind === "none" ? "" : set.resource.core.id);
    let structure = this.structures.get(id);
    if (structure === undefined) {
      const slots = slotsOf(set);
      structure = {
        id,
        slots,
        set,
        resourceCore: slots.find((slot) => slot.role === "resource")?.policy.core,
        cores: [...new Set(slots.map((slot) => slot.policy.core))],
        decisions: new Map(),
      };
      if (this.structures.size > 200_000) {
        this.structures.clear();
      }
      this.structures.set(id, structure);
      for (const core of new Set(slots.map((slot) => slot.policy.core))) {
        this.shares.set(core, (this.shares.get(core) ?? 0) + 1);
      }
    }
    return structure;
  }

  private readonly partIds = new WeakMap<object, string>();

  /** The core ids of a list of policies, cached by the list object. */
  private partId(policies: readonly CompiledPolicy[] | undefined): string {
    if (policies === undefined || policies.length === 0) {
      return "";
    }
    let id = this.partIds.get(policies);
    if (id === undefined) {
      id = policies.map((policy) => policy.core.id).join(",");
      this.partIds.set(policies, id);
    }
    return id;
  }

  private levelsId(levels: readonly (readonly CompiledPolicy[])[] | undefined): string {
    if (levels === undefined || levels.length === 0) {
      return "";
    }
    let id = this.partIds.get(levels);
    if (id === undefined) {
      id = levels.map((level) => this.partId(level) || "-").join("/");
      this.partIds.set(levels, id);
    }
    return id;
  }

  /** The context values a structure's policies read for an action (policySignature of each policy). */
  private structureSignature(structure: Structure, action: string, context: RequestContext): string {
    let signature = "";
    for (const core of structure.cores) {
      if (core.keys.length > 0) {
        signature += policySignature(core, action, context) + "\u0004";
      }
    }
    return signature;
  }

  private principalSignature(
    principal: EvalPrincipal,
    where: ReturnType<typeof applicability>,
    structure: Structure,
  ): string {
    const flags =
      principal.kind +
      (where.sameAccount ? "=" : "x") +
      (where.scpsApply ? "s" : "") +
      (where.rcpsApply ? "r" : "");
    const core = structure.resourceCore;
    return core === undefined || !core.hasPrincipals ? flags : flags + this.matchSignatureOf(core, principal);
  }

  /** How each Principal/NotPrincipal element of a policy names the principal. */
  matchSignatureOf(core: PolicyCore, principal: EvalPrincipal): string {
    let byObject = this.principalObjectMatches.get(core);
    if (byObject === undefined) {
      byObject = new WeakMap();
      this.principalObjectMatches.set(core, byObject);
    }
    const known = byObject.get(principal);
    if (known !== undefined) {
      return known;
    }
    const signature = this.matchSignatureByValue(core, principal);
    byObject.set(principal, signature);
    return signature;
  }

  private matchSignatureByValue(core: PolicyCore, principal: EvalPrincipal): string {
    let byPrincipal = this.principalMatches.get(core);
    if (byPrincipal === undefined) {
      byPrincipal = new Map();
      this.principalMatches.set(core, byPrincipal);
    }
    const identity = `${principal.kind}\u0000${principal.arn}\u0000${principal.roleArn ?? ""}\u0000${principal.userArn ?? ""}\u0000${principal.accountId ?? ""}\u0000${principal.canonicalUserId ?? ""}`;
    let signature = byPrincipal.get(identity);
    if (signature === undefined) {
      signature = "";
      for (const statement of core.statements) {
        if (statement.principal === undefined) {
          continue;
        }
        signature += statement.notPrincipal
          ? notPrincipalSpares(statement.principal, principal)
            ? "s"
            : "n"
          : String(matchPrincipal(statement.principal, principal));
      }
      if (byPrincipal.size > 100_000) {
        byPrincipal.clear();
      }
      byPrincipal.set(identity, signature);
    }
    return signature;
  }
}

const keysByCore = new WeakMap<PolicyCore, Map<string, readonly string[]>>();

/** The keys the statements of `core` covering `action` read. */
function keysOf(core: PolicyCore, action: string): readonly string[] {
  if (core.keys.length === 0) {
    return core.keys;
  }
  let byAction = keysByCore.get(core);
  if (byAction === undefined) {
    byAction = new Map();
    keysByCore.set(core, byAction);
  }
  let keys = byAction.get(action);
  if (keys === undefined) {
    const all = new Set<string>();
    for (const statement of core.statementsFor(action)) {
      statement.keys.forEach((key) => all.add(key));
    }
    keys = [...all].sort();
    byAction.set(action, keys);
  }
  return keys;
}

/** A condition key and the variables its values read; or (key undefined) a Resource element's variables. */
interface SignatureItem {
  readonly key?: string;
  readonly variables: readonly string[];
}

const itemsByCore = new WeakMap<PolicyCore, Map<string, readonly SignatureItem[]>>();

function itemsOf(core: PolicyCore, action: string): readonly SignatureItem[] {
  if (core.keys.length === 0) {
    return [];
  }
  let byAction = itemsByCore.get(core);
  if (byAction === undefined) {
    byAction = new Map();
    itemsByCore.set(core, byAction);
  }
  let items = byAction.get(action);
  if (items === undefined) {
    const found: SignatureItem[] = [];
    for (const statement of core.statementsFor(action)) {
      for (const condition of statement.conditions) {
        found.push({ key: condition.key, variables: condition.keys.filter((key) => key !== condition.key) });
      }
      if (statement.resource?.dynamic) {
        found.push({ variables: statement.resource.keys });
      }
    }
    items = found;
    byAction.set(action, items);
  }
  return items;
}

/**
 * What a policy's answer for `action` depends on in the context, as one string: the values of the keys
 * its statements for the action read. A condition whose own key is UNKNOWN or absent is decided without
 * its values, so their variables are left out: a static question about "dynamodb:LeadingKeys equals
 * ${aws:userid}", with the leading keys unknown, does not split principals by user id.
 */
export function policySignature(core: PolicyCore, action: string, context: RequestContext): string {
  const items = itemsOf(core, action);
  if (items.length === 0) {
    return "";
  }
  let signature = "";
  for (const item of items) {
    if (item.key !== undefined) {
      const value = context.get(item.key);
      signature += encodeValue(value);
      if (value === UNKNOWN || value === ABSENT) {
        continue;
      }
    }
    for (const key of item.variables) {
      signature += encodeValue(context.get(key));
    }
  }
  return signature;
}

function encodeValue(value: ReturnType<RequestContext["get"]>): string {
  if (value === ABSENT) {
    return "\u0002-";
  }
  if (value === UNKNOWN) {
    return "\u0002?";
  }
  if (typeof value === "string") {
    return "\u0002=" + value;
  }
  return "\u0002[" + value.join("\u0003");
}

/** The outcomes of decideMatrix, by principal, resource and action index; full results on demand. */
export class DecisionMatrix {
  constructor(
    private readonly input: MatrixInput,
    private readonly codes: Uint8Array,
    private readonly actionCount: number,
  ) {}

  outcome(principal: number, resource: number, action: number): Outcome {
    return OUTCOMES[
      this.codes[(principal * this.input.resources.length + resource) * this.actionCount + action]
    ];
  }

  /** The full result of one cell (statements, conditions), evaluated now, with that principal's policy names. */
  result(principal: number, resource: number, action: number): EvalResult {
    const entry = this.input.principals[principal];
    const target = this.input.resources[resource];
    return evaluate(
      {
        principal: entry.principal,
        action: this.input.actions[action],
        resource: { arn: target.arn, accountId: target.accountId },
        context: entry.context,
      },
      {
        ...entry.policies,
        resource: target.resource,
        resourceKind: target.resourceKind,
        rcps: target.rcps,
        managementAccountId: this.input.managementAccountId,
      },
    );
  }

  /** How many cells have each outcome. */
  counts(): Record<Outcome, number> {
    const counts: Record<Outcome, number> = {
      Allowed: 0,
      ImplicitlyDenied: 0,
      ExplicitlyDenied: 0,
      Conditional: 0,
    };
    for (const code of this.codes) {
      counts[OUTCOMES[code]]++;
    }
    return counts;
  }
}

/** A principal's side of the matrix: three-valued factors per resource and action (index r * A + a). */
interface PrincipalSide {
  readonly identity: Uint8Array;
  readonly boundary: Uint8Array;
  readonly session: Uint8Array;
  readonly scpGate: Uint8Array;
  readonly deny: Uint8Array;
  readonly hasBoundary: boolean;
}

/** One policy's Allow and Deny on every resource and action (index r * A + a), for one context. */
interface Rows {
  readonly allow: Uint8Array;
  readonly deny: Uint8Array;
}

/** What the resource's side reads, per resource. */
interface ResourceSlots {
  readonly core?: PolicyCore;
  readonly rcps: readonly PolicyCore[];
  /** Whether RCPs can apply (they have policies and the resource is not the management account's). */
  readonly rcpsPossible: boolean;
  /** Per action: the keys its statements read (resource policy and RCPs together). */
  readonly keysByAction: readonly (readonly string[])[];
  /** Actions whose statements read context keys. */
  readonly dynamicActions: readonly number[];
  /** The resource policy and the RCPs. */
  readonly cores: readonly PolicyCore[];
}

/** One decideMatrix call's working state. */
class BulkEvaluation {
  evaluations = 0;
  private readonly size: number;
  private readonly resourceParts: (ArnParts | undefined)[];
  /** Per policy core and action index: context signature -> its evaluation on every resource. */
  private readonly partials = new Map<PolicyCore, Map<string, PolicyEvaluation[]>[]>();
  /** Per policy core: context signature over every action's keys -> its rows. */
  private readonly rows = new Map<PolicyCore, Map<string, Rows>>();
  private readonly sides = new Map<string, PrincipalSide>();
  private readonly sideIds = new Map<
    PrincipalPolicies,
    { id: string; slots: Slot[]; reading: PolicyCore[] }
  >();
  private readonly scpAggregates = new Map<string, { gate: Uint8Array; deny: Uint8Array }>();
  /** Per resource: principal-match class -> per action: direct, entity, account, deny (static actions). */
  private readonly staticResourceSides: Uint8Array[][];
  private readonly classes = new Map<PolicyCore, { byPrincipal: Int32Array; ids: Map<string, number> }>();
  private readonly dynamicResourceSides: Map<string, Uint8Array>[];
  private readonly resourceSlots: ResourceSlots[];

  constructor(
    private readonly decider: Decider,
    private readonly input: MatrixInput,
    private readonly actions: readonly string[],
  ) {
    this.size = input.resources.length * actions.length;
    this.resourceParts = input.resources.map((resource) =>
      resource.arn === "*" ? undefined : splitArn(resource.arn),
    );
    this.staticResourceSides = input.resources.map(() => []);
    this.dynamicResourceSides = input.resources.map(() => new Map());
    const management = input.managementAccountId;
    this.resourceSlots = input.resources.map((resource): ResourceSlots => {
      const core = resource.resourceKind === "none" ? undefined : resource.resource?.core;
      const rcps = (resource.rcps ?? []).flat().map((policy) => policy.core);
      const rcpsPossible =
        (resource.rcps?.length ?? 0) > 0 && (management === undefined || resource.accountId !== management);
      const cores = [...(core === undefined ? [] : [core]), ...rcps];
      const keysByAction = actions.map((action) => {
        const keys = new Set<string>();
        for (const each of cores) {
          keysOf(each, action).forEach((key) => keys.add(key));
        }
        return [...keys].sort();
      });
      const dynamicActions = keysByAction.flatMap((keys, index) => (keys.length > 0 ? [index] : []));
      return { core, rcps, rcpsPossible, keysByAction, dynamicActions, cores };
    });
  }

  /** A policy's evaluation for one action on every resource, for this context. */
  private partial(core: PolicyCore, a: number, entry: MatrixPrincipal): PolicyEvaluation[] {
    let byAction = this.partials.get(core);
    if (byAction === undefined) {
      byAction = this.actions.map(() => new Map());
      this.partials.set(core, byAction);
    }
    const action = this.actions[a];
    const signature = policySignature(core, action, entry.context);
    let row = byAction[a].get(signature);
    if (row === undefined) {
      row = this.resourceParts.map((parts) =>
        evaluateCore(core, action, parts, entry.principal, entry.context, false),
      );
      this.evaluations += row.length;
      byAction[a].set(signature, row);
    } else {
      this.decider.countPartialHit();
    }
    return row;
  }

  /** What a policy's rows depend on in this context: policySignature for every action. */
  private rowsSignature(core: PolicyCore, context: RequestContext): string {
    if (core.keys.length === 0) {
      return "";
    }
    let signature = "";
    for (const action of this.actions) {
      signature += policySignature(core, action, context) + "\u0004";
    }
    return signature;
  }

  /** A principal-side policy's rows for this context (policies without Principal elements only). */
  private rowsOf(
    core: PolicyCore,
    entry: MatrixPrincipal,
    signature = this.rowsSignature(core, entry.context),
  ): Rows {
    let byContext = this.rows.get(core);
    if (byContext === undefined) {
      byContext = new Map();
      this.rows.set(core, byContext);
    }
    let rows = byContext.get(signature);
    if (rows === undefined) {
      const allow = new Uint8Array(this.size);
      const deny = new Uint8Array(this.size);
      const actionCount = this.actions.length;
      for (let a = 0; a < actionCount; a++) {
        const row = this.partial(core, a, entry);
        for (let r = 0; r < row.length; r++) {
          allow[r * actionCount + a] = row[r].allow;
          deny[r * actionCount + a] = row[r].deny;
        }
      }
      rows = { allow, deny };
      byContext.set(signature, rows);
    } else {
      this.decider.countPartialHit();
    }
    return rows;
  }

  /** The SCP levels' gate (every level allows) and their Denies, shared by every principal under them. */
  private scpAggregate(
    scps: readonly (readonly CompiledPolicy[])[],
    entry: MatrixPrincipal,
  ): { gate: Uint8Array; deny: Uint8Array } {
    let key = "";
    for (const level of scps) {
      for (const policy of level) {
        key += `${policy.core.id}:${this.rowsSignature(policy.core, entry.context)}\u0001`;
      }
      key += "/";
    }
    let aggregate = this.scpAggregates.get(key);
    if (aggregate === undefined) {
      const gate = new Uint8Array(this.size).fill(TRUE);
      const deny = new Uint8Array(this.size);
      for (const level of scps) {
        const levelAllow = new Uint8Array(this.size);
        for (const policy of level) {
          const rows = this.rowsOf(policy.core, entry);
          orInto(levelAllow, rows.allow);
          orInto(deny, rows.deny);
        }
        for (let at = 0; at < this.size; at++) {
          gate[at] = and(gate[at] as Tri, levelAllow[at] as Tri);
        }
      }
      aggregate = { gate, deny };
      this.scpAggregates.set(key, aggregate);
    }
    return aggregate;
  }

  principalSide(entry: MatrixPrincipal): PrincipalSide {
    const { principal, policies, context } = entry;
    let identity = this.sideIds.get(policies);
    if (identity === undefined) {
      const slots = slotsOf({ ...policies, resourceKind: "none" });
      identity = {
        id: [
          policies.identity === "unknown" ? "u" : "k",
          policies.boundary === undefined ? "" : "b",
          policies.session === undefined || policies.session.length === 0 ? "" : "s",
          policies.scps?.length ?? 0,
          slots.map((slot) => `${slot.role[0]}${slot.level}.${slot.policy.core.id}`).join(","),
        ].join("|"),
        slots,
        reading: [...new Set(slots.map((slot) => slot.policy.core))].filter((core) => core.keys.length > 0),
      };
      this.sideIds.set(policies, identity);
    }
    const kind = principal.kind;
    const management = this.input.managementAccountId;
    const scpsApply =
      (policies.scps?.length ?? 0) > 0 &&
      (kind === "user" || kind === "root" || kind === "assumed-role" || kind === "federated-user") &&
      (management === undefined || principal.accountId !== management) &&
      !principal.serviceLinkedRole;
    let key = `${identity.id}|${kind}|${scpsApply ? "s" : ""}`;
    for (const core of identity.reading) {
      key += this.rowsSignature(core, context) + "\u0005";
    }
    let side = this.sides.get(key);
    if (side !== undefined) {
      return side;
    }
    const size = this.size;
    const hasSession = policies.session !== undefined && policies.session.length > 0;
    const hasBoundary = policies.boundary !== undefined;
    let identityAllow: Uint8Array = new Uint8Array(size);
    let boundary = hasBoundary ? new Uint8Array(size) : this.constant(TRUE);
    let session = hasSession ? new Uint8Array(size) : this.constant(kind === "federated-user" ? FALSE : TRUE);
    const deny = new Uint8Array(size);
    for (const slot of identity.slots) {
      if (slot.role === "scp") {
        continue;
      }
      const rows = this.rowsOf(slot.policy.core, entry);
      orInto(
        slot.role === "identity" ? identityAllow : slot.role === "boundary" ? boundary : session,
        rows.allow,
      );
      orInto(deny, rows.deny);
    }
    let scpGate: Uint8Array = this.constant(TRUE);
    if (scpsApply) {
      const aggregate = this.scpAggregate(policies.scps as readonly (readonly CompiledPolicy[])[], entry);
      scpGate = aggregate.gate;
      orInto(deny, aggregate.deny);
    }
    if (kind === "root") {
      identityAllow = boundary = session = this.constant(TRUE);
    } else if (policies.identity === "unknown" && !NO_IDENTITY_SIDE.has(kind)) {
      identityAllow = this.constant(TRI_UNKNOWN);
    }
    side = {
      identity: identityAllow,
      boundary,
      session,
      scpGate,
      deny,
      hasBoundary: policies.boundary !== undefined,
    };
    this.sides.set(key, side);
    return side;
  }

  /** The resource's side for this principal: per action, allow by direct, entity, account naming; deny. */
  resourceSide(r: number, p: number, entry: MatrixPrincipal, hasBoundary: boolean): Uint8Array {
    const slots = this.resourceSlots[r];
    const { core } = slots;
    const principal = entry.principal;
    const rcpsApply = slots.rcpsPossible && !principal.serviceLinkedRole;
    if (core === undefined && !rcpsApply) {
      return this.zeroSide();
    }
    const matchClass =
      core === undefined || !core.hasPrincipals ? 0 : this.principalClass(core, p, principal);
    const matchKey = matchClass * 4 + (hasBoundary ? 2 : 0) + (rcpsApply ? 1 : 0);
    let side = this.staticResourceSides[r][matchKey];
    if (side === undefined) {
      side = new Uint8Array(this.actions.length * 4);
      for (let a = 0; a < this.actions.length; a++) {
        if (slots.keysByAction[a].length === 0) {
          this.resourceAction(side, r, a, entry, hasBoundary, rcpsApply);
        }
      }
      this.staticResourceSides[r][matchKey] = side;
    }
    if (slots.dynamicActions.length === 0) {
      return side;
    }
    let dynamicKey = String(matchKey);
    for (const a of slots.dynamicActions) {
      for (const each of slots.cores) {
        dynamicKey += policySignature(each, this.actions[a], entry.context) + "\u0004";
      }
    }
    let dynamic = this.dynamicResourceSides[r].get(dynamicKey);
    if (dynamic === undefined) {
      dynamic = Uint8Array.from(side);
      for (const a of slots.dynamicActions) {
        this.resourceAction(dynamic, r, a, entry, hasBoundary, rcpsApply);
      }
      this.dynamicResourceSides[r].set(dynamicKey, dynamic);
    }
    return dynamic;
  }

  /**
   * Which way a policy's Principal and NotPrincipal elements name principal `p`, as a small integer per
   * policy: principals the elements tell apart get different numbers, the others share one.
   */
  private principalClass(core: PolicyCore, p: number, principal: EvalPrincipal): number {
    let classes = this.classes.get(core);
    if (classes === undefined) {
      classes = { byPrincipal: new Int32Array(this.input.principals.length).fill(-1), ids: new Map() };
      this.classes.set(core, classes);
    }
    let id = classes.byPrincipal[p];
    if (id < 0) {
      let signature = "";
      for (const statement of core.statements) {
        if (statement.principal !== undefined) {
          signature += statement.notPrincipal
            ? notPrincipalSpares(statement.principal, principal)
              ? "s"
              : "n"
            : matchPrincipal(statement.principal, principal);
        }
      }
      id = classes.ids.get(signature) ?? classes.ids.size;
      classes.ids.set(signature, id);
      classes.byPrincipal[p] = id;
    }
    return id;
  }

  private resourceAction(
    side: Uint8Array,
    r: number,
    a: number,
    entry: MatrixPrincipal,
    hasBoundary: boolean,
    rcpsApply: boolean,
  ): void {
    const { core, rcps } = this.resourceSlots[r];
    const { principal, context } = entry;
    const parts = this.resourceParts[r];
    const action = this.actions[a];
    let deny: Tri = FALSE;
    if (core !== undefined) {
      const part = evaluateCore(core, action, parts, principal, context, hasBoundary);
      this.evaluations++;
      side[a * 4] = part.allowByMatch[DIRECT];
      side[a * 4 + 1] = part.allowByMatch[ENTITY];
      side[a * 4 + 2] = part.allowByMatch[ACCOUNT];
      deny = part.deny;
    }
    if (rcpsApply) {
      for (const rcp of rcps) {
        deny = or(deny, evaluateCore(rcp, action, parts, principal, context, hasBoundary).deny);
        this.evaluations++;
      }
    }
    side[a * 4 + 3] = deny;
  }

  private zero?: Uint8Array;
  private readonly constants: Uint8Array[] = [];

  /** A shared, never written array of one value, for factors that do not vary. */
  private constant(value: Tri): Uint8Array {
    return (this.constants[value] ??= new Uint8Array(this.size).fill(value));
  }

  private zeroSide(): Uint8Array {
    return (this.zero ??= new Uint8Array(this.actions.length * 4));
  }
}

/** target[i] = target[i] OR source[i], three-valued. */
function orInto(target: Uint8Array, source: Uint8Array): void {
  for (let at = 0; at < target.length; at++) {
    const value = source[at];
    if (value !== FALSE) {
      target[at] = or(target[at] as Tri, value as Tri);
    }
  }
}
