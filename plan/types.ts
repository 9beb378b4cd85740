/**
 * The offline plan (contracts.md section 4), shaped like `pulumi preview --json`.
 *
 * Property values are kept in the Pulumi wire form the engine itself sees: a secret is
 * `{ [SECRET_SIG_KEY]: SECRET_SIG, value }` and a value not known at preview time is the string
 * UNKNOWN_VALUE. Use `plan/values.ts` to reveal or redact them.
 */
export interface PlanResourceState {
  /** Resource type token, e.g. `aws:kms/key:Key`, or a component's `kms-dynamodb:kms:EncryptionKey`. */
  type: string;
  urn: string;
  /** true for provider resources, false for components and the stack. */
  custom: boolean;
  /** The physical id the (mocked) provider returned; absent for components and in preview. */
  id?: string;
  parent?: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** URNs of every resource this one depends on. */
  dependencies: string[];
  /** For each input property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** The `protect` resource option; printed only when set, as the engine's ResourceV3 does. */
  protect?: boolean;
  /** The `retainOnDelete` resource option; printed only when set. */
  retainOnDelete?: boolean;
  /**
   * A remote (multi-language) component: its children are made by its provider plugin, which the
   * offline plan does not run, so the plan holds none of them. Printed only when set.
   */
  remote?: boolean;
}

/** A resource's computed outputs that nothing offline computes: unknown in the plan. */
export interface UnknownOutputs {
  urn: string;
  type: string;
  properties: string[];
}

/** The engine's step ops that `pulumi preview --json` prints (replacement as one `replace` step). */
export type StepOp = "same" | "create" | "update" | "replace" | "delete";

/** One entry of `detailedDiff`: the kind of change at a property path (the engine's PropertyDiff). */
export interface PropertyDiff {
  kind: "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";
  /** true when the difference is between old and new inputs (not old outputs and new inputs). */
  inputDiff: boolean;
}

/**
 * A step as `pulumi preview --json` prints it (pkg/display/json.go PreviewStep): `oldState` where the
 * stack's state had the resource, `newState` except on a delete; `diffReasons` (top-level input names)
 * on updates and replacements, `replaceReasons` on replacements; `detailedDiff` keyed by property path,
 * null where there is nothing to detail.
 */
export interface PlanStep {
  op: StepOp;
  urn: string;
  oldState?: PlanResourceState;
  newState?: PlanResourceState;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff: Record<string, PropertyDiff> | null;
}

/** A provider function the program called, and what the (mocked) provider answered. */
export interface PlanInvoke {
  token: string;
  inputs: Record<string, unknown>;
  result: Record<string, unknown>;
  /** Nothing offline could answer it: its result's strings are unknown (`Plan.unresolvedInvokes`). */
  unresolved?: boolean;
}

/** An invoke nothing offline answered, and the `--invokes` entry that would. */
export interface PlanUnresolvedInvoke {
  token: string;
  args: Record<string, unknown>;
  /** `{ token, args, result }` for `--invokes FILE`, each result field shown as `<type>`. */
  entry: { token: string; args?: Record<string, unknown>; result: Record<string, unknown> };
}

export interface Plan {
  /** In the engine's order: the program's registrations, then deletions, dependents first. */
  steps: PlanStep[];
  /** The stack outputs (contracts.md section 2), wire form. */
  outputs: Record<string, unknown>;
  /**
   * An addition to `pulumi preview --json`'s shape: the invokes the program made, so consumers see
   * the identity that deployed (`aws:index/getCallerIdentity:getCallerIdentity`).
   */
  invokes: PlanInvoke[];
  /** Invokes nothing offline could answer; present only when there are some. */
  unresolvedInvokes?: PlanUnresolvedInvoke[];
  /** Computed outputs nothing offline computes, by resource; present only when there are some. */
  unknownOutputs?: UnknownOutputs[];
}

/** The resources the program declares (every step but the deletions), in registration order. */
export function declaredStates(plan: Pick<Plan, "steps">): PlanResourceState[] {
  return plan.steps.flatMap((step) => (step.newState === undefined ? [] : [step.newState]));
}
