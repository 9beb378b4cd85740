/**
 * A test harness for any Pulumi policy pack: `analyze({ packDir, resources | plan, config, preview })`
 * starts the pack as the Pulumi CLI does (@pulumi/pulumi's run-policy-pack, the pack directory as working
 * directory, ts-node with type checking), drives it over the Analyzer gRPC service as the engine does
 * (GetAnalyzerInfo, Configure with the policy config checked against the pack's schemas, ConfigureStack,
 * Remediate then Analyze per resource, AnalyzeStack) and returns what it reported. Preview unknowns are
 * the engine's unknown sentinel (`UNKNOWN`), so a pack meets them exactly as under `pulumi preview`.
 *
 * `openHarness({ packDir })` keeps one pack process for many analyses (a test file's cases); `analyze`
 * is one analysis on its own process. A stack state file is a thin adapter away: read its resources
 * (plan/state.ts) into `resources` or a `plan`.
 */
import * as path from "node:path";
import type { AnalyzerClient } from "./analyzerClient";
import { AnalyzerInfo } from "@pulumi/pulumi/proto/analyzer_pb";
import type { Plan, PlanResourceState } from "../plan/types";
import { buildUrn } from "../plan/urn";
import { UNKNOWN_VALUE } from "../plan/values";
import { startPolicyPack } from "./packProcess";
import { levelName } from "./policyConfig";
import type { PolicyNotApplicable, PolicyViolation } from "./report";
import { analyzePlan } from "./run";
import { displayValue } from "../common/display";

/** The value the engine sends for a property not known until the resource is created. */
export const UNKNOWN = UNKNOWN_VALUE;

/** A resource as the engine hands it to a pack. */
export interface HarnessResource {
  /** Type token, e.g. `aws:dynamodb/table:Table`. */
  type: string;
  /** Resource name, unique among the resources of one analysis. */
  name: string;
  /** Input properties (what Analyze sees); `UNKNOWN` where preview does not know a value. */
  props: Record<string, unknown>;
  /** Output properties (what AnalyzeStack sees). Default: `props`. */
  outputs?: Record<string, unknown>;
  /** For each input property, the names of the resources (of this list) its value came from. */
  propertyDependencies?: Record<string, string[]>;
  /** The name of the parent resource, in this list. */
  parent?: string;
  protect?: boolean;
}

interface AnalyzeInputCommon {
  /** Policy config, as in a `--policy-pack-config` file: `{ "<policy>": level | { enforcementLevel, ... } }`. */
  config?: Record<string, unknown>;
  /** `pulumi preview` (true, the default) or `pulumi up` (false): ConfigureStack's dryRun. */
  preview?: boolean;
}

/** Either resources described by hand, or a plan (`npm run synth`, plan/synth.ts). */
export type AnalyzeInput = AnalyzeInputCommon &
  (
    | { resources: HarnessResource[]; plan?: never; stack?: string; project?: string }
    | { plan: Plan; resources?: never }
  );

export interface AnalyzeResult {
  violations: PolicyViolation[];
  /** Policies that called `args.notApplicable(reason)`, per resource. */
  notApplicable: PolicyNotApplicable[];
  mandatory: number;
  advisory: number;
  /** The URN each resource of `resources` was given, by name. */
  urns: Record<string, string>;
}

/** A resource list that cannot be analyzed (a duplicate name, a dependency on no resource of the list). */
export class HarnessInputError extends Error {}

const DEFAULT_STACK = "test";
const DEFAULT_PROJECT = "policy-test";

/** Builds the plan the engine would analyze from a resource list: URNs, parents, dependencies. */
export function planOfResources(
  resources: readonly HarnessResource[],
  stack = DEFAULT_STACK,
  project = DEFAULT_PROJECT,
): Plan {
  const urns = new Map<string, string>();
  for (const resource of resources) {
    if (urns.has(resource.name)) {
      throw new HarnessInputError(`resources: two resources are named "${resource.name}"`);
    }
    urns.set(resource.name, buildUrn(stack, project, resource.type, resource.name));
  }
  const urnOf = (where: string, name: string): string => {
    const urn = urns.get(name);
    if (urn === undefined) {
      throw new HarnessInputError(
        `${where}: ${displayValue(name)} is not the name of a resource of the list`,
      );
    }
    return urn;
  };
  const steps = resources.map((resource) => {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [property, names] of Object.entries(resource.propertyDependencies ?? {})) {
      propertyDependencies[property] = names.map((n) =>
        urnOf(`${resource.name}.propertyDependencies.${property}`, n),
      );
    }
    const state: PlanResourceState = {
      type: resource.type,
      urn: urns.get(resource.name)!,
      custom: true,
      parent: resource.parent === undefined ? undefined : urnOf(`${resource.name}.parent`, resource.parent),
      inputs: resource.props,
      outputs: resource.outputs ?? resource.props,
      dependencies: [...new Set(Object.values(propertyDependencies).flat())],
      propertyDependencies,
      ...(resource.protect === true ? { protect: true } : {}),
    };
    return { op: "create" as const, urn: state.urn, newState: state, detailedDiff: null };
  });
  return { steps, outputs: {}, invokes: [] };
}

/** What GetAnalyzerInfo says about the pack and each policy (metadata included). */
export interface PackInfo {
  name: string;
  displayName: string;
  version: string;
  description: string;
  readme: string;
  provider: string;
  tags: string[];
  repository: string;
  policies: PolicyInfoSummary[];
}

export interface PolicyInfoSummary {
  name: string;
  displayName: string;
  description: string;
  enforcementLevel: string;
  severity: "unspecified" | "low" | "medium" | "high" | "critical";
  framework?: { name: string; version: string; reference: string; specification: string };
  tags: string[];
  remediationSteps: string;
  url: string;
}

// PolicySeverity enum of analyzer.proto: UNSPECIFIED, LOW, MEDIUM, HIGH, CRITICAL.
const SEVERITIES = ["unspecified", "low", "medium", "high", "critical"] as const;

function summarizeInfo(info: AnalyzerInfo): PackInfo {
  return {
    name: info.getName(),
    displayName: info.getDisplayname(),
    version: info.getVersion(),
    description: info.getDescription(),
    readme: info.getReadme(),
    provider: info.getProvider(),
    tags: info.getTagsList(),
    repository: info.getRepository(),
    policies: info.getPoliciesList().map((policy) => {
      const framework = policy.getFramework();
      return {
        name: policy.getName(),
        displayName: policy.getDisplayname(),
        description: policy.getDescription(),
        enforcementLevel: levelName(policy.getEnforcementlevel()),
        severity: SEVERITIES[policy.getSeverity()] ?? "unspecified",
        framework:
          framework === undefined
            ? undefined
            : {
                name: framework.getName(),
                version: framework.getVersion(),
                reference: framework.getReference(),
                specification: framework.getSpecification(),
              },
        tags: policy.getTagsList(),
        remediationSteps: policy.getRemediationSteps(),
        url: policy.getUrl(),
      };
    }),
  };
}

export interface Harness {
  /** One analysis; calls on one harness run one after another (Configure is process-wide in a pack). */
  analyze(input: AnalyzeInput): Promise<AnalyzeResult>;
  /** The pack's GetAnalyzerInfo. */
  info(): Promise<PackInfo>;
  /** Stops the pack process. */
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The pack directory (PulumiPolicy.yaml, package.json, its dependencies installed). */
  packDir: string;
  /** The pack's own output and progress lines; silent when absent. */
  log?: (line: string) => void;
}

/** The plan an input describes, and the URN given to each resource of a resource list, by name. */
function planOfInput(input: AnalyzeInput): { plan: Plan; urns: Record<string, string> } {
  if (input.plan !== undefined) {
    return { plan: input.plan, urns: {} };
  }
  const plan = planOfResources(input.resources, input.stack ?? DEFAULT_STACK, input.project);
  return {
    plan,
    urns: Object.fromEntries(input.resources.map((r, i) => [r.name, plan.steps[i].urn])),
  };
}

async function analyzeOn(
  client: AnalyzerClient,
  input: AnalyzeInput,
  log: (line: string) => void,
): Promise<AnalyzeResult> {
  const { plan, urns } = planOfInput(input);
  const report = await analyzePlan(client, plan, input.config ?? {}, log, { preview: input.preview ?? true });
  return {
    violations: report.violations,
    notApplicable: report.notApplicable ?? [],
    mandatory: report.mandatory,
    advisory: report.advisory,
    urns,
  };
}

/** Starts the pack once for many analyses. Close it when done (an `after` hook). */
export async function openHarness(options: HarnessOptions): Promise<Harness> {
  const log = options.log ?? (() => undefined);
  const pack = await startPolicyPack(path.resolve(options.packDir), log);
  return harnessOn(pack.client, log, () => pack.stop());
}

/**
 * A harness over a pack that is already running, through its Analyzer client (a test runner starts
 * one pack and hands it to many test processes, as the engine hands one analyzer to many resources).
 * `close` is what closing the harness does; by default it leaves the pack running.
 */
export function harnessOn(
  client: AnalyzerClient,
  log: (line: string) => void = () => undefined,
  close: () => Promise<void> = async () => undefined,
): Harness {
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    analyze: (input) => inTurn(() => analyzeOn(client, input, log)),
    info: () => inTurn(async () => summarizeInfo(await client.getAnalyzerInfo())),
    close: () => inTurn(close),
  };
}

/**
 * One analysis on a pack process of its own, stopped before this returns. A resource list it cannot
 * analyze is refused (HarnessInputError) before the pack starts.
 */
export async function analyze(input: AnalyzeInput & HarnessOptions): Promise<AnalyzeResult> {
  const { plan, urns } = planOfInput(input);
  const harness = await openHarness(input);
  try {
    const result = await harness.analyze({ plan, config: input.config, preview: input.preview });
    return { ...result, urns };
  } finally {
    await harness.close();
  }
}
