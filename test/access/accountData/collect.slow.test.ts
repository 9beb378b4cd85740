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
import { reveal } from "../../../plan/values";
import { Sandbox } from "../../../sandbox";
import { requireAwsCli } from "../../support/awsCli";
import { devConfig } from "../../support/plan";
import { probe, type Signer } from "../../support/prober";
import { credentialsOf } from "../../support/sandbox";
import { useTempDir } from "../../support/tempDir";

const AUDITOR = { name: "auditor", dynamodbAccess: "readonly", keyUser: false };

/** The dev plan with `user`'s inline policy allowing kms:Decrypt on the stack's key. */
function withDecrypt(plan: Plan, user: string): Plan {
  const revealed = reveal(plan) as Plan;
  const keyArn = (revealed.outputs as { keyArn: string }).keyArn;
  const state = {
    type: "aws:iam/userPolicy:UserPolicy",
    urn: `urn:pulumi:dev::kms-dynamodb::aws:iam/userPolicy:UserPolicy::${user}-decrypt`,
    custom: true,
    id: `${user}:decrypt`,
    inputs: {
      name: "decrypt",
      user,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "DecryptTheTableKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn }],
      }),
    },
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
  };
  return {
    ...revealed,
    steps: [...revealed.steps, { op: "create", urn: state.urn, newState: state, detailedDiff: null }],
  };
}

describe("account data collected from the sandbox with the AWS CLI equals its live decisions (slow)", function () {
  this.timeout(10 * 60_000);
  const dir = useTempDir("collected");
  let sandbox: Sandbox | undefined;

  before(function () {
    requireAwsCli(this);
  });
  after(async () => sandbox?.stop());

  it("collects, analyses a plan without the auditor, and matches every cell observed over HTTP", async function () {
    const users = [...(devConfig()["kms-dynamodb:users"] as object[]), AUDITOR];
    const deployed = withDecrypt(
      await synthesize({ stack: "dev", config: devConfig({ "kms-dynamodb:users": users }) }),
      "auditor",
    );
    sandbox = await Sandbox.start();
    await sandbox.apply(deployed);
    const outputs = sandbox.outputs();
    const deployer = sandbox.deployerCredentials();

    const out = path.join(dir(), "account");
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: deployer.accessKeyId,
      AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey,
      AWS_DEFAULT_REGION: outputs.region,
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_MAX_ATTEMPTS: "1",
    };
    const run = await (async () => {
      let stdout = "";
      let stderr = "";
      const code = await collect(["--out", out, "--endpoint", sandbox.endpoint], {
        env,
        cwd: dir(),
        stdout: (text) => void (stdout += `${text}\n`),
        stderr: (text) => void (stderr += `${text}\n`),
      });
      return { code, stdout, stderr };
    })();
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
    const differences = observations.flatMap((observation) => {
      const cell = report.cells.find(
        (candidate) =>
          candidate.principal === observation.principal &&
          candidate.operation === observation.operation &&
          candidate.table === observation.table,
      );
      return cell?.decision === observation.observed
        ? []
        : [
            `${observation.principal} ${observation.operation}: static ${cell?.decision ?? "none"}, live ${observation.observed}`,
          ];
    });
    expect(differences).to.deep.equal([]);
    console.log(
      `      ${observations.length} cells observed over HTTP equal the analysis of the collected data`,
    );
  });
});
