/**
 * Runs one rule of the project's pack through the guard's pack test harness (guard/harness.ts): the
 * pack in its own process, started as the Pulumi CLI starts it, driven over the Analyzer gRPC service
 * as the engine drives it. Every other policy is disabled by the policy config, so a case sees only
 * the rule under test; @pulumi/policy itself wraps props in its unknown-checking proxy, turns an
 * UnknownValueError into the advisory "can't run ... during preview", and reports `notApplicable`.
 *
 * The test run's one pack process serves every case (test/support/sharedPack.ts), one analysis at a time.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  type AnalyzeInput,
  type AnalyzeResult,
  type HarnessResource,
  UNKNOWN as ENGINE_UNKNOWN,
  harnessOn,
} from "../../guard/harness";
import { withSharedPack } from "./sharedPack";

/** The engine's unknown string (sdk/go/common/resource/plugin UnknownStringValue). */
export const UNKNOWN = ENGINE_UNKNOWN;

export interface RuleOutcome {
  violations: { message: string; urn?: string }[];
  /** Set when the rule read an unknown value: the server reports it as advisory instead. */
  downgraded?: string;
  /** Set when the rule called notApplicable. */
  notApplicable?: string;
}

/**
 * Waits, in the calling test file's root `before` hook, for the test run's pack to serve: its start
 * takes seconds on a loaded machine, which a case's own timeout should not pay. Each file that uses the
 * harness calls it at its top level (under mocha --parallel every file runs on its own).
 */
export function usePolicyHarness(): void {
  before(async function () {
    this.timeout(180_000);
    await withSharedPack(async () => undefined);
  });
}

/** One analysis on the shared pack. */
function analyzeShared(input: AnalyzeInput): Promise<AnalyzeResult> {
  return withSharedPack((client) => harnessOn(client).analyze(input));
}

/** Only `policy` runs, at its own level, with `config` as its settings. */
function configFor(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  config: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return {
    all: "disabled",
    [policy.name]: { enforcementLevel: policy.enforcementLevel ?? "advisory", ...config },
  };
}

// server.js: `can't run policy '<name>' from policy pack '<pack>@v<version>' during preview: <message>`.
const DOWNGRADE = /^can't run policy '[^']+' from policy pack '[^']+' during preview: (.*)$/s;

function outcomeOf(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  result: AnalyzeResult,
  withUrn: boolean,
): RuleOutcome {
  const outcome: RuleOutcome = { violations: [] };
  // The server sends each violation as "<policy description>\n<message>" (server.js), which the CLI
  // prints as is; a case asserts on the rule's own message.
  const prefix = `${policy.description}\n`;
  for (const violation of result.violations.filter((v) => v.policyName === policy.name)) {
    const downgrade = DOWNGRADE.exec(violation.message);
    const message = violation.message.startsWith(prefix)
      ? violation.message.slice(prefix.length)
      : violation.message;
    if (downgrade !== null && violation.enforcementLevel === "advisory") {
      outcome.downgraded = downgrade[1];
    } else if (withUrn) {
      outcome.violations.push({ message, urn: violation.urn || undefined });
    } else {
      outcome.violations.push({ message });
    }
  }
  const notApplicable = result.notApplicable.find((n) => n.policyName === policy.name);
  if (notApplicable !== undefined) {
    outcome.notApplicable = notApplicable.reason;
  }
  return outcome;
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
  const result = await analyzeShared({
    resources: [{ type: input.type, name: input.name ?? "subject", props: input.props }],
    config: configFor(policy, input.config),
  });
  return outcomeOf(policy, result, false);
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
  const result = await analyzeShared({
    resources: resources.map((r): HarnessResource => ({
      type: r.type,
      name: r.name,
      props: r.props,
      propertyDependencies: r.propertyDependencies,
    })),
    config: configFor(policy, config),
  });
  return outcomeOf(policy, result, true);
}
