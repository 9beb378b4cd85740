/**
 * access/accountData/merge.ts: `npm run access -- --account-data DIR` merges the plan with the account as it
 * is. Expectations come from AWS's documented rules, cited at each test:
 * - KMS Developer Guide, "Default key policy" (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html):
 *   the statement naming the account root lets the account's IAM policies allow use of the key, which the
 *   dev stack's key policy keeps (EnableIamPoliciesThroughAccountRoot);
 * - IAM User Guide, "Policy evaluation logic" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 *   no statement allows, an implicit deny;
 * - KMS Developer Guide, "Grants in AWS KMS" (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html)
 *   and API reference GrantConstraints: a grant constrained to the table's encryption context allows
 *   DynamoDB's decrypt for that table, not a direct Decrypt.
 */
import * as path from "node:path";
import { expect } from "chai";
import { readAccountData } from "../../../access/accountData/read";
import { analyzeModel, loadAccessModel } from "../../../access/analyze";
import type { AccessReport } from "../../../access/types";
import { main } from "../../../cli/access";
import { isUserError } from "../../../common/userError";
import { synthesize } from "../../../plan/synth";
import type { Plan } from "../../../plan/types";
import { reveal } from "../../../plan/values";
import { writeAccountData, type AccountDataSpec } from "../../support/accountData";
import { runMainInProcess } from "../../support/inProcessCli";
import { REPO_ROOT } from "../../support/paths";
import { devConfig } from "../../support/plan";
import { useTempDir } from "../../support/tempDir";
import { decisionOf } from "../../support/reportCells";

const ACCOUNT = "123456789012";
const DEPLOYER = {
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
  userId: "AIDADEFAULTDEPLOYER00",
};
const OTHER_KEY = "0987dcba-09fe-87dc-65ba-ab0987654321";
const ALLOW = (action: string | string[]) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: action, Resource: "*" }],
});

function accountOf(plan: Plan): AccountDataSpec {
  const outputs = reveal(plan.outputs) as { keyArn: string; tableName: string };
  const keyId = outputs.keyArn.split("/").pop() as string;
  return {
    accountId: ACCOUNT,
    users: [
      { name: "admin", attached: ["arn:aws:iam::aws:policy/AdministratorAccess"], groups: ["readers"] },
      { name: "reader", inline: { items: ALLOW("dynamodb:GetItem") } },
      { name: "mystery", attached: ["arn:aws:iam::aws:policy/SomePolicyNoOneHasACopyOf"] },
      // The plan's own kms-test-user: the plan's copy decides, not this one.
      { name: "kms-test-user", attached: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
    ],
    groups: [{ name: "readers", inline: { read: ALLOW("dynamodb:Query") } }],
    roles: [
      {
        name: "ops",
        trust: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" },
          ],
        },
        attached: [`arn:aws:iam::${ACCOUNT}:policy/decrypt-everything`],
        boundary: "arn:aws:iam::aws:policy/AdministratorAccess",
      },
    ],
    policies: [{ name: "decrypt-everything", document: ALLOW(["kms:Decrypt", "dynamodb:*"]) }],
    keys: [
      {
        keyId,
        region: "us-east-1",
        policy: ALLOW("kms:*"),
        grants: [
          {
            grantId: "a".repeat(64),
            name: "reader-table",
            grantee: `arn:aws:iam::${ACCOUNT}:user/reader`,
            operations: ["Decrypt"],
            encryptionContextSubset: {
              "aws:dynamodb:tableName": outputs.tableName,
              "aws:dynamodb:subscriberId": ACCOUNT,
            },
          },
          { grantId: "b".repeat(64), grantee: "dynamodb.us-east-1.amazonaws.com", operations: ["Decrypt"] },
        ],
      },
      {
        keyId: OTHER_KEY,
        region: "us-east-1",
        policy: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
              Action: "kms:*",
              Resource: "*",
            },
            // A principal deleted since: the key policy then holds its unique id, not an ARN, and a new
            // PutKeyPolicy naming it would be refused (AWS Knowledge Center, "How do I resolve the AWS KMS key
            // policy error 'Policy contains a statement with one or more invalid principals'?",
            // https://repost.aws/knowledge-center/kms-policy-error-invalid-principals).
            {
              Effect: "Allow",
              Principal: { AWS: "AIDAJQABLZS4A3QDU576Q" },
              Action: "kms:Decrypt",
              Resource: "*",
            },
          ],
        },
      },
    ],
    organizationPolicies: [
      {
        id: "p-FullAWSAccess",
        name: "FullAWSAccess",
        type: "SERVICE_CONTROL_POLICY",
        content: ALLOW("*"),
        targets: [
          { id: "r-abcd", type: "ROOT" },
          { id: ACCOUNT, type: "ACCOUNT" },
        ],
      },
      {
        id: "p-ou0000001",
        name: "OuOnly",
        type: "SERVICE_CONTROL_POLICY",
        content: ALLOW("*"),
        targets: [{ id: "ou-abcd-12345678", type: "ORGANIZATIONAL_UNIT" }],
      },
    ],
  };
}

const cell = (report: AccessReport, name: string, operation: string) =>
  decisionOf(report, { name, operation });

describe("account data merged with the plan (access/accountData/merge.ts)", function () {
  const dir = useTempDir("account-merge", { per: "suite" });
  let plan: Plan;
  let report: AccessReport;
  let access: Awaited<ReturnType<typeof loadAccessModel>>;

  before(async function () {
    plan = await synthesize({ stack: "dev", config: devConfig(), deployer: DEPLOYER });
    writeAccountData(dir(), accountOf(plan));
    access = await loadAccessModel(plan, { accountData: readAccountData(dir()) });
    report = await analyzeModel(access);
  });

  it("adds the account's principals, decided by the policies the account gives them", function () {
    const added = report.principals
      .filter((principal) => principal.fromAccountData === true)
      .map((p) => p.name);
    expect(added).to.have.members(["admin", "reader", "mystery", "ops"]);
    // AdministratorAccess and the root statement of the key policy: the administrator decrypts.
    expect(cell(report, "admin", "GetItem")).to.equal("allowed");
    expect(cell(report, "admin", "kms:Decrypt")).to.equal("allowed");
    // A customer managed policy of the account, read from its default version, allows the role's sessions.
    expect(cell(report, "ops", "GetItem")).to.equal("allowed");
    // A policy whose document the data does not hold: taken at worst.
    expect(cell(report, "mystery", "GetItem")).to.equal("conditional");
  });

  it("applies the account's grants: reader decrypts through DynamoDB for the table of its grant only", function () {
    expect(cell(report, "reader", "GetItem")).to.equal("allowed");
    expect(cell(report, "reader", "kms:Decrypt")).to.equal("denied-by-kms");
    expect(cell(report, "reader", "Query")).to.equal("denied-by-iam");
    // DynamoDB's own grants are the engine's to make, for the tables of the model.
    expect(access.model.grants.map((grant) => grant.grantId)).to.deep.equal(["a".repeat(64)]);
  });

  it("lets the plan's resources replace their copies: the plan's kms-test-user and key policy decide", function () {
    expect(cell(report, "kms-test-user", "GetItem")).to.equal("denied-by-kms");
    const planKey = (reveal(plan.outputs) as { keyArn: string }).keyArn;
    expect(access.model.keys.find((key) => key.arn === planKey)?.policySource).to.equal("key");
    // The account's own key: its policy is taken as KMS holds it, a deleted principal's unique id included.
    expect(access.model.keys.find((key) => key.keyId === OTHER_KEY)).to.include({
      arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${OTHER_KEY}`,
      existing: true,
    });
  });

  it("maps groups, boundaries and the SCPs it can place onto the cloud model", function () {
    const group = access.model.groups?.find((candidate) => candidate.name === "readers");
    expect(group?.members).to.deep.equal([`arn:aws:iam::${ACCOUNT}:user/admin`]);
    expect(
      access.model.principals.find((principal) => principal.name === "ops")?.permissionsBoundary,
    ).to.equal("arn:aws:iam::aws:policy/AdministratorAccess");
    expect(access.model.organization?.path).to.deep.equal([
      { id: "r-abcd", type: "ROOT" },
      { id: ACCOUNT, type: "ACCOUNT" },
    ]);
    expect(access.model.organization?.policies.map((policy) => policy.id)).to.deep.equal(["p-FullAWSAccess"]);
    expect(access.model.notDeployed.map((entry) => entry.reason).join("\n")).to.match(
      /attached to organizational units, and the account data does not say which the account is under/,
    );
  });

  it("refuses a plan of another account, in one line", async function () {
    const elsewhere = await synthesize({ stack: "dev", config: devConfig() });
    const err = await loadAccessModel(elsewhere, { accountData: readAccountData(dir()) }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isUserError(err), String(err)).to.equal(true);
    expect((err as Error).message).to.equal(
      "--account-data: the account data is of account 123456789012 (aws), the plan of 111122223333 (aws): analyse the stack with --stack (synthesized in the data's account), or synthesize the plan with --invokes recording a getCallerIdentity of that account",
    );
  });

  it("npm run access -- --stack dev --account-data DIR: the stack synthesized in the data's account", async function () {
    const run = await runMainInProcess(
      main,
      ["--stack", "dev", "--account-data", dir(), "--json"],
      REPO_ROOT,
    );
    expect(run.code, run.stderr).to.equal(0);
    const json = JSON.parse(run.stdout) as AccessReport;
    expect(json.accountId).to.equal(ACCOUNT);
    expect(json.decryptors).to.include(`arn:aws:iam::${ACCOUNT}:user/admin`);
    const missing = await runMainInProcess(
      main,
      ["--stack", "dev", "--account-data", path.join(dir(), "nope")],
      REPO_ROOT,
    );
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/--account-data: "[^"]*nope" does not exist/);
  });

  describe("groups, boundaries, SCPs and RCPs of the account, enforced by the one engine", function () {
    // IAM User Guide, "IAM user groups" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html):
    // a group's policies are its members'. "Permissions boundaries for IAM entities"
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html): allowed only
    // where the boundary allows too. Organizations User Guide, "Service control policies" and "Resource
    // control policies" (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
    // .../orgs_manage_policies_rcps.html): an explicit Deny in either wins.
    const outside = useTempDir("account-outside", { per: "suite" });
    let outsideReport: AccessReport;

    before(async function () {
      writeAccountData(outside(), {
        accountId: ACCOUNT,
        users: [
          { name: "grouped", groups: ["data"] },
          {
            name: "bounded",
            inline: { all: ALLOW(["dynamodb:*", "kms:Decrypt"]) },
            boundary: `arn:aws:iam::${ACCOUNT}:policy/query-only`,
          },
        ],
        groups: [{ name: "data", inline: { all: ALLOW(["dynamodb:*", "kms:Decrypt"]) } }],
        policies: [{ name: "query-only", document: ALLOW("dynamodb:Query") }],
        organizationPolicies: [
          {
            id: "p-FullAWSAccess",
            awsManaged: true,
            name: "FullAWSAccess",
            type: "SERVICE_CONTROL_POLICY",
            content: ALLOW("*"),
            targets: [
              { id: "r-abcd", type: "ROOT" },
              { id: ACCOUNT, type: "ACCOUNT" },
            ],
          },
          {
            id: "p-denyscan0001",
            name: "deny-scan",
            type: "SERVICE_CONTROL_POLICY",
            content: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Deny", Action: "dynamodb:Scan", Resource: "*" }],
            },
            targets: [{ id: ACCOUNT, type: "ACCOUNT" }],
          },
          {
            id: "p-denydirect01",
            name: "deny-direct-decrypt",
            type: "RESOURCE_CONTROL_POLICY",
            content: {
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Deny",
                  Principal: "*",
                  Action: "kms:Decrypt",
                  Resource: "*",
                  Condition: { Null: { "kms:ViaService": "true" } },
                },
              ],
            },
            targets: [{ id: "r-abcd", type: "ROOT" }],
          },
        ],
      });
      outsideReport = await analyzeModel(
        await loadAccessModel(plan, { accountData: readAccountData(outside()) }),
      );
    });

    it("a member decides by its group's policies; an SCP's Deny and an RCP's Deny stop it", function () {
      expect(cell(outsideReport, "grouped", "GetItem")).to.equal("allowed");
      expect(cell(outsideReport, "grouped", "Scan")).to.equal("denied-by-iam");
      expect(cell(outsideReport, "grouped", "kms:Decrypt")).to.equal("denied-by-kms");
    });

    it("a boundary keeps a user to what it allows", function () {
      expect(cell(outsideReport, "bounded", "GetItem")).to.equal("denied-by-iam");
      expect(cell(outsideReport, "bounded", "kms:Decrypt")).to.equal("denied-by-kms");
    });
  });
});
