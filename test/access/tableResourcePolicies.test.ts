/**
 * Table resource-based policies in the static proof (`npm run access`): a cell is decided with the table's
 * policy beside the identity policies, so the proof shows a same-account principal allowed by the table's
 * policy alone, the policy's explicit Deny, and a principal of another account allowed only where its own
 * identity policy, the table's policy and (for items on a customer managed key) the key policy all allow.
 * Expectations from the DynamoDB Developer Guide, "Using resource-based policies for DynamoDB"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html), and
 * the IAM User Guide, "Cross-account policy evaluation logic"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 */
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import type { AccessReport } from "../../access/types";
import { ACCOUNT_ID, buildStackPlan } from "../support/accessStacks";
import { EXT, OTHER_ACCOUNT, resourcePolicyPlan, U0, U1 } from "../support/resourcePolicyStack";
import { decisionOf } from "../support/reportCells";

const decision = (report: AccessReport, principal: string, operation: string, table: string) =>
  decisionOf(report, { principal, operation, table });

describe("access: table resource-based policies and principals of another account", function () {
  this.timeout(60_000);
  let report: AccessReport;

  before(async () => {
    report = await analyzePlan(resourcePolicyPlan());
  });

  it("lists the other account's principal in its own account", () => {
    const partner = report.principals.find((principal) => principal.arn === EXT);
    expect(partner?.accountId).to.equal(OTHER_ACCOUNT);
  });

  it("allows a same-account principal by the table's policy alone, and shows its explicit Deny", () => {
    expect(decision(report, U1, "GetItem", "rp-t0")).to.equal("allowed");
    expect(decision(report, U1, "PutItem", "rp-t0")).to.equal("denied-by-iam");
    expect(decision(report, U0, "PutItem", "rp-t0")).to.equal("denied-by-iam");
    expect(decision(report, U0, "GetItem", "rp-t0")).to.equal("allowed");
  });

  it("allows the other account's principal where its identity policy, the table's and the key policy allow", () => {
    expect(decision(report, EXT, "GetItem", "rp-t0")).to.equal("allowed");
    expect(decision(report, EXT, "GetItem", "rp-t1")).to.equal("allowed");
    // Its identity policy allows no PutItem; rp-t1's policy no Query.
    expect(decision(report, EXT, "PutItem", "rp-t0")).to.equal("denied-by-iam");
    expect(decision(report, EXT, "Query", "rp-t1")).to.equal("denied-by-iam");
  });
});

describe("access: a table's resource-based policy decides that table's cells only", function () {
  this.timeout(60_000);

  it("a Deny in one table's policy does not reach a table without a policy that the same principal reads", async () => {
    // Two tables the user's identity policy allows alike (dynamodb:* on both); only tp-t0's policy denies
    // it GetItem. The proof shares cells between tables it cannot tell apart: a table with a policy of its
    // own must not be one of them (found by the differential test, seed 1352560966).
    const report = await analyzePlan(
      buildStackPlan({
        id: "tp",
        users: [{ access: "full", extras: [], withAccessKey: true }],
        keys: [],
        tables: [undefined, undefined],
        tablePolicies: [{ readers: [], writers: [], deniedGetItem: [0] }],
      }),
    );
    const user = `arn:aws:iam::${ACCOUNT_ID}:user/tp-u0`;
    expect(decision(report, user, "GetItem", "tp-t0")).to.equal("denied-by-iam");
    expect(decision(report, user, "GetItem", "tp-t1")).to.equal("allowed");
    expect(decision(report, user, "TransactGetItems", "tp-t1")).to.equal("allowed");
  });
});
