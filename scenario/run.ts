/**
 * The whole exercise offline, in order: synthesize the dev stack, guard it with the policy pack (and
 * watch the pack reject a table without a customer-managed key), deploy it to the sandbox, check data
 * access as each user, grant the non-key user through the stack config, apply, check again.
 */
import noncompliantTables from "../examples/noncompliant-table";
import type { AccessChange, CheckReport } from "../checks/types";
import { analyzePlan } from "../guard/run";
import { DEFAULT_PACK_DIR, startPolicyPack, type RunningPack } from "../guard/packProcess";
import { formatPolicyReport, PolicyReport } from "../guard/report";
import type { StackOutputs } from "../infra/outputs";
import { REPO_ROOT, synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";
import type { Sandbox } from "../sandbox";
import { planWithKeyPolicy } from "./grant";
import type { SeedItem } from "./seed";

export const SCENARIO_STACK = "dev";
/** The seed exercise's user that DynamoDB allows and the key policy does not, until granted. */
export const GRANTED_USER = "kms-test-user";

export interface ScenarioStep {
  number: number;
  title: string;
  ok: boolean;
  ms: number;
  notes: string[];
}

export interface ScenarioReport {
  ok: boolean;
  /** contracts.md section 5: the check results before and after the grant, then one per drill. */
  phases: { name: string; ok: boolean; results: CheckReport["results"]; accessChanges?: AccessChange[] }[];
  /** An addition to the contract: each numbered step, its outcome and its wall time. */
  steps: ScenarioStep[];
}

export interface ScenarioOptions {
  /** Progress, one line at a time. */
  log?: (line: string) => void;
  projectDir?: string;
  /**
   * A policy pack already starting: `npm start` starts it before loading the rest, so its start-up
   * overlaps the imports. The scenario stops it. Default: started at the guard step.
   */
  pack?: Promise<RunningPack>;
  /** Where to write the access page (before/after the grant). */
  accessHtml?: string;
}

class StepFailed extends Error {}

export async function runScenario(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? (() => undefined);
  const projectDir = options.projectDir ?? REPO_ROOT;
  const report: ScenarioReport = { ok: false, phases: [], steps: [] };

  async function step(title: string, body: (notes: string[]) => Promise<boolean>): Promise<void> {
    const number = report.steps.length + 1;
    log(`\n${number}. ${title}`);
    const started = Date.now();
    const notes: string[] = [];
    let ok = false;
    try {
      ok = await body(notes);
    } catch (err) {
      notes.push(`failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const ms = Date.now() - started;
    report.steps.push({ number, title, ok, ms, notes });
    log(`   ${ok ? "✓" : "✗"} ${title} (${(ms / 1000).toFixed(1)} s)`);
    if (!ok) {
      throw new StepFailed(`step ${number} failed: ${title}`);
    }
  }
  const say = (notes: string[], line: string) => {
    notes.push(line);
    for (const part of line.split("\n")) {
      log(`   ${part}`);
    }
  };

  let plan: Plan | undefined;
  /** The granted stack under the strict key policy, for the access proof's one line. */
  let strictPlan: Plan | undefined;
  let planBeforeGrant: Plan | undefined;
  let sandbox: Sandbox | undefined;
  let outputs: StackOutputs | undefined;
  const seedRun = `scenario-seed-${Date.now()}`;
  let seed: SeedItem | undefined;
  try {
    await step(
      `Synthesize the ${SCENARIO_STACK} stack (the program pulumi up runs, under mocks)`,
      async (notes) => {
        plan = await synthesize({ stack: SCENARIO_STACK, projectDir });
        const custom = plan.steps.filter((s) => s.newState?.custom).length;
        say(
          notes,
          `${plan.steps.length} resources (${custom} AWS resources) from Pulumi.${SCENARIO_STACK}.yaml`,
        );
        return true;
      },
    );

    await step("Guard it with the policy pack, as pulumi preview --policy-pack does", async (notes) => {
      // The plans the pack analyzes are synthesized first, while the pack may still be starting. A first
      // preview (the new key's ARN unknown: the fail-closed rule must still decide), the plan with every
      // value known (as a preview of the deployed stack sees it), and the non-compliant example.
      const pending = options.pack ?? startPolicyPack(DEFAULT_PACK_DIR, () => undefined);
      let firstPreview: Plan;
      let bad: Plan;
      try {
        firstPreview = await synthesize({ stack: SCENARIO_STACK, projectDir, preview: true });
        bad = await synthesize({
          stack: "noncompliant",
          config: { "aws:region": "us-east-1" },
          program: noncompliantTables,
          preview: true,
        });
        // The granted stack with the strict key policy (Pulumi.prod.yaml's), for the access proof's line
        // on the difference: planned here, while the pack's process starts.
        strictPlan = await planWithKeyPolicy(projectDir, SCENARIO_STACK, GRANTED_USER, "strict");
      } catch (err) {
        await pending.then((pack) => pack.stop()).catch(() => undefined);
        throw err;
      }
      const pack = await pending;
      try {
        const ours: PolicyReport = await analyzePlan(pack.client, firstPreview, {}, () => undefined);
        const known: PolicyReport = await analyzePlan(pack.client, plan as Plan, {}, () => undefined);
        for (const [label, result] of [
          ["first preview", ours],
          ["values known", known],
        ] as const) {
          say(
            notes,
            `${SCENARIO_STACK} stack, ${label}: ${result.mandatory} mandatory, ${result.advisory} advisory`,
          );
          if (result.mandatory > 0) {
            say(notes, formatPolicyReport(result));
          }
        }
        const rejected = await analyzePlan(pack.client, bad, {}, () => undefined);
        say(
          notes,
          `examples/noncompliant-table: ${rejected.mandatory} mandatory violations, rejected as it must be:`,
        );
        say(notes, formatPolicyReport(mandatoryOnly(rejected)));
        return ours.mandatory === 0 && known.mandatory === 0 && rejected.mandatory > 0;
      } finally {
        await pack.stop();
      }
    });

    // The sandbox, the AWS SDK clients, the checks, the access proof and the drills load here, once
    // the policy pack's process has stopped: while the pack runs, the scenario holds only what the
    // first two steps use, so the two processes' peaks do not add up (npm start stays under 300 MB: bench/README.md).
    const stage = await import("./deployStage");
    const { runChecks, formatCheckTable, describeKey, planKeyUserChange, planOutputs } = stage;
    const { accessStep, runLifecycleDrills, putSeedItem, readSeedItem } = stage;

    await step(
      "Deploy it to the sandbox (a local AWS endpoint enforcing SigV4, IAM and key policies)",
      async (notes) => {
        sandbox = await stage.Sandbox.start({ port: 0 });
        await sandbox.apply(plan as Plan);
        outputs = sandbox.outputs();
        say(notes, `endpoint ${sandbox.endpoint}: table ${outputs.tableName} on key ${outputs.keyArn}`);
        seed = await putSeedItem(sandbox.endpoint, outputs, seedRun);
        say(notes, `app-user wrote item ${describeKey(seed.key)}, to show that the grant loses nothing`);
        return true;
      },
    );

    await step("Check data access as each user, before the grant", async (notes) => {
      const checks = await runChecks({
        outputs: (sandbox as Sandbox).outputs(),
        endpoint: sandbox?.endpoint,
      });
      report.phases.push({ name: "before-grant", ok: checks.ok, results: checks.results });
      say(notes, formatCheckTable(checks));
      const stoppedByKms = checks.results.filter(
        (r) => r.user === GRANTED_USER && r.actual === "denied-by-kms",
      );
      say(notes, `${GRANTED_USER}: DynamoDB allows it, KMS stopped ${stoppedByKms.length} item operations`);
      return checks.ok && stoppedByKms.length > 0;
    });

    await step(`Grant ${GRANTED_USER} the key in Pulumi.${SCENARIO_STACK}.yaml and apply`, async (notes) => {
      // From the sandbox's checkpoint, as `pulumi up` previews from the stack's last state.
      const change = await planKeyUserChange(
        projectDir,
        SCENARIO_STACK,
        GRANTED_USER,
        true,
        (sandbox as Sandbox).state(),
      );
      const granted = change.plan;
      for (const line of change.lines) {
        say(notes, line);
      }
      const onlyKeyPolicy = change.onlyKeyPolicy;
      const before = (sandbox as Sandbox).outputs();
      await (sandbox as Sandbox).apply(granted);
      outputs = (sandbox as Sandbox).outputs();
      const sameResources = outputs.keyArn === before.keyArn && outputs.tableArn === before.tableArn;
      say(
        notes,
        `key ${sameResources ? "and table unchanged" : "or table REPLACED"}; key policy updated in place`,
      );
      const seedStillThere = await readSeedItem((sandbox as Sandbox).endpoint, outputs, seed as SeedItem);
      const seedName = describeKey((seed as SeedItem).key);
      say(notes, seedStillThere ? `item ${seedName} is still there` : `item ${seedName} is GONE`);
      planBeforeGrant = plan;
      plan = granted;
      return (
        onlyKeyPolicy && sameResources && seedStillThere && planOutputs(granted).users[GRANTED_USER].keyUser
      );
    });

    await step("Check data access again: the granted user gets in", async (notes) => {
      const checks = await runChecks({
        outputs: (sandbox as Sandbox).outputs(),
        endpoint: sandbox?.endpoint,
      });
      report.phases.push({ name: "after-grant", ok: checks.ok, results: checks.results });
      say(notes, formatCheckTable(checks));
      const granted = checks.results.filter(
        (r) => r.user === GRANTED_USER && r.operation !== "GetCallerIdentity",
      );
      return checks.ok && granted.every((r) => r.actual === "allowed");
    });

    await step("Prove who can decrypt from the plans alone, before and after the grant", async (notes) =>
      accessStep({
        before: planBeforeGrant as Plan,
        after: plan as Plan,
        phases: report.phases,
        htmlFile: options.accessHtml,
        say: (line) => say(notes, line),
        otherKeyPolicy: strictPlan,
      }),
    );

    const afterGrant = report.phases[report.phases.length - 1];
    const served = sandbox as Sandbox;
    await runLifecycleDrills(
      {
        step,
        say,
        addPhase: (name, checks) =>
          report.phases.push({
            name,
            ok: checks.ok,
            results: checks.results,
            ...(checks.accessChanges ? { accessChanges: checks.accessChanges } : {}),
          }),
        sandbox: served,
        projectDir,
        plan: plan as Plan,
        lastChecks: { ok: afterGrant.ok, results: afterGrant.results },
        seedReadable: () => readSeedItem(served.endpoint, served.outputs(), seed as SeedItem),
      },
      SCENARIO_STACK,
      GRANTED_USER,
    );
    report.ok = true;
  } catch (err) {
    if (!(err instanceof StepFailed)) {
      throw err;
    }
  } finally {
    // A pack handed in is stopped here when the guard step never ran (stop is a no-op the second time).
    await options.pack?.then(
      (pack) => pack.stop(),
      () => undefined,
    );
    await sandbox?.stop();
  }
  return report;
}

function mandatoryOnly(report: PolicyReport): PolicyReport {
  return {
    ...report,
    violations: report.violations.filter((v) => v.enforcementLevel === "mandatory"),
    advisory: 0,
  };
}
