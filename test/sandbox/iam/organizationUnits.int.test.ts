/**
 * SCPs attached to an organizational unit, applied when the organization's structure places the stack's
 * account under it (test/support/organizationStack.ts's organization, the stack's account a member under
 * OU_ID): over real HTTP with AWS SDK v3, and in the static proof, deciding the same. Expectations from
 * the AWS Organizations User Guide, "Inheritance for authorization policies"
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html):
 * an SCP attached to an OU applies to every account under it; one attached to another OU does not; and
 * "Service control policies (SCPs)": an explicit Deny in an SCP refuses whatever identity policies allow.
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { analyzePlan } from "../../../access/analyze";
import type { Plan } from "../../../plan/types";
import { outcomeOf } from "../../support/errors";
import { ACCOUNT_ID } from "../../support/accessStacks";
import { organizationPlan, OU_ID } from "../../support/organizationStack";
import { addResource, generatedUrn, resourceNamed } from "../../support/plan";
import { decisionOf } from "../../support/reportCells";
import { sandboxWithPlan, testProgramOutputs } from "../../support/sandbox";

const OTHER_OU = "ou-ab12-22222222";
const U0 = `arn:aws:iam::${ACCOUNT_ID}:user/rp-u0`;

/** The organization plan with the stack's account a member under OU_ID, an SCP on it and one on another OU. */
function plan(): Plan {
  const built = organizationPlan("organization");
  const organization = resourceNamed(built, "aws:organizations/organization:Organization", "org");
  organization.outputs.masterAccountId = "999988887777";
  const unit = resourceNamed(built, "aws:organizations/organizationalUnit:OrganizationalUnit", "workloads");
  unit.outputs.accounts = [{ id: ACCOUNT_ID }];
  const add = (type: string, name: string, id: string, inputs: Record<string, unknown>) =>
    addResource(built, { type, urn: generatedUrn(type, name), id, inputs, outputs: { ...inputs, id } });
  const deny = (action: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: action, Resource: "*" }] });
  add("aws:organizations/policy:Policy", "no-get", "p-noget0001", {
    name: "no-get",
    type: "SERVICE_CONTROL_POLICY",
    content: deny("dynamodb:GetItem"),
  });
  add("aws:organizations/policy:Policy", "no-put", "p-noput0001", {
    name: "no-put",
    type: "SERVICE_CONTROL_POLICY",
    content: deny("dynamodb:PutItem"),
  });
  add("aws:organizations/policyAttachment:PolicyAttachment", "no-get-on-ou", "ou-attach-1", {
    policyId: "p-noget0001",
    targetId: OU_ID,
  });
  add("aws:organizations/policyAttachment:PolicyAttachment", "no-put-elsewhere", "ou-attach-2", {
    policyId: "p-noput0001",
    targetId: OTHER_OU,
  });
  return built;
}

describe("SCPs on an organizational unit the stack's account is under", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(plan);
  const as = deployed.as;

  it("deploys the SCP on the other OU nowhere, saying why", () => {
    expect(deployed.applied.notDeployed.map((entry) => entry.reason).join("\n")).to.contain(
      `attached to the OU ${OTHER_OU}, which the stack's account ${ACCOUNT_ID} is not under`,
    );
  });

  it("the SCP on the account's OU denies over HTTP; the one on another OU does not", async () => {
    const u0 = as(testProgramOutputs(deployed.sandbox).users["rp-u0"]);
    const key = { pk: { S: "ou" } };
    expect(await outcomeOf(u0.dynamodb.send(new GetItemCommand({ TableName: "rp-t0", Key: key })))).to.match(
      /^AccessDeniedException: .*explicit deny in a service control policy/,
    );
    expect(await outcomeOf(u0.dynamodb.send(new PutItemCommand({ TableName: "rp-t0", Item: key })))).to.equal(
      "allowed",
    );
  });

  it("the static proof decides the same", async () => {
    const report = await analyzePlan(plan());
    const decision = (operation: string) => decisionOf(report, { principal: U0, operation, table: "rp-t0" });
    expect(decision("GetItem")).to.equal("denied-by-iam");
    expect(decision("PutItem")).to.equal("allowed");
  });
});
