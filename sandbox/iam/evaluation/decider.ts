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
import { splitArn } from "./arn";
import type { PolicyCore } from "./compilePolicy";
import {
  applicability,
  combine,
  evaluateCore,
  materialize,
  slotsOf,
  type InternalResult,
  type PolicyEvaluation,
  type Slot,
} from "./evaluate";
import { matchPrincipal, notPrincipalSpares } from "./principals";
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

const OUTCOMES: readonly Outcome[] = ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied", "Conditional"];
const OUTCOME_CODE: Record<Outcome, number> = {
  Allowed: 0,
  ImplicitlyDenied: 1,
  ExplicitlyDenied: 2,
  Conditional: 3,
};

/** What the decider knows of one policy set's structure (its policies by content). */
interface Structure {
  readonly id: string;
  readonly slots: readonly Slot[];
  readonly set: PolicySet;
  readonly resourceCore?: PolicyCore;
  readonly keysByAction: Map<string, readonly string[]>;
}

/** Per PolicySet object: its structure and its renamed results. */
interface SetInfo {
  readonly structure: Structure;
  readonly slots: readonly Slot[];
  readonly named: Map<InternalResult, EvalResult>;
}

export class Decider {
  private readonly maxDecisions: number;
  private readonly decisions = new Map<string, InternalResult>();
  private readonly structures = new Map<string, Structure>();
  private readonly setInfos = new WeakMap<PolicySet, SetInfo>();
  private readonly shares = new WeakMap<PolicyCore, number>();
  private readonly partials = new WeakMap<PolicyCore, Map<string, PolicyEvaluation>>();
  private readonly principalMatches = new WeakMap<PolicyCore, Map<string, string>>();
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
      const structure = this.structureOf(policies);
      info = { structure, slots: slotsOf(policies), named: new Map() };
      this.setInfos.set(policies, info);
    }
    const structure = info.structure;
    const action = request.action.toLowerCase();
    const principal = request.principal;
    const where = applicability(
      principal,
      request.resource.accountId,
      policies,
      policies.managementAccountId,
    );
    const key =
      structure.id +
      "\u0001" +
      this.principalSignature(principal, where, structure) +
      "\u0001" +
      action +
      "\u0001" +
      request.resource.arn +
      "\u0001" +
      contextSignature(this.keysFor(structure, action), request.context);
    let result = this.decisions.get(key);
    if (result === undefined) {
      result = this.evaluateStructure(
        structure,
        principal,
        action,
        request.resource.arn,
        request.context,
        where,
      );
      this.remember(key, result);
    }
    let named = info.named.get(result);
    if (named === undefined) {
      named = materialize(result, info.slots);
      if (info.named.size > 10_000) {
        info.named.clear();
      }
      info.named.set(result, named);
    }
    return named;
  }

  /**
   * Every principal by every resource by every action: the static proof's bulk question. Principals that
   * share policies, and whose context values the policies read are equal, are decided once per resource
   * and action.
   */
  decideMatrix(input: MatrixInput): DecisionMatrix {
    const actions = input.actions.map((action) => action.toLowerCase());
    const principalCount = input.principals.length;
    const resourceCount = input.resources.length;
    const actionCount = actions.length;
    const codes = new Uint8Array(principalCount * resourceCount * actionCount);
    const cells: (readonly InternalResult[])[] = new Array(principalCount * resourceCount);
    const structures = new Map<
      PrincipalPolicies,
      Map<MatrixResource, { structure: Structure; keys: readonly string[] }>
    >();
    const actionsKey = this.internActions(actions);
    for (let p = 0; p < principalCount; p++) {
      const { principal, policies, context } = input.principals[p];
      let byResource = structures.get(policies);
      if (byResource === undefined) {
        byResource = new Map();
        structures.set(policies, byResource);
      }
      for (let r = 0; r < resourceCount; r++) {
        const resource = input.resources[r];
        let entry = byResource.get(resource);
        if (entry === undefined) {
          const set: PolicySet = {
            ...policies,
            resource: resource.resource,
            resourceKind: resource.resourceKind,
            rcps: resource.rcps,
            managementAccountId: input.managementAccountId,
          };
          const structure = this.structureOf(set);
          const keys = new Set<string>();
          for (const action of actions) {
            this.keysFor(structure, action).forEach((key) => keys.add(key));
          }
          entry = { structure, keys: [...keys].sort() };
          byResource.set(resource, entry);
        }
        const structure = entry.structure;
        const where = applicability(principal, resource.accountId, structure.set, input.managementAccountId);
        const key =
          structure.id +
          "\u0001" +
          this.principalSignature(principal, where, structure) +
          "\u0001" +
          resource.arn +
          "\u0001" +
          actionsKey +
          contextSignature(entry.keys, context);
        this.questionCount += actionCount;
        let results = this.matrixCells.get(key);
        if (results === undefined) {
          results = actions.map((action) =>
            this.evaluateStructure(structure, principal, action, resource.arn, context, where),
          );
          if (this.matrixCells.size >= this.maxDecisions) {
            this.matrixCells.clear();
          }
          this.matrixCells.set(key, results);
        }
        const cell = p * resourceCount + r;
        cells[cell] = results;
        const base = cell * actionCount;
        for (let a = 0; a < actionCount; a++) {
          codes[base + a] = OUTCOME_CODE[results[a].outcome];
        }
      }
    }
    return new DecisionMatrix(input, codes, cells, actionCount, (p, r) => {
      const resource = input.resources[r];
      return slotsOf({
        ...input.principals[p].policies,
        resource: resource.resource,
        resourceKind: resource.resourceKind,
        rcps: resource.rcps,
        managementAccountId: input.managementAccountId,
      });
    });
  }

  private readonly matrixCells = new Map<string, readonly InternalResult[]>();
  private readonly actionLists = new Map<string, string>();

  private internActions(actions: readonly string[]): string {
    const text = actions.join(",");
    let id = this.actionLists.get(text);
    if (id === undefined) {
      id = `#${this.actionLists.size}`;
      this.actionLists.set(text, id);
    }
    return id;
  }

  private remember(key: string, result: InternalResult): void {
    if (this.decisions.size >= this.maxDecisions) {
      this.decisions.clear();
    }
    this.decisions.set(key, result);
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
      const keys = keysOf(core, action);
      const partialKey =
        action +
        "\u0001" +
        resourceArn +
        "\u0001" +
        (hasBoundary ? "b" : "") +
        (core.hasPrincipals ? this.matchSignature(core, principal) : "") +
        "\u0001" +
        contextSignature(keys, context);
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
    const slots = slotsOf(set);
    const id = [
      set.identity === "unknown" ? "u" : "k",
      set.resourceKind,
      set.boundary === undefined ? "" : "b",
      set.session === undefined || set.session.length === 0 ? "" : "s",
      set.scps?.length ?? 0,
      set.rcps?.length ?? 0,
      slots.map((slot) => `${slot.role[0]}${slot.level}.${slot.policy.core.id}`).join(","),
    ].join("|");
    let structure = this.structures.get(id);
    if (structure === undefined) {
      structure = {
        id,
        slots,
        set,
        resourceCore: slots.find((slot) => slot.role === "resource")?.policy.core,
        keysByAction: new Map(),
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

  private keysFor(structure: Structure, action: string): readonly string[] {
    let keys = structure.keysByAction.get(action);
    if (keys === undefined) {
      const all = new Set<string>();
      for (const slot of structure.slots) {
        keysOf(slot.policy.core, action).forEach((key) => all.add(key));
      }
      keys = [...all].sort();
      structure.keysByAction.set(action, keys);
    }
    return keys;
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
    return core === undefined || !core.hasPrincipals ? flags : flags + this.matchSignature(core, principal);
  }

  /** How each Principal/NotPrincipal element of a policy names the principal. */
  private matchSignature(core: PolicyCore, principal: EvalPrincipal): string {
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

/** The values of `keys` in the context, as one string. */
function contextSignature(keys: readonly string[], context: RequestContext): string {
  if (keys.length === 0) {
    return "";
  }
  let signature = "";
  for (const key of keys) {
    const value = context.get(key);
    if (value === ABSENT) {
      signature += "\u0002-";
    } else if (value === UNKNOWN) {
      signature += "\u0002?";
    } else if (typeof value === "string") {
      signature += "\u0002=" + value;
    } else {
      signature += "\u0002[" + value.join("\u0003");
    }
  }
  return signature;
}

/** The outcomes of decideMatrix, by principal, resource and action index; full results on demand. */
export class DecisionMatrix {
  constructor(
    private readonly input: MatrixInput,
    private readonly codes: Uint8Array,
    private readonly cells: readonly (readonly InternalResult[])[],
    private readonly actionCount: number,
    private readonly slotsFor: (principal: number, resource: number) => readonly Slot[],
  ) {}

  outcome(principal: number, resource: number, action: number): Outcome {
    return OUTCOMES[
      this.codes[(principal * this.input.resources.length + resource) * this.actionCount + action]
    ];
  }

  /** The full result of one cell, with the policies' names of that principal and resource. */
  result(principal: number, resource: number, action: number): EvalResult {
    const cell = this.cells[principal * this.input.resources.length + resource];
    return materialize(cell[action], this.slotsFor(principal, resource));
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
