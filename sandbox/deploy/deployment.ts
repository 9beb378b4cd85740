/**
 * What `pulumi up` does to the cloud, step by step, reduced to what the sandbox needs. The plan
 * engine decided the steps from the sandbox's checkpoint (plan/steps.ts); this module carries them out
 * against the emulated cloud's own record of what exists, and returns the checkpoint the engine would
 * record next:
 *
 * - `create` adds a resource, `update` and `same` rewrite it where it is (same physical id),
 *   `replace` removes the old physical resource and adds the new one, `delete` removes it;
 * - a protected resource is neither replaced nor deleted (the engine's messages, plan/steps.ts);
 * - `retainOnDelete`: the resource leaves the checkpoint and stays in the cloud, as the engine then
 *   "deletes" it from the state only (https://www.pulumi.com/docs/iac/concepts/options/retainondelete/).
 *
 * The checkpoint (what the last `pulumi up` recorded) and the cloud (what exists) are kept apart, as in
 * real life: a resource retained on delete, or a change made outside the program, is in one and not
 * the other.
 */
import { checkpointAfter, type Checkpoint } from "../../plan/checkpoint";
import { deleteProtectedMessage, ProtectedResourceError, replaceProtectedMessage } from "../../plan/steps";
import type { Plan, PlanResourceState, PlanStep } from "../../plan/types";
import { isUnknown, reveal, UNKNOWN_VALUE } from "../../plan/values";

/** A resource as it exists in the emulated cloud: a plan state's identity and values, secrets revealed. */
export type DeployedResource = Pick<
  PlanResourceState,
  "type" | "urn" | "custom" | "id" | "parent" | "inputs" | "outputs"
>;

export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
}

/** The emulated cloud's own state: what exists, whoever made it. */
export interface Deployment {
  /** Who ran the last deployment: the plan's getCallerIdentity invoke, else the default (deployerOf). */
  deployer: CallerIdentity;
  /** Where `deployer` came from; absent in a state file written before it was recorded ("plan"). */
  deployerSource?: "plan" | "given" | "default";
  /**
   * The organization's management account, when the program asked (the plan's
   * aws:organizations/getOrganization invoke, masterAccountId): whether SCPs and RCPs affect the account.
   */
  managementAccountId?: string;
  /** Provider resources, in the order they were created. */
  resources: DeployedResource[];
  /** The stack outputs (contracts.md section 2) of the last apply, secrets revealed. */
  outputs: Record<string, unknown>;
}

/** A plan that was not made from the sandbox's checkpoint: its steps would not describe this stack. */
export class PlanBaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanBaseError";
  }
}

export interface AppliedPlan {
  deployment: Deployment;
  checkpoint: Checkpoint;
  /**
   * The cloud as the plan's steps saw it before: each stepped resource with its old state's values. A
   * step's change is from its old state to its new one; after `--refresh` the old state is what the
   * refresh read from the cloud (a key disabled by hand), without it the checkpoint, which is what the
   * last apply made. Applying the change against this base is what makes `pulumi up --refresh` undo
   * drift while a plain `pulumi up` leaves it (https://www.pulumi.com/docs/iac/operations/stack-management/drift/).
   */
  base: Deployment | undefined;
}

/**
 * Applies `plan` (synthesized with `previousState: checkpoint`) to the cloud. Throws, changing nothing,
 * on a plan made from another state, a step on a protected resource, or a preview's resources (values
 * unknown until deploy). A full plan may still hold values nothing offline computes (an output of a type
 * the plan engine does not model, an invoke it could not answer): the cloud model sets aside what needs
 * one and lists it (model.ts `unknowns`), as it lists what the sandbox does not serve.
 */
export function applySteps(cloud: Deployment | undefined, checkpoint: Checkpoint, plan: Plan): AppliedPlan {
  checkBase(checkpoint, plan);
  const resources = [...(cloud?.resources ?? [])];
  const indexOf = (state: PlanResourceState) =>
    resources.findIndex((resource) => resource.type === state.type && resource.id === state.id);
  const base = cloud === undefined ? undefined : { ...cloud, resources: baseResources(cloud, plan) };
  refusePreview(plan);
  for (const step of plan.steps) {
    const { oldState, newState } = step;
    refuseProtected(step);
    if (oldState?.custom === true && (step.op === "replace" || step.op === "delete")) {
      const at = indexOf(oldState);
      if (at >= 0 && !(step.op === "delete" && oldState.retainOnDelete === true)) {
        resources.splice(at, 1);
      }
    }
    if (newState?.custom === true) {
      const deployed = toDeployed(newState);
      const at = step.op === "same" || step.op === "update" ? indexOf(oldState ?? newState) : -1;
      if (at >= 0) {
        resources[at] = deployed;
      } else {
        resources.push(deployed);
      }
    }
  }
  const deployer =
    hasCallerIdentity(plan) || cloud === undefined
      ? deployerOf(plan)
      : { identity: cloud.deployer, source: cloud.deployerSource ?? ("plan" as const) };
  return {
    deployment: {
      deployer: deployer.identity,
      ...(deployer.source === "plan" ? {} : { deployerSource: deployer.source }),
      ...managementAccountOf(plan),
      resources,
      outputs: reveal(plan.outputs) as Record<string, unknown>,
    },
    checkpoint: checkpointAfter(plan),
    base,
  };
}

/** The cloud's resources, each one a step names with the values of that step's old state. */
function baseResources(cloud: Deployment, plan: Plan): DeployedResource[] {
  return cloud.resources.map((resource) => {
    const step = plan.steps.find(
      (candidate) =>
        candidate.oldState?.custom === true &&
        candidate.oldState.type === resource.type &&
        candidate.oldState.id === resource.id,
    );
    return step?.oldState === undefined ? resource : toDeployed(step.oldState);
  });
}

/** The plan's old states must be the checkpoint's resources, each exactly once. */
function checkBase(checkpoint: Checkpoint, plan: Plan): void {
  const recorded = new Map(checkpoint.resources.map((resource) => [resource.urn, resource]));
  const seen = new Set<string>();
  const advice = "synthesize it with { previousState: sandbox.state() }";
  for (const step of plan.steps) {
    const old = recorded.get(step.urn);
    if (step.oldState === undefined && old !== undefined) {
      throw new PlanBaseError(
        `the plan creates ${step.urn}, which this sandbox's checkpoint already holds: it was not made from the sandbox's state; ${advice}`,
      );
    }
    if (step.oldState !== undefined) {
      if (old === undefined || old.id !== step.oldState.id) {
        throw new PlanBaseError(
          `the plan's old state of ${step.urn} is not what this sandbox's checkpoint holds; ${advice}`,
        );
      }
      seen.add(step.urn);
    }
  }
  const missing = checkpoint.resources.find((resource) => !seen.has(resource.urn));
  if (missing !== undefined) {
    throw new PlanBaseError(
      `the plan has no step for ${missing.urn}, which this sandbox's checkpoint holds; ${advice}`,
    );
  }
}

function refuseProtected(step: PlanStep): void {
  if (step.op === "delete" && step.oldState?.protect === true) {
    throw new ProtectedResourceError(deleteProtectedMessage(step.urn));
  }
  if (step.op === "replace" && step.oldState?.protect === true && step.newState?.protect === true) {
    throw new ProtectedResourceError(replaceProtectedMessage(step.urn));
  }
}

function toDeployed(state: PlanResourceState): DeployedResource {
  return {
    type: state.type,
    urn: state.urn,
    custom: state.custom,
    id: state.id,
    parent: state.parent,
    inputs: reveal(state.inputs) as Record<string, unknown>,
    outputs: reveal(state.outputs) as Record<string, unknown>,
  };
}

/**
 * The organization's management account from the plan's aws:organizations/getOrganization invoke
 * (its `masterAccountId`), as a Deployment field; nothing when the program did not ask or it is unknown.
 */
export function managementAccountOf(plan: { invokes?: unknown }): { managementAccountId?: string } {
  const invokes = Array.isArray(plan.invokes)
    ? (plan.invokes as { token?: unknown; result?: unknown }[])
    : [];
  const result = invokes.find((invoke) => invoke.token === GET_ORGANIZATION)?.result as
    Record<string, unknown> | undefined;
  const id = result?.masterAccountId;
  return typeof id === "string" && /^\d{12}$/.test(id) ? { managementAccountId: id } : {};
}

const GET_ORGANIZATION = "aws:organizations/getOrganization:getOrganization";

function hasCallerIdentity(plan: Plan): boolean {
  return plan.invokes.some((invoke) => invoke.token === CALLER_IDENTITY);
}

const CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity";

/** The account the default deployer belongs to when nothing in the plan names one (the mocks' own). */
export const DEFAULT_ACCOUNT_ID = "111122223333";

/**
 * Who runs the deployment: the caller identity the program saw (the plan's getCallerIdentity invoke, which
 * `npm run synth -- --invokes FILE` can record from a real account), or, when `given` (the hook for
 * account data, which knows who deploys), that identity. A plan that has neither (a program that never
 * asks who it runs as) is deployed by the default: an IAM user `deployer` with AdministratorAccess in the
 * account the plan's ARNs name (the first 12-digit account of an IAM, KMS or DynamoDB ARN; DEFAULT_ACCOUNT_ID
 * when none does), in the partition of those ARNs. An administrator is who can run `pulumi up` for any
 * program; the report says the deployer is the default (`deployerSource`).
 */
export function deployerOf(
  plan: { invokes?: unknown; steps?: unknown },
  given?: CallerIdentity,
): { identity: CallerIdentity; source: "plan" | "given" | "default" } {
  const invokes = Array.isArray(plan.invokes)
    ? (plan.invokes as { token?: unknown; result?: unknown }[])
    : [];
  const invoke = invokes.find((candidate) => candidate.token === CALLER_IDENTITY);
  const result = (invoke?.result ?? {}) as Record<string, unknown>;
  const { accountId, arn, userId } = result;
  if (
    typeof accountId === "string" &&
    typeof arn === "string" &&
    typeof userId === "string" &&
    ![accountId, arn, userId].some((value) => value.includes(UNKNOWN_VALUE))
  ) {
    return { identity: { accountId, arn, userId }, source: "plan" };
  }
  if (given !== undefined) {
    return { identity: given, source: "given" };
  }
  const { partition, account } = accountOfPlan(plan);
  return {
    identity: {
      accountId: account,
      arn: `arn:${partition}:iam::${account}:user/deployer`,
      userId: "AIDADEFAULTDEPLOYER00",
    },
    source: "default",
  };
}

/** The partition and account the plan's ARNs name (IAM, KMS and DynamoDB ARNs), or the defaults. */
function accountOfPlan(plan: { steps?: unknown }): { partition: string; account: string } {
  const steps = Array.isArray(plan.steps) ? (plan.steps as PlanStep[]) : [];
  for (const step of steps) {
    const state = step.newState;
    const arn = state?.outputs?.arn ?? state?.inputs?.arn;
    const match =
      typeof arn === "string" ? /^arn:(aws[a-z-]*):(?:iam|kms|dynamodb):[^:]*:(\d{12}):/.exec(arn) : null;
    if (match !== null) {
      return { partition: match[1], account: match[2] };
    }
  }
  return { partition: "aws", account: DEFAULT_ACCOUNT_ID };
}

/**
 * A preview (`pulumi preview`: a resource to create has no physical id yet) is not a deployment: its
 * values are not known until the provider creates them. Refused, naming the first unknown value.
 */
function refusePreview(plan: Plan): void {
  const created = plan.steps.filter(
    (step) => step.newState?.custom === true && step.newState.id === undefined,
  );
  if (created.length === 0) {
    return;
  }
  for (const step of plan.steps) {
    if (step.newState !== undefined) {
      rejectUnknown(step.newState);
    }
  }
  throw new Error(
    `${created[0].urn}: its id is not known until deployment (a preview plan); apply a plan synthesized without preview`,
  );
}

function rejectUnknown(state: PlanResourceState): void {
  const unknownPath =
    findUnknown(reveal(state.outputs), "outputs") ?? findUnknown(reveal(state.inputs), "inputs");
  if (unknownPath !== undefined) {
    throw new Error(
      `${state.urn}: ${unknownPath} is not known until deployment (${UNKNOWN_VALUE}); ` +
        "apply a plan synthesized without preview",
    );
  }
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
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnknown(item, `${path}.${key}`);
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
}
