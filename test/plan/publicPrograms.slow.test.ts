/**
 * Programs written the way public Pulumi programs are, and the Pulumi registry's own examples, through
 * `npm run synth` and `npm run policy` as CLI processes with `--project`, as a team would point them at
 * its program. The programs are in test/fixtures/programs (written for the tests; README there); the
 * registry examples for aws.dynamodb.Table, aws.dynamodb.GlobalTable and aws.kms.Key are read at run
 * time from the workspace's installed @pulumi/aws, whose doc comments the registry pages are built from.
 * This file installs nothing: CI runs `npm ci --prefix test/fixtures/programs` first (.ci/run).
 *
 * The verdicts: a table on no key or on AWS's key (alias/aws/dynamodb) is rejected, a table on a key of
 * the stack passes, a remote component is reported, an invoke nothing answers fails closed.
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import type { PolicyReport } from "../../guard/report";
import { declaredStates, type Plan } from "../../plan/types";
import { UNKNOWN_VALUE } from "../../plan/values";
import { fixturePath, REPO_ROOT } from "../support/paths";
import { tempDirForThisTest } from "../support/tempDir";

const PROGRAMS = fixturePath("programs");
const program = (name: string) => path.join(PROGRAMS, name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run NAME -- ARGS` from the repository, as a user runs it. */
function npmRun(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", name, "--", ...args], {
      cwd: REPO_ROOT,
      // A variable set to undefined is left out: unset, as a user without it has it.
      env: Object.fromEntries(
        Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined),
      ),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function synth(name: string, stack = "dev", ...args: string[]): Promise<Plan> {
  const run = await npmRun("synth", ["--stack", stack, "--project", program(name), ...args]);
  expect(run.code, `synth ${name} ${stack}: ${run.stderr}`).to.equal(0);
  return JSON.parse(run.stdout) as Plan;
}

async function policy(
  name: string,
  stack = "dev",
  ...args: string[]
): Promise<Run & { report: PolicyReport }> {
  const run = await npmRun("policy", ["--stack", stack, "--project", program(name), "--json", ...args]);
  expect(run.code, `policy ${name} ${stack}: ${run.stderr}`).to.be.oneOf([0, 1]);
  return { ...run, report: JSON.parse(run.stdout) as PolicyReport };
}

/** The logical names of the resources with a mandatory violation of `policyName` (any policy if absent). */
function rejected(report: PolicyReport, policyName?: string): string[] {
  return report.violations
    .filter(
      (v) => v.enforcementLevel === "mandatory" && (policyName === undefined || v.policyName === policyName),
    )
    .map((v) => v.urn.split("::").at(-1) as string);
}

const CMK_RULE = "dynamodb-table-customer-managed-key";

describe("public-style programs through npm run synth and npm run policy", function () {
  this.timeout(300_000);

  before(function () {
    if (!existsSync(path.join(PROGRAMS, "node_modules", "@pulumi", "pulumi"))) {
      throw new Error("the fixture programs are not installed: run npm ci --prefix test/fixtures/programs");
    }
  });

  it("resource objects as inputs, auto-names, an object policy, topic.onEvent: a table on the stack's key passes", async () => {
    const [full, preview, verdict] = await Promise.all([
      synth("iam-resource-objects"),
      synth("iam-resource-objects", "dev", "--preview"),
      policy("iam-resource-objects"),
    ]);
    const role = declaredStates(full).find((s) => s.urn.endsWith("aws:iam/role:Role::myrole"))!;
    const preRole = declaredStates(preview).find((s) => s.urn.endsWith("aws:iam/role:Role::myrole"))!;
    expect(role.inputs.name)
      .to.match(/^myrole-[0-9a-f]{7}$/)
      .and.equal(preRole.inputs.name);
    const inline = declaredStates(full).find((s) => s.type === "aws:iam/rolePolicy:RolePolicy")!;
    expect(inline.inputs.name).to.match(/^myrolepolicy-[0-9a-f]{7}$/);
    expect(verdict.code).to.equal(0);
    expect(rejected(verdict.report)).to.deep.equal([]);
  });

  it("getPolicyDocumentOutput and random.RandomString: AWS's key rejected, the stack's key through its alias passes", async () => {
    const [full, verdict] = await Promise.all([
      synth("policy-document-random"),
      policy("policy-document-random"),
    ]);
    const role = declaredStates(full).find((s) => s.type === "aws:iam/role:Role")!;
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0]).to.deep.equal({
      Sid: "",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Principal: { Service: "appsync.amazonaws.com" },
    });
    const ledger = declaredStates(full).find((s) => s.urn.endsWith("::ledger"))!;
    expect(ledger.inputs.name).to.match(/^ledger-[a-z0-9]{8}$/);
    expect(JSON.stringify(full)).to.not.contain("undefined");
    expect(verdict.code).to.equal(1);
    expect(rejected(verdict.report, CMK_RULE)).to.deep.equal(["tenants"]);
    expect(rejected(verdict.report)).to.not.include("ledger");
  });

  it("remote components: recorded as such, reported by the guard unless trusted", async () => {
    const [full, verdict, trusting] = await Promise.all([
      synth("remote-components"),
      policy("remote-components"),
      policy(
        "remote-components",
        "dev",
        "--trust-component",
        "aws-apigateway:index:RestAPI",
        "--trust-component",
        "awsx:ec2:DefaultVpc",
      ),
    ]);
    const remote = declaredStates(full)
      .filter((s) => s.remote === true)
      .map((s) => s.type);
    expect(remote).to.have.members(["aws-apigateway:index:RestAPI", "awsx:ec2:DefaultVpc"]);
    expect(verdict.code).to.equal(1);
    expect(rejected(verdict.report, "remote-component-not-analyzed")).to.have.members(["api", "default-vpc"]);
    expect(rejected(verdict.report, CMK_RULE)).to.deep.equal(["counterTable"]);
    expect(rejected(trusting.report)).to.deep.equal(["counterTable"]);
  });

  it("an awsx 0.x program: its local components' children are analyzed; a table on AWS's key is rejected", async () => {
    const [full, verdict] = await Promise.all([synth("awsx0-table-api"), policy("awsx0-table-api")]);
    expect(declaredStates(full).some((s) => s.type === "aws:apigateway/restApi:RestApi")).to.equal(true);
    expect(declaredStates(full).some((s) => s.remote === true)).to.equal(false);
    expect(verdict.code).to.equal(1);
    expect(rejected(verdict.report, CMK_RULE)).to.deep.equal(["users"]);
  });

  it("tls, command and archive next to an invoke that reads the cloud: unknown, named, failing closed until recorded", async () => {
    const dir = tempDirForThisTest("recorded-invokes");
    const [full, verdict] = await Promise.all([synth("other-providers"), policy("other-providers")]);
    const key = declaredStates(full).find((s) => s.urn.endsWith("::deploy-key"))!;
    expect(key.outputs.publicKeyOpenssh).to.match(/^ssh-ed25519 /);
    expect(full.unknownOutputs?.find((u) => u.type === "command:local:Command")?.properties).to.include(
      "stdout",
    );
    const events = declaredStates(full).find((s) => s.urn.endsWith("::events"))!;
    expect((events.inputs.serverSideEncryption as Record<string, unknown>).kmsKeyArn).to.equal(UNKNOWN_VALUE);
    expect(full.unresolvedInvokes?.map((call) => call.token)).to.include("aws:ssm/getParameter:getParameter");
    expect(verdict.stderr).to.contain("invoke aws:ssm/getParameter:getParameter");
    expect(verdict.stderr).to.contain('"token":"aws:ssm/getParameter:getParameter"');
    expect(verdict.code).to.equal(1);
    expect(rejected(verdict.report)).to.deep.equal(["events"]);
    // Recorded, the parameter names a customer-managed key, and the table passes.
    const invokes = path.join(dir, "invokes.json");
    writeFileSync(
      invokes,
      JSON.stringify([
        {
          token: "aws:ssm/getParameter:getParameter",
          args: { name: "/shop/events-key-arn" },
          result: {
            name: "/shop/events-key-arn",
            type: "String",
            value: "arn:aws:kms:us-east-1:111122223333:key/0d4f2a6e-1b3c-4d5e-8f90-123456789abc",
          },
        },
      ]),
    );
    const recorded = await policy("other-providers", "dev", "--invokes", invokes);
    expect(recorded.code).to.equal(0);
    expect(recorded.stderr).to.not.contain("invoke aws:ssm/getParameter:getParameter");
  });

  it("an imported-material key (aws.kms.ExternalKey), directly and through its alias", async () => {
    const [full, verdict] = await Promise.all([synth("kms-external-key"), policy("kms-external-key")]);
    const key = declaredStates(full).find((s) => s.type === "aws:kms/externalKey:ExternalKey")!;
    expect(key.outputs.arn).to.match(/^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]{36}$/);
    expect(full.invokes.map((call) => call.token)).to.include(
      "aws:index/getCallerIdentity:getCallerIdentity",
    );
    // A key of imported material is a customer-managed key (KMS Developer Guide, "Importing key material
    // for AWS KMS keys"): tables on it, by ARN or through its alias, pass.
    expect(
      rejected(verdict.report).filter((name) => name === "payments" || name === "refunds"),
    ).to.deep.equal([]);
    expect(verdict.code).to.equal(0);
  });
});

describe("the Pulumi registry's examples, unmodified, through npm run synth and npm run policy", function () {
  this.timeout(300_000);
  const REGISTRY = "registry-examples";

  it("aws.dynamodb.Table, basic and with replicas, and aws.dynamodb.GlobalTable: tables on no key are rejected", async () => {
    const [basic, replicas, global] = await Promise.all([
      policy(REGISTRY, "table-basic"),
      policy(REGISTRY, "table-replicas"),
      policy(REGISTRY, "globaltable"),
    ]);
    expect(rejected(basic.report, CMK_RULE)).to.deep.equal(["basic-dynamodb-table"]);
    expect(rejected(replicas.report, CMK_RULE)).to.include("example");
    expect(rejected(global.report, CMK_RULE)).to.include.members(["myTable"]);
    for (const run of [basic, replicas, global]) {
      expect(run.code).to.equal(1);
    }
  });

  it("aws.kms.Key, alone and with a standalone policy resource: no mandatory violation", async () => {
    const [plan, symmetric, standalone] = await Promise.all([
      synth(REGISTRY, "key-standalone-policy"),
      policy(REGISTRY, "key-symmetric"),
      policy(REGISTRY, "key-standalone-policy"),
    ]);
    expect(declaredStates(plan).map((s) => s.type)).to.include("aws:kms/keyPolicy:KeyPolicy");
    expect([symmetric.code, standalone.code]).to.deep.equal([0, 0]);
  });
});

describe("state files through npm run policy -- --file, as CLI processes", function () {
  this.timeout(120_000);
  const state = (name: string) => fixturePath("state", "written-for-tests", name);

  it("opens passphrase secrets with PULUMI_CONFIG_PASSPHRASE and names them without it; the verdict is the same", async () => {
    const without = await npmRun("policy", ["--file", state("stack-export-v3-passphrase.json"), "--json"], {
      PULUMI_CONFIG_PASSPHRASE: undefined,
    });
    const withPassphrase = await npmRun(
      "policy",
      ["--file", state("stack-export-v3-passphrase.json"), "--json"],
      {
        PULUMI_CONFIG_PASSPHRASE: "offline-preview-test-passphrase",
      },
    );
    expect([without.code, withPassphrase.code]).to.deep.equal([1, 1]);
    expect(without.stderr).to.contain("is unknown: encrypted by passphrase");
    expect(withPassphrase.stderr).to.not.contain("is unknown");
    expect(rejected(JSON.parse(withPassphrase.stdout) as PolicyReport)).to.include("audit");
    const wrong = await npmRun("policy", ["--file", state("stack-export-v3-passphrase.json")], {
      PULUMI_CONFIG_PASSPHRASE: "not it",
    });
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.match(/^error: .*incorrect passphrase/m);
  });

  it("refuses a v4 checkpoint with an unsupported feature, in the engine's words", async () => {
    const run = await npmRun("policy", ["--file", state("checkpoint-v4-unsupported-feature.json")]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(
      "this stack's deployment needs support for the following features: time-travel",
    );
  });
});
