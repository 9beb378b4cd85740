/**
 * Roles across accounts in the static proof (`npm run access`), checked cell for cell against the sandbox
 * over real HTTP: the prober signs as each user with its key and as each role through an STS AssumeRole
 * session the sandbox issues to a user its trust policy names (a role of the second account, assumed by
 * that account's user; a role of the stack's account trusting the second account). Stack:
 * test/support/partnerRoleStack.ts. Expectations from the IAM User Guide, "Cross account resource access
 * in IAM" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html),
 * and the DynamoDB Developer Guide, "Using resource-based policies for cross-account access"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html).
 */
import { expect } from "chai";
import { analyzeModel, loadAccessModel } from "../../access/analyze";
import type { AccessReport } from "../../access/types";
import { REGION } from "../support/accessStacks";
import { CROSS_ROLE, PARTNER_2, PARTNER_ROLE, partnerRolePlan } from "../support/partnerRoleStack";
import { assumeRole, differencesOf, probe, PROBED_OPERATIONS, type Signer } from "../support/prober";
import { EXT, EXT_KEY, OTHER_ACCOUNT } from "../support/resourcePolicyStack";
import { decisionOf } from "../support/reportCells";
import { sandboxWithPlan } from "../support/sandbox";

const decision = (report: AccessReport, principal: string, operation: string, table: string) =>
  decisionOf(report, { principal, operation, table });

describe("access: roles across accounts, against the sandbox", function () {
  this.timeout(120_000);
  const deployed = sandboxWithPlan(partnerRolePlan);
  let report: AccessReport;

  before(async () => {
    report = await analyzeModel(await loadAccessModel(partnerRolePlan()));
  });

  it("lists the second account's role in its account, asked as a session of that account", () => {
    const role = report.principals.find((principal) => principal.arn === PARTNER_ROLE);
    expect(role?.kind).to.equal("role");
    expect(role?.accountId).to.equal(OTHER_ACCOUNT);
    expect(role?.callerArn).to.equal(
      `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/partner-reader/access-analysis`,
    );
    expect(role?.canSign).to.equal(true);
  });

  it("shows the roles' cells: the table's policy and the key policy let the second account's role read", () => {
    expect(decision(report, PARTNER_ROLE, "GetItem", "rp-t0")).to.equal("allowed");
    expect(decision(report, PARTNER_ROLE, "GetItem", "rp-t1")).to.equal("allowed");
    expect(decision(report, PARTNER_ROLE, "PutItem", "rp-t0")).to.equal("denied-by-iam");
    expect(decision(report, CROSS_ROLE, "GetItem", "rp-t1")).to.equal("allowed");
    expect(decision(report, CROSS_ROLE, "GetItem", "rp-t0")).to.equal("denied-by-iam");
  });

  it("lists the second account's user as able to obtain access through sts:AssumeRole on the role that trusts its account; not the user without that permission", () => {
    const obtainers = report.obtainers;
    const partner = obtainers.find((obtainer) => obtainer.principal === EXT);
    expect(partner?.paths.join("\n") ?? "").to.contain("sts:AssumeRole on rp-cross, who can decrypt");
    expect(obtainers.some((obtainer) => obtainer.principal === PARTNER_2)).to.equal(false);
    // IAM users have no resource-based policy: the stack account's deployer cannot create a key for the
    // second account's user, whatever its identity policy allows.
    const deployer = obtainers.find((obtainer) => obtainer.principal.endsWith(":user/deployer"));
    expect(deployer?.paths.join("\n") ?? "").to.not.contain("iam:CreateAccessKey on partner,");
  });

  it("decides every cell as the sandbox answers the users and the sessions it issues", async () => {
    const { sandbox } = deployed;
    const user: Signer = { arn: EXT, ...EXT_KEY };
    const signers: Signer[] = [
      user,
      await assumeRole({ endpoint: sandbox.endpoint, region: REGION, user, roleArn: PARTNER_ROLE }),
      await assumeRole({ endpoint: sandbox.endpoint, region: REGION, user, roleArn: CROSS_ROLE }),
    ];
    const access = await loadAccessModel(partnerRolePlan());
    const observations = await probe({
      endpoint: sandbox.endpoint,
      region: REGION,
      model: access.model,
      report,
      signers,
    });
    const differences = differencesOf(observations, report);
    expect(observations.length).to.be.greaterThan(0);
    expect(observations.every((observation) => PROBED_OPERATIONS.has(observation.operation))).to.equal(true);
    expect(differences).to.deep.equal([]);
  });
});
