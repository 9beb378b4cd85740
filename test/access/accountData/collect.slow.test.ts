/**
 * Account data collected from a running sandbox with the real AWS CLI (`npm run collect -- --endpoint`),
 * then `npm run access -- --account-data` on a plan that does not create every principal of the account:
 * the decisions of the analysis equal the sandbox's live decisions, over HTTP with SDK v3, for the
 * plan's principals and for the one only the account data knows.
 *
 * The sandbox is deployed with the dev stack plus a user "auditor" whose inline policy allows kms:Decrypt
 * on the key (KMS Developer Guide, "Default key policy": under the root statement an IAM policy lets its
 * principal use the key, https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html);
 * the plan analysed is the plain dev stack, which does not create it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { readAccountData } from "../../../access/accountData/read";
import { analyzeModel, loadAccessModel } from "../../../access/analyze";
import { main as collect } from "../../../cli/collect";
import { synthesize } from "../../../plan/synth";
import type { Plan } from "../../../plan/types";
import { Sandbox } from "../../../sandbox";
import { requireAwsCli } from "../../support/awsCli";
import { devConfig, withUserPolicy } from "../../support/plan";
import { differencesOf, probe, type Signer } from "../../support/prober";
import { credentialsOf, programUser } from "../../support/sandbox";
import { useTempDir } from "../../support/tempDir";
import { REGION } from "../../support/accessStacks";
import { outsidePolicyPlan } from "../../support/outsidePolicyStack";
import {
  MEMBER,
  MEMBER_KEY,
  organizationPlan,
  ORG_ID,
  OUTSIDER,
  OUTSIDER_KEY,
} from "../../support/organizationStack";

const AUDITOR = { name: "auditor", dynamodbAccess: "readonly", keyUser: false };

/** The dev plan with `user`'s inline policy allowing kms:Decrypt on the stack's key. */
function withDecrypt(plan: Plan, user: string): Plan {
  return withUserPolicy(plan, {
    user,
    name: "decrypt",
    logicalName: `${user}-decrypt`,
    id: `${user}:decrypt`,
    statements: ({ keyArn }) => [
      { Sid: "DecryptTheTableKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn },
    ],
  });
}

/** `npm run collect -- --out OUT --endpoint` as the sandbox's deployer, with the real AWS CLI. */
async function collectFrom(sandbox: Sandbox, region: string, out: string, cwd: string) {
  const deployer = sandbox.deployerCredentials();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: deployer.accessKeyId,
    AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
  };
  let stdout = "";
  let stderr = "";
  const code = await collect(["--out", out, "--endpoint", sandbox.endpoint], {
    env,
    cwd,
    stdout: (text) => void (stdout += `${text}\n`),
    stderr: (text) => void (stderr += `${text}\n`),
  });
  return { code, stdout, stderr };
}

describe("account data collected from the sandbox with the AWS CLI equals its live decisions (slow)", function () {
  this.timeout(10 * 60_000);
  const dir = useTempDir("collected");
  const sandboxes: Sandbox[] = [];
  const start = async (): Promise<Sandbox> => {
    const started = await Sandbox.start();
    sandboxes.push(started);
    return started;
  };

  before(function () {
    requireAwsCli(this);
  });
  after(async () => {
    for (const started of sandboxes.splice(0)) {
      await started.stop();
    }
  });

  it("collects, analyses a plan without the auditor, and matches every cell observed over HTTP", async function () {
    const users = [...(devConfig()["kms-dynamodb:users"] as object[]), AUDITOR];
    const deployed = withDecrypt(
      await synthesize({ stack: "dev", config: devConfig({ "kms-dynamodb:users": users }) }),
      "auditor",
    );
    const sandbox = await start();
    await sandbox.apply(deployed);
    const outputs = sandbox.outputs();

    const out = path.join(dir(), "account");
    const run = await collectFrom(sandbox, outputs.region, out, dir());
    expect(run.code, run.stderr).to.equal(0);
    // The sandbox's stack is in no organization (OrganizationsNotInUse), which the collector notes.
    expect(run.stderr).to.match(/the account is in no organization/);
    expect(fs.statSync(out).mode & 0o777).to.equal(0o700);
    for (const file of fs.readdirSync(out, { recursive: true }) as string[]) {
      const stat = fs.statSync(path.join(out, file));
      expect(stat.mode & 0o777, file).to.equal(stat.isDirectory() ? 0o700 : 0o600);
    }

    const plan = await synthesize({ stack: "dev", config: devConfig() });
    const access = await loadAccessModel(plan, { accountData: readAccountData(out) });
    const report = await analyzeModel(access);
    const auditor = report.principals.find((principal) => principal.name === "auditor");
    expect(auditor?.fromAccountData).to.equal(true);
    expect(report.decryptors).to.include(auditor?.arn);

    const signers: Signer[] = ["app-user", "kms-test-user", "auditor"].map((name) => ({
      arn: report.principals.find((principal) => principal.name === name)?.arn ?? name,
      ...credentialsOf(outputs, name),
    }));
    const observations = await probe({
      endpoint: sandbox.endpoint,
      region: outputs.region,
      model: access.model,
      report,
      signers,
    });
    expect(observations.length).to.be.greaterThan(20);
    const differences = differencesOf(observations, report);
    expect(differences).to.deep.equal([]);
    console.log(
      `      ${observations.length} cells observed over HTTP equal the analysis of the collected data`,
    );
  });

  it("with groups, boundaries, SCPs and RCPs: a plan of the key and table alone, the rest from the account", async function () {
    // The stack of test/sandbox/iam/outsidePolicies.int.test.ts: u0 reads and writes through its group,
    // u1 and u2 are key users under boundaries, an SCP denies DeleteItem and an RCP a direct Decrypt.
    const full = outsidePolicyPlan("acct");

    const sandbox = await start();
    await sandbox.apply(full);
    const out = path.join(dir(), "account");
    const run = await collectFrom(sandbox, REGION, out, dir());
    expect(run.code, run.stderr).to.equal(0);
    expect(fs.readdirSync(path.join(out, "policy-targets")).length).to.be.greaterThan(1);

    // The plan keeps the key and the table only: users, groups, policies and the organization are the account's.
    const keyAndTable: Plan = {
      ...full,
      steps: full.steps.filter((step) => !/^aws:(iam|organizations)\//.test(step.newState?.type ?? "")),
    };
    const access = await loadAccessModel(keyAndTable, { accountData: readAccountData(out) });
    const report = await analyzeModel(access);
    expect(access.model.organization?.policies.map((policy) => policy.name).sort()).to.include.members([
      "FullAWSAccess",
    ]);
    const signers: Signer[] = ["acct-u0", "acct-u1", "acct-u2"].map((name) => {
      const principal = report.principals.find((candidate) => candidate.name === name);
      expect(principal?.fromAccountData, name).to.equal(true);
      const { accessKeyId, secretAccessKey } = programUser(sandbox, name);
      return { arn: principal?.arn ?? name, accessKeyId, secretAccessKey };
    });
    const observations = await probe({
      endpoint: sandbox.endpoint,
      region: REGION,
      model: access.model,
      report,
      signers,
    });
    expect(differencesOf(observations, report)).to.deep.equal([]);
    // What the four sources decide, seen both ways: the group lets u0 read; the SCP stops DeleteItem.
    expect(
      observations.find((o) => o.principal === signers[0].arn && o.operation === "GetItem")?.observed,
    ).to.equal("allowed");
    expect(
      observations.find((o) => o.principal === signers[0].arn && o.operation === "DeleteItem")?.observed,
    ).to.equal("denied-by-iam");
    console.log(
      `      ${observations.length} cells with groups, boundaries, SCPs and RCPs from collected data equal the live sandbox`,
    );
  });

  it("with the organization's structure: describe-organization, list-roots, list-accounts, list-parents, decided as the sandbox decides aws:PrincipalOrgID", async function () {
    // test/support/organizationStack.ts: a table policy and a key policy let in the organization's
    // principals (IAM User Guide, "AWS global condition context keys": aws:PrincipalOrgID is present only
    // for a member account's principal).
    const full = organizationPlan("organization");
    const sandbox = await start();
    await sandbox.apply(full);
    const out = path.join(dir(), "account");
    const run = await collectFrom(sandbox, REGION, out, dir());
    expect(run.code, run.stderr).to.equal(0);
    for (const file of ["organization.json", "organization-roots.json", "organization-accounts.json"]) {
      expect(fs.existsSync(path.join(out, file)), file).to.equal(true);
    }
    // The plan keeps all but the organization: its structure is the account data's.
    const withoutOrganization: Plan = {
      ...full,
      steps: full.steps.filter((step) => !/^aws:organizations\//.test(step.newState?.type ?? "")),
    };
    const data = readAccountData(out);
    expect(data.organization?.id).to.equal(ORG_ID);
    const access = await loadAccessModel(withoutOrganization, { accountData: data });
    const report = await analyzeModel(access);
    const signers: Signer[] = [
      { arn: MEMBER, ...MEMBER_KEY },
      { arn: OUTSIDER, ...OUTSIDER_KEY },
    ];
    const observations = await probe({
      endpoint: sandbox.endpoint,
      region: REGION,
      model: access.model,
      report,
      signers,
    });
    expect(differencesOf(observations, report)).to.deep.equal([]);
    const getItem = (principal: string, table: string) =>
      observations.find((o) => o.principal === principal && o.operation === "GetItem" && o.table === table)
        ?.observed;
    expect(getItem(MEMBER, "rp-t0")).to.equal("allowed");
    expect(getItem(MEMBER, "rp-t1")).to.equal("allowed");
    expect(getItem(OUTSIDER, "rp-t0")).to.equal("denied-by-iam");
  });
});
