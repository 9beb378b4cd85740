/**
 * The sandbox's reads of the organization's structure (sandbox/organizations/structure.ts):
 * DescribeOrganization, ListRoots, ListAccounts, ListParents, ListOrganizationalUnitsForParent, in the
 * shapes of the Organizations API reference
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html,
 * API_ListRoots.html, API_ListAccounts.html, API_ListParents.html,
 * API_ListOrganizationalUnitsForParent.html), answered from the organization the plan names
 * (test/support/organizationStack.ts). What the plan does not tell (the whole member list, an account's
 * parent) is NotModelledBySandboxException, never a partial answer; no organization at all is
 * AWSOrganizationsNotInUseException, as for an account in none.
 */
import { expect } from "chai";
import { startEngineForPlan, type LiveStack } from "../../../sandbox/engine";
import type { AwsError } from "../../../sandbox/errors";
import { handleOrganizations } from "../../../sandbox/organizations";
import { ACCOUNT_ID } from "../../support/accessStacks";
import {
  MEMBER_ACCOUNT,
  organizationPlan,
  ORG_ID,
  OU_ID,
  QUIET_MEMBER_ACCOUNT,
  ROOT_ID,
} from "../../support/organizationStack";
import { resourcePolicyPlan } from "../../support/resourcePolicyStack";

describe("sandbox: Organizations DescribeOrganization, ListRoots, ListAccounts, ListParents, ListOrganizationalUnitsForParent", function () {
  this.timeout(60_000);
  let whole: LiveStack;
  let partial: LiveStack;
  let none: LiveStack;

  before(async () => {
    whole = await startEngineForPlan(organizationPlan("organization"));
    partial = await startEngineForPlan(organizationPlan("accounts"));
    none = await startEngineForPlan(resourcePolicyPlan());
  });

  const ask = (stack: LiveStack, operation: Parameters<typeof handleOrganizations>[0], request = {}) =>
    handleOrganizations(
      operation,
      request,
      {
        arn: stack.model.deployer.arn,
        accountId: stack.model.accountId,
        userId: stack.model.deployer.userId,
        accessKeyId: "AKIADEPLOYER",
      },
      stack,
    );
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => "none",
      (err: unknown) => (err as AwsError).code,
    );

  it("answers the organization, its root, every member, each one's parent and the OUs under a parent", async () => {
    const organization = (await ask(whole, "DescribeOrganization")).Organization as Record<string, unknown>;
    expect(organization).to.include({ Id: ORG_ID, MasterAccountId: ACCOUNT_ID, FeatureSet: "ALL" });
    const roots = (await ask(whole, "ListRoots")).Roots as { Id: string; Arn: string }[];
    expect(roots.map((root) => root.Id)).to.deep.equal([ROOT_ID]);
    expect(roots[0].Arn).to.equal(`arn:aws:organizations::${ACCOUNT_ID}:root/${ORG_ID}/${ROOT_ID}`);
    const accounts = (await ask(whole, "ListAccounts")).Accounts as { Id: string }[];
    expect(accounts.map((account) => account.Id)).to.have.members([
      ACCOUNT_ID,
      MEMBER_ACCOUNT,
      QUIET_MEMBER_ACCOUNT,
    ]);
    expect((await ask(whole, "ListParents", { ChildId: MEMBER_ACCOUNT })).Parents).to.deep.equal([
      { Id: OU_ID, Type: "ORGANIZATIONAL_UNIT" },
    ]);
    expect((await ask(whole, "ListParents", { ChildId: OU_ID })).Parents).to.deep.equal([
      { Id: ROOT_ID, Type: "ROOT" },
    ]);
    const units = (await ask(whole, "ListOrganizationalUnitsForParent", { ParentId: ROOT_ID }))
      .OrganizationalUnits as { Id: string; Name: string }[];
    expect(units.map((unit) => `${unit.Id} ${unit.Name}`)).to.deep.equal([`${OU_ID} workloads`]);
  });

  it("refuses what the plan does not tell, and answers an account outside a whole list as not found", async () => {
    // The management account's parent: the plan does not place it.
    expect(await code(ask(whole, "ListParents", { ChildId: ACCOUNT_ID }))).to.equal(
      "NotModelledBySandboxException",
    );
    expect(await code(ask(whole, "ListParents", { ChildId: "777788889999" }))).to.equal(
      "ChildNotFoundException",
    );
    // Without the Organization resource the member list is not whole.
    expect(await code(ask(partial, "ListAccounts"))).to.equal("NotModelledBySandboxException");
    expect(await code(ask(none, "DescribeOrganization"))).to.equal("AWSOrganizationsNotInUseException");
  });
});
