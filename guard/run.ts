/**
 * Runs an offline plan through a policy pack the way the Pulumi engine does during
 * `pulumi preview --policy-pack`: GetAnalyzerInfo, Configure (policy config with schema defaults),
 * ConfigureStack, per resource Remediate then Analyze with its inputs, then AnalyzeStack with every resource's
 * outputs and dependencies. The pack runs in its own process, started by @pulumi/pulumi's runner,
 * so this is the same code path as the CLI's.
 */
import {
  AnalyzeDiagnostic,
  AnalyzeResponse,
  AnalyzerStackConfigureRequest,
  EnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import type { AnalyzerClient } from "./analyzerClient";
import { declaredStates, type Plan, type PlanResourceState } from "../plan/types";
import { parseUrn } from "../plan/urn";
import { DEFAULT_PACK_DIR, type RunningPack, startPolicyPack } from "./packProcess";
import { buildConfigureRequest, levelName } from "./policyConfig";
import { PolicyNotApplicable, PolicyReport, PolicyViolation } from "./report";
import { analyzeRequest, analyzeRequestBytes, analyzeStackResourceBytes } from "./requests";

export interface RunPolicyPackOptions {
  /**
   * The plan, or how to make it: a function is called once the pack has been spawned, so that the
   * pack boots while the plan is made (a state file read, a program run). When it fails, the pack is
   * stopped and its error is the run's.
   */
  plan: Plan | (() => Plan | Promise<Plan>);
  /** The pack directory. Default: policy-pack/ of this repository. */
  packDir?: string;
  /** Policy config, as in a `--policy-pack-config` file. */
  config?: Record<string, unknown>;
  /** Progress lines (pack start-up time, counts); silent when absent. */
  log?: (line: string) => void;
  /**
   * Starts the pack: startPolicyPack by default. A caller that already runs the pack (a test run's one
   * pack, lent to many processes) gives its own; the pack's `stop()` is called when the analysis ends.
   */
  startPack?: PackStarter;
  /** Remote component types the guard trusts: not reported (`--trust-component`). */
  trustedComponents?: readonly string[];
}

/** Starts (or lends) the pack of a directory. */
export type PackStarter = (packDir: string, log: (line: string) => void) => Promise<RunningPack>;

/**
 * Analyze calls in flight at once. The engine analyzes each resource as its step is generated, many
 * at a time; a bounded window keeps a 10,000-resource stack from opening 10,000 calls together.
 */
const ANALYZE_CONCURRENCY = 128;

export async function runPolicyPack(options: RunPolicyPackOptions): Promise<PolicyReport> {
  const log = options.log ?? (() => undefined);
  // The pack's lines wait for the plan: a plan that cannot be made (a bad file, a program's mistake) is
  // then the run's one line, with nothing of a pack that was only started to save time before it.
  const held: string[] = [];
  let holding = true;
  const packLog = (line: string): void => {
    if (holding) {
      held.push(line);
    } else {
      log(line);
    }
  };
  const starting = (options.startPack ?? startPolicyPack)(options.packDir ?? DEFAULT_PACK_DIR, packLog);
  // Awaited below, after the plan: a pack that fails to start meanwhile is not an unhandled rejection.
  starting.catch(() => undefined);
  let plan: Plan;
  try {
    plan = typeof options.plan === "function" ? await options.plan() : options.plan;
  } catch (err) {
    await starting.then(
      (pack) => pack.stop(),
      () => undefined,
    );
    throw err;
  }
  holding = false;
  held.splice(0).forEach(log);
  const pack = await starting;
  try {
    return await analyzePlan(pack.client, plan, options.config ?? {}, log, {
      trustedComponents: options.trustedComponents,
    });
  } finally {
    await pack.stop();
  }
}

/**
 * Drives an already running pack (the benchmark and the scenario reuse one pack for many plans). One
 * analysis at a time per pack: Configure sets the pack's process-wide policy config.
 */
export interface AnalyzePlanOptions {
  /**
   * ConfigureStack's dryRun: true for `pulumi preview` (the default, what the guard models), false for
   * `pulumi up`, when every value is known.
   */
  preview?: boolean;
  /** Remote component types not to report (see remoteComponentFindings). */
  trustedComponents?: readonly string[];
}

/** The guard's own findings' names, beside the pack's policies in a report. */
export const GUARD_PACK_NAME = "offline-guard";
export const REMOTE_COMPONENT_FINDING = "remote-component-not-analyzed";

/**
 * A remote (multi-language) component's children are made by its provider plugin, which the offline plan
 * does not run (awsx 2.x, @pulumi/aws-apigateway): the pack never sees the tables, keys or policies it
 * creates. Under the Pulumi CLI it would see them, so the pack cannot know what is missing here: the
 * guard reports each such component as a mandatory finding naming it and its type, unless its type is
 * trusted. A local component (awsx 0.x) registers its children itself and is analyzed through them.
 */
export function remoteComponentFindings(
  states: readonly PlanResourceState[],
  trusted: readonly string[] = [],
): PolicyViolation[] {
  return states
    .filter((state) => state.remote === true && !trusted.includes(state.type))
    .map((state) => ({
      policyName: REMOTE_COMPONENT_FINDING,
      packName: GUARD_PACK_NAME,
      urn: state.urn,
      resourceType: state.type,
      message:
        `Remote component ${state.type} "${parseUrn(state.urn)?.name ?? state.urn}": its children are made by its provider ` +
        "plugin, which the offline guard does not run, so no policy saw them. Check this stack with " +
        `\`pulumi preview --policy-pack\`, or trust the type with --trust-component ${state.type}.`,
      enforcementLevel: "mandatory",
    }));
}

export async function analyzePlan(
  client: AnalyzerClient,
  plan: Plan,
  config: Record<string, unknown>,
  log: (line: string) => void,
  options: AnalyzePlanOptions = {},
): Promise<PolicyReport> {
  const info = await client.getAnalyzerInfo();
  const configure = buildConfigureRequest(info, config);
  await client.configure(configure);
  // A pack runs a Remediate call's policies only at their configured level `remediate` (@pulumi/policy
  // server.ts, makeRemediateRpcFun: "Only run remediations that are enabled"): with none at that level,
  // every answer is empty, so the call is skipped and each resource costs one call, not two.
  let remediates = false;
  configure.getPolicyconfigMap().forEach((policy) => {
    remediates ||= policy.getEnforcementlevel() === EnforcementLevel.REMEDIATE;
  });
  const stackRequest = new AnalyzerStackConfigureRequest();
  const first = parseUrn(plan.steps[0]?.urn ?? "");
  stackRequest.setStack(first?.stack ?? "");
  stackRequest.setProject(first?.project ?? "");
  stackRequest.setDryRun(options.preview ?? true);
  await client.configureStack(stackRequest);

  // What the stack holds after the plan: the engine analyzes each resource the program declares.
  const states = declaredStates(plan);
  const violations: PolicyViolation[] = [];
  const notApplicable: PolicyNotApplicable[] = [];
  // AnalyzeStack's bytes, one record per resource (requests.ts), built as each resource is sent: the pack,
  // the slower side of the exchange, works through the calls in flight meanwhile, so building the stack's
  // request costs no wall time at the end.
  const stackRecords: Uint8Array[] = new Array<Uint8Array>(states.length);
  const started = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < states.length) {
      const index = next++;
      const state = states[index];
      stackRecords[index] = analyzeStackResourceBytes(state);
      if (!remediates) {
        collect(
          await client.analyze(analyzeRequestBytes(state)),
          info.getName(),
          state,
          undefined,
          violations,
          notApplicable,
        );
        continue;
      }
      const request = analyzeRequest(state);
      // The engine's two passes (pkg/resource/deploy/step_generator.go): remediations first, whose new
      // properties the analysis then sees, and whose diagnostics are advisory violations.
      const remediations = (await client.remediate(request)).getRemediationsList();
      for (const remediation of remediations) {
        const properties = remediation.getProperties();
        if (remediation.getDiagnostic() !== "") {
          violations.push({
            policyName: remediation.getPolicyname(),
            packName: remediation.getPolicypackname() || info.getName(),
            urn: state.urn,
            resourceType: state.type,
            message: remediation.getDiagnostic(),
            enforcementLevel: "advisory",
          });
        } else if (properties !== undefined) {
          request.setProperties(properties);
        }
      }
      const response = await client.analyze(request);
      collect(response, info.getName(), state, undefined, violations, notApplicable);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ANALYZE_CONCURRENCY, states.length) }, worker));
  const stackResponse = await client.analyzeStack(Buffer.concat(stackRecords));
  const byUrn = new Map(states.map((state) => [state.urn, state]));
  collect(stackResponse, info.getName(), undefined, byUrn, violations, notApplicable);
  log(`analyzed ${states.length} resources in ${Date.now() - started} ms`);
  violations.push(...remoteComponentFindings(states, options.trustedComponents));

  // Resource analyses finish in any order: sort for a stable report.
  const order = new Map(states.map((state, i) => [state.urn, i]));
  violations.sort(
    (a, b) => (order.get(a.urn) ?? -1) - (order.get(b.urn) ?? -1) || a.policyName.localeCompare(b.policyName),
  );
  notApplicable.sort((a, b) => (order.get(a.urn) ?? -1) - (order.get(b.urn) ?? -1));
  return {
    violations,
    notApplicable,
    mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
    advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
  };
}

function collect(
  response: AnalyzeResponse,
  packName: string,
  analyzed: PlanResourceState | undefined,
  byUrn: Map<string, PlanResourceState> | undefined,
  into: PolicyViolation[],
  notApplicable: PolicyNotApplicable[],
): void {
  for (const entry of response.getNotApplicableList()) {
    notApplicable.push({
      policyName: entry.getPolicyName(),
      urn: analyzed?.urn ?? "",
      reason: entry.getReason(),
    });
  }
  for (const diagnostic of response.getDiagnosticsList()) {
    const level = levelName(diagnostic.getEnforcementlevel());
    // The engine drops diagnostics of disabled policies (the pack does not send them anyway), and
    // reports a remediate-level violation that survived its remediation as mandatory.
    if (level !== "disabled") {
      into.push(
        toViolation(diagnostic, level === "remediate" ? "mandatory" : level, packName, analyzed, byUrn),
      );
    }
  }
}

function toViolation(
  diagnostic: AnalyzeDiagnostic,
  level: PolicyViolation["enforcementLevel"],
  packName: string,
  analyzed: PlanResourceState | undefined,
  byUrn: Map<string, PlanResourceState> | undefined,
): PolicyViolation {
  // A resource analysis reports no URN: the diagnostic is about the resource analyzed.
  const urn = diagnostic.getUrn() || analyzed?.urn || "";
  return {
    policyName: diagnostic.getPolicyname(),
    packName: diagnostic.getPolicypackname() || packName,
    urn,
    resourceType: analyzed?.type ?? byUrn?.get(urn)?.type,
    message: diagnostic.getMessage(),
    enforcementLevel: level,
  };
}
