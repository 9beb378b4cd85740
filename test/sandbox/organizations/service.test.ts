/**
 * The sandbox's AWS Organizations reads (sandbox/organizations/): ListPolicies, DescribePolicy and
 * ListTargetsForPolicy answered from the model's organization, in the shapes of the Organizations API
 * reference (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html,
 * API_DescribePolicy.html, API_ListTargetsForPolicy.html: PolicySummary, Policy.Content,
 * PolicyTargetSummary; MaxResults at most 20, NextToken), authorized as organizations:<Operation>;
 * an account in no organization answers AWSOrganizationsNotInUseException.
 */
import { expect } from "chai";
import { startEngineForPlan, type LiveStack } from "../../../sandbox/engine";
import { AwsError } from "../../../sandbox/errors";
import { handleOrganizations } from "../../../sandbox/organizations";
import { synthesize } from "../../../plan/synth";
import { devConfig } from "../../support/plan";

const FULL_ACCESS = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

describe("sandbox: Organizations ListPolicies, DescribePolicy, ListTargetsForPolicy", function () {
  let stack: LiveStack;
  let bare: LiveStack;

  before(async function () {
    const plan = await synthesize({ stack: "dev", config: devConfig() });
    bare = await startEngineForPlan(plan);
    stack = await startEngineForPlan(plan, {
      extension: {
        extend: (model) => {
          model.organization = {
            path: [
              { id: "r-ab12", type: "ROOT" },
              { id: model.accountId, type: "ACCOUNT" },
            ],
            policies: [
              {
                id: "p-FullAWSAccess",
                name: "FullAWSAccess",
                type: "SERVICE_CONTROL_POLICY",
                document: FULL_ACCESS,
                awsManaged: true,
                targets: ["r-ab12", model.accountId],
              },
              ...Array.from({ length: 25 }, (_, i) => ({
                id: `p-deny0000${String(i).padStart(2, "0")}`,
                name: `deny-${i}`,
                type: "SERVICE_CONTROL_POLICY" as const,
                document: FULL_ACCESS,
                awsManaged: false,
                targets: [model.accountId],
              })),
              {
                id: "p-rcp0000001",
                name: "rcp",
                type: "RESOURCE_CONTROL_POLICY",
                document: FULL_ACCESS,
                awsManaged: false,
                targets: ["r-ab12"],
              },
            ],
          };
        },
      },
    });
  });

  const deployer = (live: LiveStack) => ({
    arn: live.model.deployer.arn,
    accountId: live.model.accountId,
    userId: live.model.deployer.userId,
    accessKeyId: "AKIADEPLOYER",
  });

  it("lists the policies of one type, 20 at most a page, with a NextToken", async function () {
    const first = await handleOrganizations(
      "ListPolicies",
      { Filter: "SERVICE_CONTROL_POLICY" },
      deployer(stack),
      stack,
    );
    expect((first.Policies as unknown[]).length).to.equal(20);
    expect(first.NextToken).to.be.a("string");
    const second = await handleOrganizations(
      "ListPolicies",
      { Filter: "SERVICE_CONTROL_POLICY", NextToken: first.NextToken },
      deployer(stack),
      stack,
    );
    expect((second.Policies as unknown[]).length).to.equal(6);
    expect(second.NextToken).to.equal(undefined);
    const rcps = await handleOrganizations(
      "ListPolicies",
      { Filter: "RESOURCE_CONTROL_POLICY" },
      deployer(stack),
      stack,
    );
    expect(rcps.Policies).to.deep.equal([
      {
        Id: "p-rcp0000001",
        Arn: `arn:aws:organizations::${stack.model.accountId}:policy/o-sandbox0000/resource_control_policy/p-rcp0000001`,
        Name: "rcp",
        Description: "",
        Type: "RESOURCE_CONTROL_POLICY",
        AwsManaged: false,
      },
    ]);
  });

  it("describes a policy with its content, and lists its targets", async function () {
    const described = await handleOrganizations(
      "DescribePolicy",
      { PolicyId: "p-FullAWSAccess" },
      deployer(stack),
      stack,
    );
    const policy = described.Policy as { PolicySummary: { Arn: string }; Content: string };
    expect(policy.PolicySummary.Arn).to.equal(
      "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
    );
    expect(policy.Content).to.equal(FULL_ACCESS);
    const targets = await handleOrganizations(
      "ListTargetsForPolicy",
      { PolicyId: "p-FullAWSAccess" },
      deployer(stack),
      stack,
    );
    expect(
      (targets.Targets as { TargetId: string; Type: string }[]).map((t) => `${t.Type} ${t.TargetId}`),
    ).to.deep.equal(["ROOT r-ab12", `ACCOUNT ${stack.model.accountId}`]);
  });

  it("answers AWSOrganizationsNotInUseException, PolicyNotFoundException and AccessDeniedException as AWS does", async function () {
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => "none",
        (err: unknown) => (err as AwsError).code,
      );
    expect(
      await code(
        handleOrganizations("ListPolicies", { Filter: "SERVICE_CONTROL_POLICY" }, deployer(bare), bare),
      ),
    ).to.equal("AWSOrganizationsNotInUseException");
    expect(
      await code(handleOrganizations("DescribePolicy", { PolicyId: "p-nothere000" }, deployer(stack), stack)),
    ).to.equal("PolicyNotFoundException");
    const appUser = stack.model.principals.find((principal) => principal.name === "app-user");
    const caller = {
      arn: appUser?.arn ?? "",
      accountId: stack.model.accountId,
      userId: "AIDA",
      accessKeyId: "AKIA",
    };
    expect(
      await code(handleOrganizations("ListPolicies", { Filter: "SERVICE_CONTROL_POLICY" }, caller, stack)),
    ).to.equal("AccessDeniedException");
    expect(
      await code(
        handleOrganizations(
          "ListPolicies",
          { Filter: "SERVICE_CONTROL_POLICY", Foo: 1 },
          deployer(stack),
          stack,
        ),
      ),
    ).to.equal("NotModelledBySandboxException");
  });
});
