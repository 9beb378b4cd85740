/**
 * The guard over exported stack state: `npm run policy -- --file STATE.json`, the offline form of
 * `pulumi policy analyze` ("Analyze the current stack's resources with the given policy packs",
 * https://www.pulumi.com/docs/iac/cli/commands/pulumi_policy_analyze/ ; a `--file` option appears in
 * pulumi/pulumi PR #23664). The state is in the engine's export format, deployment version 3
 * (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/ ; sdk/go/common/apitype
 * DeploymentV3), including a file taken from the Pulumi project's own tests (test/fixtures/state).
 * And the guard over a program folder run as the Pulumi Node runtime runs it.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { main, planOfState } from "../../cli/policy";
import type { PolicyReport } from "../../guard/report";
import { analyzePlan } from "../../guard/run";
import {
  parseDeployment,
  readCheckpoint,
  checkpointAfter,
  CheckpointError,
  toDeployment,
} from "../../plan/checkpoint";
import { synthesize } from "../../plan/synth";
import { isSecret, reveal } from "../../plan/values";
import noncompliantTables from "../../examples/noncompliant-table";
import { devConfig } from "../support/plan";
import { lendSharedPack, withSharedPack } from "../support/sharedPack";
import { processIo } from "../../cli/runner";
import { examplePath, fixturePath } from "../support/paths";
import { useTempDir } from "../support/tempDir";

const FIXTURE = fixturePath("state", "pulumi-aliases-rename-component.json");
const TOP_LEVEL = examplePath("top-level-program");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function policy(argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    // The test run's pack, lent for the analysis (test/support/sharedPack.ts).
    const code = await main(argv, processIo(), { startPack: lendSharedPack });
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}

describe("state files in the engine's export format", () => {
  it("reads the Pulumi project's own test state (deployment v3) with its parents", () => {
    const state = readCheckpoint(FIXTURE);
    expect(state.resources.map((resource) => resource.type)).to.deep.equal([
      "pulumi:pulumi:Stack",
      "my:module:ComponentThree",
      "my:module:Resource",
      "my:module:Resource",
    ]);
    expect(state.resources[1].parent).to.equal(state.resources[0].urn);
    expect(state.resources.every((resource) => !resource.custom && resource.id === undefined)).to.equal(true);
  });

  it("round-trips a stack's state, secrets included, as `pulumi stack export --show-secrets` writes them", async () => {
    const plan = await synthesize({ stack: "dev", config: devConfig() });
    const state = checkpointAfter(plan);
    const document = toDeployment(state, new Date("2026-01-01T00:00:00Z")) as {
      deployment: { resources: { outputs: Record<string, unknown> }[] };
    };
    const text = JSON.stringify(document);
    const secret = (reveal(plan.outputs) as { users: Record<string, { secretAccessKey: string }> }).users[
      "app-user"
    ].secretAccessKey;
    // The engine's plaintext secret form: the value is JSON text beside the secret signature.
    expect(text).to.contain(`"plaintext":${JSON.stringify(JSON.stringify(secret))}`);
    const back = parseDeployment(JSON.parse(text), "round-trip");
    expect(back).to.deep.equal(state);
    const accessKey = back.resources.find((resource) => resource.type === "aws:iam/accessKey:AccessKey")!;
    expect(isSecret(accessKey.outputs.secret)).to.equal(true);
  });

  it("refuses what is not a deployment v1 to v4, naming the file and the field", () => {
    const bad = (document: unknown) => () => parseDeployment(document, "state.json");
    expect(bad({ version: 5, deployment: {} })).to.throw(
      CheckpointError,
      /^state\.json: version is 5: this stack's deployment version is too new/,
    );
    expect(bad({ deployment: {} })).to.throw(
      CheckpointError,
      /^state\.json: version is 0: this stack's deployment is too old/,
    );
    expect(bad({ version: 3, deployment: { resources: [{ urn: "x" }] } })).to.throw(
      CheckpointError,
      "state.json: deployment.resources[0].type is missing, expected a string",
    );
    expect(bad([])).to.throw(CheckpointError, "state.json: the document is not a JSON object");
  });

  it("reads a backend checkpoint file (`.pulumi/stacks/...`) too", () => {
    const state = parseDeployment(
      {
        version: 3,
        checkpoint: { stack: "dev", latest: JSON.parse(JSON.stringify(readFixtureDeployment())) },
      },
      "dev.json",
    );
    expect(state.resources).to.have.length(4);
  });
});

function readFixtureDeployment(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(FIXTURE) as { deployment: unknown }).deployment;
}

describe("the guard over a state file (npm run policy -- --file)", function () {
  this.timeout(180_000);
  const stateDir = useTempDir("policy-state", { per: "suite" });
  let dir: string;
  before(() => {
    dir = stateDir();
  });

  it("analyzes the Pulumi project's test state and finds nothing to refuse (exit 0)", async () => {
    const run = await policy(["--file", FIXTURE, "--json"]);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.equal({
      violations: [],
      notApplicable: [],
      mandatory: 0,
      advisory: 0,
    });
  });

  it("fails a state with non-compliant tables with the same messages as a preview (exit 1)", async () => {
    const config = { "aws:region": "us-east-1" };
    const deployed = await synthesize({ stack: "noncompliant", config, program: noncompliantTables });
    const file = path.join(dir, "noncompliant.json");
    writeFileSync(file, JSON.stringify(toDeployment(checkpointAfter(deployed), new Date())), { mode: 0o600 });

    const run = await policy(["--file", file, "--json", "--policy-pack", path.resolve("policy-pack")]);
    expect(run.code).to.equal(1);
    const fromState = JSON.parse(run.stdout) as PolicyReport;
    const preview = await synthesize({
      stack: "noncompliant",
      config,
      program: noncompliantTables,
      preview: true,
    });
    const fromPreview = await withSharedPack((client) => analyzePlan(client, preview, {}, () => undefined));
    const messages = (report: PolicyReport) =>
      report.violations
        .filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => [v.urn, v.policyName, v.message]);
    expect(messages(fromState)).to.deep.equal(messages(fromPreview));
    expect(messages(fromState).map(([urn]) => urn.split("::").at(-1))).to.include.members([
      "default-encryption",
      "aws-managed-key",
    ]);
  });

  it("exits 2 with one line on a file that is not a state", async () => {
    const file = path.join(dir, "not-state.json");
    writeFileSync(file, JSON.stringify({ version: 3, resources: [] }));
    const missing = await policy(["--file", path.join(dir, "missing.json")]);
    const wrong = await policy(["--file", file]);
    const both = await policy(["--file", file, "--stack", "dev"]);
    expect([missing.code, wrong.code, both.code]).to.deep.equal([2, 2, 2]);
    expect(missing.stderr).to.equal(`error: --file: "${path.join(dir, "missing.json")}" does not exist\n`);
    expect(wrong.stderr.trim().split("\n")).to.deep.equal([
      `error: ${file}: deployment is missing or not an object`,
    ]);
    expect(both.stderr).to.match(/^error: --file analyzes a state without running a program/);
  });

  it("gives the same verdicts on the stack in every state format the engine writes", async () => {
    const written = (name: string) => fixturePath("state", "written-for-tests", name);
    for (const name of [
      "checkpoint-v1.json",
      "checkpoint-v3-b64.json",
      "checkpoint-v4.json",
      "stack-export-v3-show-secrets.json",
      "stack-export-v3-passphrase.json",
      "stack-export-v4-awskms.json",
    ]) {
      const run = await policy(["--file", written(name), "--json"]);
      expect(run.code, `${name}: ${run.stderr}`).to.equal(1);
      const refused = (JSON.parse(run.stdout) as PolicyReport).violations
        .filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => v.urn.split("::").at(-1));
      expect(refused, name).to.include("audit");
      expect(refused, name).to.not.include("orders");
      if (name === "stack-export-v4-awskms.json" || name === "stack-export-v3-passphrase.json") {
        // Without PULUMI_CONFIG_PASSPHRASE or the cloud KMS, the secrets are unknown, and said to be.
        expect(run.stderr).to.match(
          /secret outputs\.secret of urn:pulumi:dev::shop::aws:iam\/accessKey:AccessKey::app-key is unknown: encrypted by /,
        );
      }
    }
    const unsupported = await policy(["--file", written("checkpoint-v4-unsupported-feature.json")]);
    expect(unsupported.code).to.equal(2);
    expect(unsupported.stderr).to.contain("needs support for the following features: time-travel");
  });

  it("refuses a data dir with no checkpoint (exit 2) rather than passing its zero resources", async () => {
    const run = await policy(["--file", dir]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/is a directory without a checkpoint\.json: nothing was deployed there/);
  });

  it("plans the state's resources as they are: each one a same step", () => {
    const plan = planOfState(readCheckpoint(FIXTURE));
    expect(plan.steps.map((step) => step.op)).to.deep.equal(["same", "same", "same", "same"]);
  });
});

describe("the guard over a top-level program folder (npm run policy -- --project)", function () {
  this.timeout(300_000);

  it("runs it as the Pulumi Node runtime does and rejects its table without a customer-managed key", async () => {
    const run = await policy(["--stack", "dev", "--project", TOP_LEVEL, "--json"]);
    expect(run.code).to.equal(1);
    const report = JSON.parse(run.stdout) as PolicyReport;
    const refused = report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.urn);
    expect(refused).to.include("urn:pulumi:dev::top-level-program::aws:dynamodb/table:Table::sessions");
    expect(refused).to.not.include("urn:pulumi:dev::top-level-program::aws:dynamodb/table:Table::orders");
  });

  it("gives every resource of the program plausible outputs and the module's exported consts as outputs", async () => {
    const plan = await synthesize({ stack: "dev", projectDir: TOP_LEVEL, program: { folder: TOP_LEVEL } });
    const byName = (name: string) => plan.steps.find((step) => step.urn.endsWith(`::${name}`))?.newState;
    expect(reveal(plan.outputs)).to.deep.include({ ordersTable: "orders" });
    const fn = byName("reader")!;
    expect(fn.type).to.equal("aws:lambda/function:Function");
    expect(String(fn.outputs.arn)).to.match(
      /^arn:aws:lambda:eu-west-1:111122223333:function:reader-[0-9a-f]{7}$/,
    );
    // The asset archive reaches the engine as the runtime serialized it.
    expect(JSON.stringify(fn.inputs.code)).to.contain('"path":"./app"');
    const role = byName("reader-role")!;
    expect(String(role.outputs.arn)).to.match(/^arn:aws:iam::111122223333:role\/reader-role-[0-9a-f]{7}$/);
    expect(reveal(byName("reader-table")!.inputs.policy)).to.contain(":table/orders");
  });
});
