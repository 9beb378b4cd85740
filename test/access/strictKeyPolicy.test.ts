/**
 * The proof under the two key policy modes (`kms-dynamodb:keyPolicy`), and `--expect-key-users` on each:
 * - default: the account statement lets any IAM policy of the account allow key use (KMS Developer Guide,
 *   "Default key policy", https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html),
 *   so the deployer, the root and any other principal whose IAM policies allow it can decrypt: a warning
 *   line each, while a concrete user of the plan that decrypts and is no key user fails the guard;
 * - strict: key use is explicitly denied to all but the key users, and an explicit deny overrides every
 *   allow (IAM User Guide, "Policy evaluation logic",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): only the
 *   named key users decrypt, for every principal class, and those who can change the key policy are listed
 *   as able to obtain access ("Key policies in AWS KMS",
 *   https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
 */
import { expect } from "chai";
import { analyzeModel, loadAccessModel } from "../../access/analyze";
import { declaredHolders } from "../../access/declared";
import { expectKeyUsers, type KeyUsersVerdict } from "../../access/expect";
import type { AccessReport } from "../../access/types";
import { KEY_POLICY_SIDS } from "../../infra/policies/keyPolicy";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import { reveal } from "../../plan/values";
import { readAccountData } from "../../access/accountData/read";
import { writeAccountData } from "../support/accountData";
import { devConfig, withUserPolicy } from "../support/plan";
import { useTempDir } from "../support/tempDir";

const DEV_USERS = [
  { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
  { name: "kms-test-user", dynamodbAccess: "full", keyUser: false },
];

async function prove(plan: Plan): Promise<{ report: AccessReport; verdict: KeyUsersVerdict }> {
  const access = await loadAccessModel(plan);
  const report = await analyzeModel(access);
  return { report, verdict: expectKeyUsers(report, declaredHolders(access)) };
}

function devPlan(keyPolicy: "default" | "strict"): Promise<Plan> {
  return synthesize({
    stack: "dev",
    config: devConfig({ "kms-dynamodb:users": DEV_USERS, "kms-dynamodb:keyPolicy": keyPolicy }),
  });
}

/** The plan with `edit` applied to its key's policy document. */
function withKeyPolicy(plan: Plan, edit: (statements: Record<string, unknown>[]) => void): Plan {
  const revealed = reveal(plan) as Plan;
  for (const step of revealed.steps) {
    const state = step.newState;
    if (state?.type === "aws:kms/key:Key") {
      const inputs = state.inputs as { policy: string };
      const policy = JSON.parse(inputs.policy) as { Statement: Record<string, unknown>[] };
      edit(policy.Statement);
      inputs.policy = JSON.stringify(policy);
      (state.outputs as { policy?: string }).policy = inputs.policy;
    }
  }
  return revealed;
}

/** The dev plan with an inline policy on kms-test-user allowing every KMS action: an administrator of KMS. */
function withKmsAdministrator(plan: Plan): Plan {
  return withUserPolicy(plan, {
    user: "kms-test-user",
    name: "kms-administrator",
    logicalName: "kms-test-user-kms-admin",
    id: "kms-test-user-kms-admin",
    statements: () => [{ Sid: "EveryKmsAction", Effect: "Allow", Action: "kms:*", Resource: "*" }],
  });
}

const names = (report: AccessReport, arns: readonly string[]): string[] =>
  arns.map((arn) => report.principals.find((principal) => principal.arn === arn)?.name ?? arn);

/**
 * The decryptors that are not AWS services: DynamoDB decrypts the table through the grant it creates for it
 * (KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS"), under either policy.
 */
const people = (report: AccessReport): string[] =>
  names(
    report,
    report.decryptors.filter(
      (arn) => report.principals.find((principal) => principal.arn === arn)?.kind !== "aws-service",
    ),
  );

describe("access: the strict key policy", function () {
  let dflt: Awaited<ReturnType<typeof prove>>;
  let strict: Awaited<ReturnType<typeof prove>>;

  before(async function () {
    dflt = await prove(await devPlan("default"));
    strict = await prove(await devPlan("strict"));
  });

  it("lets only the named key users decrypt, for every principal class", function () {
    expect(people(strict.report)).to.deep.equal(["app-user"]);
    expect(names(strict.report, strict.report.decryptors)).to.deep.equal([
      "app-user",
      "dynamodb.us-east-1.amazonaws.com",
    ]);
    const kinds = new Set(strict.report.principals.map((principal) => principal.kind));
    expect([...kinds]).to.include.members([
      "deployer",
      "account-root",
      "same-account-any",
      "same-account-no-policies",
      "other-account",
      "aws-service",
      "anonymous",
    ]);
  });

  it("still lists who can change the key policy as able to obtain access", function () {
    const obtainers = names(
      strict.report,
      strict.report.obtainers.map((entry) => entry.principal),
    );
    expect(obtainers).to.include.members(["deployer", "account root", "this account, IAM policies unseen"]);
    const root = strict.report.obtainers.find((entry) => entry.principal.endsWith(":root"));
    expect(root?.paths.join("\n")).to.match(
      new RegExp(`kms:PutKeyPolicy on .*Sid ${KEY_POLICY_SIDS.rootAdministration}`),
    );
  });

  it("under the default policy, the administrators and any principal whose IAM policies allow it decrypt", function () {
    expect(people(dflt.report)).to.have.members([
      "app-user",
      "deployer",
      "account root",
      "this account, IAM policies unseen",
    ]);
  });

  it("--expect-key-users: a warning line for the abstract class under the default policy, no failure", function () {
    expect(dflt.verdict.ok).to.equal(true);
    expect(dflt.verdict.warnings.join("\n")).to.match(
      /this account, IAM policies unseen \(same-account-any, .*\) can decrypt: the default key policy/,
    );
    expect(strict.verdict.ok).to.equal(true);
    expect(strict.verdict.warnings).to.deep.equal([]);
  });

  it("--expect-key-users: a concrete user that decrypts and is no key user fails under the default policy", async function () {
    const widened = await prove(withKmsAdministrator(await devPlan("default")));
    expect(widened.verdict.ok).to.equal(false);
    expect(widened.verdict.violations.join("\n")).to.match(
      /kms-test-user can decrypt but is not a declared key user: .*EveryKmsAction/,
    );
    // The same user under the strict policy: the deny wins over its IAM policy.
    const kept = await prove(withKmsAdministrator(await devPlan("strict")));
    expect(people(kept.report)).to.deep.equal(["app-user"]);
    expect(kept.verdict.violations.join("\n")).to.not.match(/can decrypt/);
    // It can still change who may decrypt (kms:PutKeyPolicy through the account statement): that is reported.
    expect(kept.verdict.violations.join("\n")).to.match(
      /kms-test-user can obtain access but is neither a key user nor a key administrator: kms:PutKeyPolicy/,
    );
  });

  it("--expect-key-users: a strict policy that still lets the account decrypt fails", async function () {
    // A strict policy weakened by hand: the account statement allows every action again and the deny
    // leaves Decrypt out.
    const weakened = withKeyPolicy(await devPlan("strict"), (statements) => {
      statements[0].Action = "kms:*";
      const deny = statements.find((statement) => statement.Sid === KEY_POLICY_SIDS.denyOthers);
      (deny as Record<string, unknown>).Action = ["kms:Encrypt"];
    });
    const { verdict } = await prove(weakened);
    expect(verdict.ok).to.equal(false);
    expect(verdict.violations.join("\n")).to.match(
      /this account, IAM policies unseen \(same-account-any, .*\) can decrypt kms-dynamodb-dev although the key policy is strict/,
    );
  });
});

describe("access: an administrator added to the account data, under each key policy", function () {
  // The account as it is (docs/access.md, "Account data"): a user the stack does not create, with
  // AdministratorAccess. Under the default key policy its IAM policy lets it use the key (KMS Developer Guide,
  // "Default key policy"), so it decrypts and fails --expect-key-users as a concrete principal that is no key
  // user; under the strict one the deny keeps it out, whatever its IAM policy says (IAM User Guide, "Policy
  // evaluation logic": an explicit deny overrides any allow).
  const ACCOUNT = "123456789012";
  const DEPLOYER = {
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
    userId: "AIDADEFAULTDEPLOYER00",
  };
  const dir = useTempDir("account-admin", { per: "suite" });

  async function proveWithAdmin(keyPolicy: "default" | "strict") {
    const plan = await synthesize({
      stack: "dev",
      config: devConfig({ "kms-dynamodb:users": DEV_USERS, "kms-dynamodb:keyPolicy": keyPolicy }),
      deployer: DEPLOYER,
    });
    const folder = `${dir()}/${keyPolicy}`;
    writeAccountData(folder, {
      accountId: ACCOUNT,
      users: [{ name: "ops-admin", attached: ["arn:aws:iam::aws:policy/AdministratorAccess"] }],
    });
    const access = await loadAccessModel(plan, { accountData: readAccountData(folder) });
    const report = await analyzeModel(access);
    return { report, verdict: expectKeyUsers(report, declaredHolders(access)) };
  }

  it("default: the administrator decrypts, and --expect-key-users fails naming it", async function () {
    const { report, verdict } = await proveWithAdmin("default");
    expect(people(report)).to.include("ops-admin");
    expect(verdict.ok).to.equal(false);
    expect(verdict.violations.join("\n")).to.match(/ops-admin can decrypt but is not a declared key user/);
  });

  it("strict: the administrator cannot decrypt; only the key user does", async function () {
    const { report, verdict } = await proveWithAdmin("strict");
    expect(report.principals.map((principal) => principal.name)).to.include("ops-admin");
    expect(people(report)).to.deep.equal(["app-user"]);
    expect(verdict.violations.join("\n")).to.not.match(/can decrypt but is not a declared key user/);
    // It can still change the key policy through the account statement: reported as a way to obtain access.
    expect(verdict.violations.join("\n")).to.match(/ops-admin can obtain access .*kms:PutKeyPolicy/);
  });
});
