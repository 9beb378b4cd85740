/**
 * Runs one rule in process the way @pulumi/policy's Analyzer server does (server.js
 * makeAnalyzeRpcFun / makeAnalyzeStackRpcFun): props wrapped in `unknownCheckingProxy`, property
 * dependencies resolved to resources of the stack, an UnknownValueError turned into an advisory
 * "can't run ... during preview", `notApplicable` ending the rule. Tests see what the engine would.
 */
import {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
  UnknownValueError,
  unknownCheckingProxy,
} from "@pulumi/policy";

/** The engine's unknown string (sdk/go/common/resource/plugin UnknownStringValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface RuleOutcome {
  violations: { message: string; urn?: string }[];
  /** Set when the rule read an unknown value: the server reports it as advisory instead. */
  downgraded?: string;
  /** Set when the rule called notApplicable. */
  notApplicable?: string;
}

class NotApplicable extends Error {}

function settle(outcome: RuleOutcome, err: unknown): RuleOutcome {
  if (err instanceof UnknownValueError) {
    outcome.downgraded = (err as Error).message;
  } else if (err instanceof NotApplicable) {
    outcome.notApplicable = err.message;
  } else {
    throw err;
  }
  return outcome;
}

function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::policy-test::${type}::${name}`;
}

export interface ResourceCase {
  type: string;
  name?: string;
  props: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export async function runResourceRule(
  policy: ResourceValidationPolicy,
  input: ResourceCase,
): Promise<RuleOutcome> {
  const outcome: RuleOutcome = { violations: [] };
  const name = input.name ?? "subject";
  const args = {
    type: input.type,
    name,
    urn: urnOf(input.type, name),
    props: unknownCheckingProxy(structuredClone(input.props)),
    opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: {} },
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => (input.config ?? {}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  } as unknown as ResourceValidationArgs;
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : [policy.validateResource!];
  try {
    for (const validate of validations) {
      await validate(args, (message: string) => outcome.violations.push({ message }));
    }
  } catch (err) {
    return settle(outcome, err);
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

export async function runStackRule(
  policy: StackValidationPolicy,
  resources: StackResourceCase[],
  config: Record<string, unknown> = {},
): Promise<RuleOutcome> {
  const outcome: RuleOutcome = { violations: [] };
  const byName = new Map<string, PolicyResource>();
  for (const r of resources) {
    const props = unknownCheckingProxy(structuredClone(r.props));
    byName.set(r.name, {
      type: r.type,
      name: r.name,
      urn: urnOf(r.type, r.name),
      props,
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        additionalSecretOutputs: [],
        customTimeouts: {},
      },
      dependencies: [],
      propertyDependencies: {},
    } as unknown as PolicyResource);
  }
  for (const r of resources) {
    const resource = byName.get(r.name)!;
    for (const [property, names] of Object.entries(r.propertyDependencies ?? {})) {
      resource.propertyDependencies[property] = names.map((n) => {
        const dependency = byName.get(n);
        if (dependency === undefined) {
          throw new Error(`test case: ${r.name}.${property} depends on "${n}", which is not in the case`);
        }
        return dependency;
      });
      resource.dependencies.push(...resource.propertyDependencies[property]);
    }
  }
  const args = {
    resources: [...byName.values()],
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  } as StackValidationArgs;
  try {
    await policy.validateStack(args, (message: string, urn?: string) =>
      outcome.violations.push({ message, urn }),
    );
  } catch (err) {
    return settle(outcome, err);
  }
  return outcome;
}
