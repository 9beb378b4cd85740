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
  /** The `protect` resource option; present only when true, as `pulumi preview --json` prints it. */
  protect?: boolean;
  /** The `retainOnDelete` resource option; present only when true, as `pulumi preview --json` prints it. */
  retainOnDelete?: boolean;
}

export interface PlanStep {
  op: "create";
  urn: string;
  newState: PlanResourceState;
}

/** A provider function the program called, and what the (mocked) provider answered. */
export interface PlanInvoke {
  token: string;
  inputs: Record<string, unknown>;
  result: Record<string, unknown>;
}

export interface Plan {
  steps: PlanStep[];
  /** The stack outputs (contracts.md section 2), wire form. */
  outputs: Record<string, unknown>;
  /**
   * An addition to `pulumi preview --json`'s shape: the invokes the program made, so consumers see
   * the identity that deployed (`aws:index/getCallerIdentity:getCallerIdentity`).
   */
  invokes: PlanInvoke[];
}
