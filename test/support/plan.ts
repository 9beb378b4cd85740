/**
 * Lookups over a plan for the tests.
 */
import { loadStackConfig } from "../../plan/stackConfig";
import { declaredStates, Plan, PlanResourceState } from "../../plan/types";
import { reveal } from "../../plan/values";

export function resourcesOfType(plan: Plan, type: string): PlanResourceState[] {
  return declaredStates(plan).filter((state) => state.type === type);
}

export function onlyResource(plan: Plan, type: string): PlanResourceState {
  const found = resourcesOfType(plan, type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type} in the plan, found ${found.length}`);
  }
  return found[0];
}

/** The resource of `type` whose URN ends with `::name`. */
export function resourceNamed(plan: Plan, type: string, name: string): PlanResourceState {
  const found = resourcesOfType(plan, type).find((state) => state.urn.endsWith(`::${name}`));
  if (!found) {
    throw new Error(`no ${type} named ${name} in the plan`);
  }
  return found;
}

/**
 * Sets an input of the plan's resource of `type` named `name`, and the output that echoes it (as the
 * provider reports an input back): a test's change to a built stack before it is deployed or analysed.
 */
export function setInput(plan: Plan, type: string, name: string, input: string, value: unknown): void {
  const state = resourceNamed(plan, type, name);
  state.inputs[input] = value;
  state.outputs[input] = value;
}

/** A provider resource's state as a plan holds it, but for the fields every such state has alike. */
export type AddedState = Omit<PlanResourceState, "custom" | "dependencies" | "propertyDependencies">;

/** Adds a provider resource to a built plan, created after everything it already creates. */
export function addResource(plan: Plan, state: AddedState): PlanResourceState {
  const full: PlanResourceState = { custom: true, dependencies: [], propertyDependencies: {}, ...state };
  plan.steps.push({ op: "create", urn: full.urn, newState: full, detailedDiff: null });
  return full;
}

/** The URN of a resource the tests add to a generated plan (stack `gen`). */
export function generatedUrn(type: string, name: string): string {
  return `urn:pulumi:gen::kms-dynamodb::${type}::${name}`;
}

/**
 * Appends statements to the policy document in input `input` of `state` (a key policy, a table's
 * policy, an identity policy), and to the output that echoes it when the state reports one.
 */
export function appendStatements(
  state: PlanResourceState,
  input: string,
  ...statements: Record<string, unknown>[]
): void {
  const document = JSON.parse(String(state.inputs[input])) as { Statement: Record<string, unknown>[] };
  document.Statement.push(...statements);
  state.inputs[input] = JSON.stringify(document);
  if (input in state.outputs) {
    state.outputs[input] = state.inputs[input];
  }
}

export function inputsOf(state: PlanResourceState): Record<string, unknown> {
  return reveal(state.inputs) as Record<string, unknown>;
}

export function outputsOf(state: PlanResourceState): Record<string, unknown> {
  return reveal(state.outputs) as Record<string, unknown>;
}

/** The dev stack's config with changes applied: the same path as editing Pulumi.dev.yaml. */
export function devConfig(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...loadStackConfig("dev"), ...changes };
}

/**
 * A provider resource as a plan would hold it (inputs echoed as outputs), for plans built by hand
 * around one rule or for benchmarks of generated stacks.
 */
export function customState(
  stack: string,
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  propertyDependencies: Record<string, string[]> = {},
): PlanResourceState {
  return {
    type,
    urn: `urn:pulumi:${stack}::kms-dynamodb::${type}::${name}`,
    custom: true,
    inputs,
    outputs: inputs,
    dependencies: Object.values(propertyDependencies).flat(),
    propertyDependencies,
  };
}

/** A plan of the given resources, created in that order. */
export function planOf(...states: PlanResourceState[]): Plan {
  return {
    steps: states.map((s) => ({ op: "create", urn: s.urn, newState: s, detailedDiff: null })),
    outputs: {},
    invokes: [],
  };
}

/** An inline policy of an IAM user that a dev stack's plan does not declare (`withUserPolicy`). */
export interface AddedUserPolicy {
  readonly user: string;
  /** The policy's name in IAM. */
  readonly name: string;
  /** The resource's logical name (the end of its URN) and its id. */
  readonly logicalName: string;
  readonly id: string;
  /** The policy's statements, from the plan's outputs (secrets revealed: its keyArn, tableArn). */
  readonly statements: (outputs: Record<string, unknown>) => Record<string, unknown>[];
}

/**
 * A copy of a dev stack's plan, secrets revealed, with one more inline policy on a user, created after
 * everything the plan creates: an identity policy granted outside the stack.
 */
export function withUserPolicy(plan: Plan, policy: AddedUserPolicy): Plan {
  const revealed = reveal(plan) as Plan;
  const type = "aws:iam/userPolicy:UserPolicy";
  addResource(revealed, {
    type,
    urn: `urn:pulumi:dev::kms-dynamodb::${type}::${policy.logicalName}`,
    id: policy.id,
    inputs: {
      name: policy.name,
      user: policy.user,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: policy.statements(revealed.outputs as Record<string, unknown>),
      }),
    },
    outputs: {},
  });
  return revealed;
}
