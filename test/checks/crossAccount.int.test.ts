/**
 * The checks with a principal of another account (its ARN names that account), against the sandbox over
 * real HTTP: it signs with its own access key from the stack outputs, as any user, and names the table
 * by its ARN, since a bare name names a table of its own account. Expectations from the DynamoDB
 * Developer Guide, "Cross-account access with resource-based policies in DynamoDB"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html): the
 * other account's principal needs its identity policy and the table's resource-based policy, and for a
 * table on a customer managed key the key policy too; and the STS API reference, GetCallerIdentity
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html): Account is the
 * caller's own.
 */
import { DeleteResourcePolicyCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { runChecks } from "../../checks/run";
import { tableNameFor } from "../../checks/tableName";
import { stackPrincipals, type StackOutputs } from "../../infra/outputs";
import type { PlanResourceState } from "../../plan/types";
import { ACCOUNT_ID, REGION } from "../support/accessStacks";
import { resourceNamed } from "../support/plan";
import { programUser, sandboxWithPlan } from "../support/sandbox";
import {
  EXT,
  EXT_KEY,
  K0,
  OTHER_ACCOUNT,
  policy,
  resourcePolicyPlan,
  T1,
} from "../support/resourcePolicyStack";

const READS = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query"];

/** The stack of resourcePolicyStack.ts with the partner allowed to read rp-t1 by both policies. */
function partnerReadsPlan() {
  const plan = resourcePolicyPlan();
  const table = resourceNamed(plan, "aws:dynamodb/table:Table", "rp-t1");
  table.inputs.resourcePolicy = policy({
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
    Action: READS,
    Resource: T1,
  });
  const partnerPolicy = plan.steps
    .map((step) => step.newState as PlanResourceState)
    .find((state) => state.type === "aws:iam/userPolicy:UserPolicy" && state.inputs.user === "partner");
  if (partnerPolicy === undefined) {
    throw new Error("the partner's policy is not in the plan");
  }
  partnerPolicy.inputs.policy = policy(
    { Effect: "Allow", Action: READS, Resource: T1 },
    { Effect: "Allow", Action: "kms:Decrypt", Resource: K0 },
  );
  return plan;
}

describe("checks: a principal of another account", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(partnerReadsPlan);

  const outputs = (): StackOutputs => {
    const u0 = programUser(deployed.sandbox, "rp-u0");
    return {
      region: REGION,
      accountId: ACCOUNT_ID,
      keyArn: K0,
      keyAlias: "alias/rp-k0",
      tableName: "rp-t1",
      tableArn: T1,
      users: {
        "rp-u0": { ...u0, dynamodbAccess: "full", keyUser: true },
        partner: { arn: EXT, ...EXT_KEY, dynamodbAccess: "readonly", keyUser: true },
      },
    };
  };

  it("names the table by its ARN for the other account's principal, by its name for the account's own", () => {
    const [own, partner] = stackPrincipals(outputs());
    expect(tableNameFor(own, outputs())).to.equal("rp-t1");
    expect(partner.accountId).to.equal(OTHER_ACCOUNT);
    expect(tableNameFor(partner, outputs())).to.equal(T1);
  });

  it("runs every call as the other account's principal, with its own key, and matches every expectation", async () => {
    const report = await runChecks({ outputs: outputs(), endpoint: deployed.sandbox.endpoint });
    expect(report.ok, JSON.stringify(report.results.filter((r) => r.actual !== r.expected))).to.equal(true);
    const rows = report.results.filter((result) => result.user === "partner");
    expect(rows.map((row) => [row.operation, row.actual])).to.deep.equal([
      ["GetCallerIdentity", "allowed"],
      ["DescribeTable", "allowed"],
      ["PutItem", "denied-by-iam"],
      ["GetItem", "allowed"],
      ["Query", "allowed"],
      ["UpdateItem", "denied-by-iam"],
      ["DeleteItem", "denied-by-iam"],
    ]);
    expect(rows[0].detail).to.equal(EXT);
  });

  it("sees the table's policy decide: without it the other account's reads are denied by IAM", async () => {
    await deployed.admin().dynamodb.send(new DeleteResourcePolicyCommand({ ResourceArn: T1 }));
    const report = await runChecks({ outputs: outputs(), endpoint: deployed.sandbox.endpoint });
    const partner = report.results.filter((result) => result.user === "partner");
    expect(partner.find((row) => row.operation === "GetItem")?.actual).to.equal("denied-by-iam");
    expect(partner.find((row) => row.operation === "DescribeTable")?.actual).to.equal("denied-by-iam");
    expect(report.ok).to.equal(false);
  });
});
