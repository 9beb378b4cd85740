/**
 * What `pulumi up` does with a plan against what is already deployed, reduced to what the sandbox needs:
 * a resource whose URN is already deployed is updated in place and keeps the values the provider computed
 * when it was created (ids, ARNs, access keys), unless an input that forces replacement changed; values that
 * came from a kept resource are carried over to every input and stack output that used them.
 *
 * The offline plan computes a fresh set of mocked ids (and secrets) each time, so without this a grant,
 * which only changes the key policy, would look like a new key, a new table and new access keys.
 */
import { REPLACE_ON_CHANGE } from "../plan/diff";
import type { Plan, PlanResourceState } from "../plan/types";
import { isUnknown, reveal, UNKNOWN_VALUE } from "../plan/values";

/** A resource as deployed: a plan state's identity and values (secrets revealed), as the sandbox persists it. */
export type DeployedResource = Pick<
  PlanResourceState,
  "type" | "urn" | "custom" | "id" | "parent" | "inputs" | "outputs"
>;

export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
}

export interface Deployment {
  /** Who ran the deployment: the plan's getCallerIdentity invoke. */
  deployer: CallerIdentity;
  /** In the plan's (registration) order. */
  resources: DeployedResource[];
  /** The stack outputs (contracts.md section 2), secrets revealed. */
  outputs: Record<string, unknown>;
}

const MIN_CARRIED_LENGTH = 8;

/** Merges `plan` into what `previous` deployed. Throws, naming the resource, on values unknown until deploy. */
export function reconcile(previous: Deployment | undefined, plan: Plan): Deployment {
  const before = new Map((previous?.resources ?? []).map((resource) => [resource.urn, resource]));
  const carried = new Map<string, string>();
  const resources: DeployedResource[] = [];
  for (const step of plan.steps) {
    const state = step.newState;
    const inputs = substitute(reveal(state.inputs), carried) as Record<string, unknown>;
    const fresh = substitute(reveal(state.outputs), carried) as Record<string, unknown>;
    const unknownPath = findUnknown(fresh, "outputs") ?? findUnknown(inputs, "inputs");
    if (unknownPath !== undefined) {
      throw new Error(
        `${state.urn}: ${unknownPath} is not known until deployment (${UNKNOWN_VALUE}); ` +
          "apply a plan synthesized without preview",
      );
    }
    const old = before.get(state.urn);
    // Only a provider computes values; a component's outputs are its children's, so they follow them.
    const kept =
      state.custom && old !== undefined && old.type === state.type && !forcesReplacement(old, inputs);
    const outputs: Record<string, unknown> = { ...fresh };
    let id = state.id;
    if (kept) {
      for (const [name, value] of Object.entries(old.outputs)) {
        // Computed by the provider (not an input): keep what the first deployment produced.
        if (!(name in inputs) && name in fresh) {
          recordCarried(fresh[name], value, carried);
          outputs[name] = value;
        }
      }
      if (old.id !== undefined && id !== undefined) {
        recordCarried(id, old.id, carried);
        id = old.id;
      }
    }
    resources.push({
      type: state.type,
      urn: state.urn,
      custom: state.custom,
      id,
      parent: state.parent,
      inputs,
      outputs: kept ? (substitute(outputs, carried) as Record<string, unknown>) : outputs,
    });
  }
  return {
    deployer: deployerOf(plan),
    resources,
    outputs: substitute(reveal(plan.outputs), carried) as Record<string, unknown>,
  };
}

/** The caller identity the program saw (the getCallerIdentity invoke): who ran the deployment. */
export function deployerOf(plan: { invokes?: unknown }): CallerIdentity {
  const invokes = Array.isArray(plan.invokes)
    ? (plan.invokes as { token?: unknown; result?: unknown }[])
    : [];
  const invoke = invokes.find(
    (candidate) => candidate.token === "aws:index/getCallerIdentity:getCallerIdentity",
  );
  const result = (invoke?.result ?? {}) as Record<string, unknown>;
  const { accountId, arn, userId } = result;
  if (typeof accountId !== "string" || typeof arn !== "string" || typeof userId !== "string") {
    throw new Error(
      "plan.invokes: no aws:index/getCallerIdentity:getCallerIdentity result with accountId, arn and userId; " +
        "the sandbox needs the identity that deploys the stack",
    );
  }
  return { accountId, arn, userId };
}

function forcesReplacement(old: DeployedResource, inputs: Record<string, unknown>): boolean {
  return (REPLACE_ON_CHANGE[old.type] ?? []).some(
    (name) => JSON.stringify(old.inputs[name]) !== JSON.stringify(inputs[name]),
  );
}

/** Pairs the string leaves of a freshly mocked value with the deployed one at the same place. */
function recordCarried(fresh: unknown, deployed: unknown, carried: Map<string, string>): void {
  if (typeof fresh === "string" && typeof deployed === "string") {
    // Short strings (flags, states) could stand inside unrelated text; ids, ARNs and secrets are long.
    if (fresh !== deployed && fresh.length >= MIN_CARRIED_LENGTH) {
      carried.set(fresh, deployed);
    }
  } else if (Array.isArray(fresh) && Array.isArray(deployed)) {
    fresh.forEach((item, index) => recordCarried(item, deployed[index], carried));
  } else if (isRecord(fresh) && isRecord(deployed)) {
    for (const [key, value] of Object.entries(fresh)) {
      recordCarried(value, deployed[key], carried);
    }
  }
}

/**
 * Replaces carried values, whole or inside a larger string: an input built from an output, like a policy
 * document naming a table ARN, holds that output as a substring.
 */
function substitute(value: unknown, carried: Map<string, string>): unknown {
  if (carried.size === 0) {
    return value;
  }
  if (typeof value === "string") {
    let result = value;
    for (const [fresh, deployed] of carried) {
      if (result.includes(fresh)) {
        result = result.split(fresh).join(deployed);
      }
    }
    return result;
  }
  if (Array.isArray(value)) {
    return value.map((item) => substitute(item, carried));
  }
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, carried)]));
  }
  return value;
}

function findUnknown(value: unknown, path: string): string | undefined {
  if (isUnknown(value)) {
    return path;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnknown(item, `${path}[${index}]`);
      if (found !== undefined) {
        return found;
      }
    }
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnknown(item, `${path}.${key}`);
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
