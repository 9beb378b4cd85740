/**
 * Runs one rule of the pack in process, as @pulumi/policy's own tests and pulumi/compliance-policies'
 * unit tests do: the policy's `validateResource` / `validateStack` called directly with the arguments the
 * policy server would build (server.js, makeAnalyzeRpcFun and makeAnalyzeStackRpcFun), props wrapped in
 * @pulumi/policy's `unknownCheckingProxy`, so a value equal to the engine's unknown sentinel throws
 * `UnknownValueError` when a rule reads it, as under `pulumi preview`. What the server would make of the
 * outcome is reported the same way test/support/ruleHarness.ts reports it over gRPC: violations, a rule
 * downgraded for reading an unknown, or notApplicable.
 */
import {
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
  unknownCheckingProxy,
  UnknownValueError,
} from "@pulumi/policy";
import { UNKNOWN_VALUE } from "../../plan/values";

/** The engine's unknown string (sdk/go/common/resource/plugin UnknownStringValue), as the guard sends it. */
export const UNKNOWN = UNKNOWN_VALUE;

export interface RuleOutcome {
  violations: { message: string; urn?: string }[];
  /** Set when the rule read an unknown value: the server reports it as advisory instead. */
  downgraded?: string;
  /** Set when the rule called notApplicable. */
  notApplicable?: string;
}

/** What `args.notApplicable` throws: the server catches it and reports the reason. */
class NotApplicable extends Error {
  constructor(readonly reason: string | undefined) {
    super(reason ?? "not applicable");
  }
}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** The URN the harness gives a resource of this test stack (guard/harness.ts). */
export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::policy-test::${type}::${name}`;
}

export interface ResourceCase {
  type: string;
  name?: string;
  props: Record<string, unknown>;
  /** The rule's settings, as `--policy-pack-config` gives them. */
  config?: Record<string, unknown>;
}

/** The arguments the policy server passes `validateResource` (server.js, makeAnalyzeRpcFun). */
export function resourceArgs(input: ResourceCase): ResourceValidationArgs {
  const name = input.name ?? "subject";
  return {
    type: input.type,
    props: unknownCheckingProxy(structuredClone(input.props)),
    urn: urnOf(input.type, name),
    name,
    opts: OPTIONS,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => (input.config ?? {}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

export async function runResourceRule(
  policy: ResourceValidationPolicy,
  input: ResourceCase,
): Promise<RuleOutcome> {
  const outcome: RuleOutcome = { violations: [] };
  const validations =
    policy.validateResource === undefined
      ? []
      : Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
  for (const validate of validations) {
    await settle(outcome, () =>
      validate(resourceArgs(input), (message) => {
        outcome.violations.push({ message: typeof message === "string" ? message : String(message) });
      }),
    );
  }
  return outcome;
}

export interface StackResourceCase {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** Property name to the names of the resources (in this case list) its value came from. */
  propertyDependencies?: Record<string, string[]>;
}

/** The arguments the policy server passes `validateStack` (server.js, makeAnalyzeStackRpcFun). */
export function stackArgs(
  resources: readonly StackResourceCase[],
  config: Record<string, unknown> = {},
): StackValidationArgs {
  const byName = new Map<string, PolicyResource>();
  const built = resources.map((resource): PolicyResource => {
    const policyResource: PolicyResource = {
      type: resource.type,
      props: unknownCheckingProxy(structuredClone(resource.props)),
      urn: urnOf(resource.type, resource.name),
      name: resource.name,
      opts: OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byName.set(resource.name, policyResource);
    return policyResource;
  });
  resources.forEach((resource, index) => {
    for (const [property, names] of Object.entries(resource.propertyDependencies ?? {})) {
      const dependencies = names.map((name) => {
        const dependency = byName.get(name);
        if (dependency === undefined) {
          throw new Error(`${resource.name}.${property} depends on ${name}, which is not in the case`);
        }
        return dependency;
      });
      built[index].propertyDependencies[property] = dependencies;
      built[index].dependencies.push(...dependencies);
    }
  });
  return {
    resources: built,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

export async function runStackRule(
  policy: StackValidationPolicy,
  resources: readonly StackResourceCase[],
  config: Record<string, unknown> = {},
): Promise<RuleOutcome> {
  const outcome: RuleOutcome = { violations: [] };
  await settle(outcome, () =>
    policy.validateStack(stackArgs(resources, config), (message, urn) => {
      outcome.violations.push({ message: typeof message === "string" ? message : String(message), urn });
    }),
  );
  return outcome;
}

/** Runs a validation as the server does: an unknown read downgrades it, notApplicable is a reason. */
async function settle(outcome: RuleOutcome, validate: () => Promise<void> | void): Promise<void> {
  try {
    await validate();
  } catch (err) {
    if (err instanceof UnknownValueError) {
      // @pulumi/policy declares the class without its members (proxy.d.ts): it is an Error.
      outcome.downgraded = (err as Error).message;
    } else if (err instanceof NotApplicable) {
      outcome.notApplicable = err.reason;
    } else {
      throw err;
    }
  }
}
