/**
 * The static proof asks each cell as the sandbox authorizes its request (sandbox/engine.ts cellChecks):
 * the keys whose values depend on the request unknown, and a write transaction part by part. Minimal
 * stacks of disagreements the differential test found, where the proof said `allowed`:
 * - a ForAllValues:StringEquals condition on dynamodb:LeadingKeys was met by the key's absence, where every
 *   GetItem names a partition key (DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained
 *   access control",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html: the
 *   partition key values of the request; Scan carries none, so such a condition holds for it, as the
 *   guide warns of ForAllValues);
 * - TransactWriteItems was asked as one PutItem, where each part is authorized as its own action ("Using
 *   IAM with DynamoDB transactions",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html: a
 *   ConditionCheck part needs dynamodb:ConditionCheckItem, a Delete part dynamodb:DeleteItem).
 */
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import type { AccessCell, AccessReport } from "../../access/types";
import { buildStackPlan, type ExtraPolicy, type StackSpec, type UserSpec } from "../support/accessStacks";

function stack(id: string, user: Partial<UserSpec>): StackSpec {
  return {
    id,
    users: [{ access: "none", extras: [], withAccessKey: true, ...user }],
    keys: [
      {
        rootStatement: false,
        keyUsers: [0],
        viaDynamoDbOnly: true,
        deniedUsers: [],
        enabled: true,
      },
    ],
    tables: [0],
    sortKey: true,
  };
}

function cell(report: AccessReport, operation: string): AccessCell {
  const found = report.cells.find(
    (candidate) =>
      candidate.principal.endsWith(":user/" + report.tables[0].name.replace("-t0", "-u0")) &&
      candidate.operation === operation,
  );
  if (found === undefined) {
    throw new Error(`no ${operation} cell`);
  }
  return found;
}

describe("access: cells that depend on the request, and transactions part by part", () => {
  it("shows a LeadingKeys-conditioned GetItem as conditional with its condition, and Scan as allowed", async () => {
    const report = await analyzePlan(buildStackPlan(stack("rk1", { fineGrained: "leading-keys-userid" })));
    const get = cell(report, "GetItem");
    expect(get.decision).to.equal("conditional");
    expect(get.reason).to.contain("dynamodb:LeadingKeys ForAllValues:StringEquals");
    expect(get.conditions?.join()).to.contain("${aws:userid}");
    expect(cell(report, "TransactWriteItems").decision).to.equal("conditional");
    expect(cell(report, "Scan").decision).to.equal("allowed");
  });

  it("shows a table policy's LeadingKeys-conditioned statement as conditional, for the user it names", async () => {
    // DynamoDB Developer Guide, "Using resource-based policies for DynamoDB"
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html):
    // a same-account principal is allowed by the table's policy alone, its conditions included.
    const report = await analyzePlan(
      buildStackPlan({
        ...stack("rk7", {}),
        tablePolicies: [{ readers: [], writers: [], deniedGetItem: [], ownItemsUsers: [0] }],
      }),
    );
    expect(cell(report, "GetItem").decision).to.equal("conditional");
    expect(cell(report, "GetItem").reason).to.contain("dynamodb:LeadingKeys");
    expect(cell(report, "DescribeTable").decision).to.equal("denied-by-iam");
  });

  it("shows an Attributes-conditioned read as conditional (the projection decides)", async () => {
    const report = await analyzePlan(buildStackPlan(stack("rk2", { fineGrained: "attributes" })));
    expect(cell(report, "Query").decision).to.equal("conditional");
    expect(cell(report, "Query").reason).to.contain("dynamodb:Attributes");
  });

  it("refuses TransactWriteItems without dynamodb:ConditionCheckItem, or with a Deny of DeleteItem", async () => {
    const decided = async (id: string, extras: ExtraPolicy[]) =>
      cell(
        await analyzePlan(buildStackPlan(stack(id, { access: "readwrite", extras }))),
        "TransactWriteItems",
      );
    const withoutCheck = await decided("rk3", []);
    expect(withoutCheck.decision).to.equal("denied-by-iam");
    expect(withoutCheck.reason).to.contain("no statement allows");
    expect((await decided("rk4", ["allow-condition-check"])).decision).to.equal("allowed");
    const denied = await decided("rk5", ["allow-condition-check", "deny-delete-item"]);
    expect(denied.decision).to.equal("denied-by-iam");
    expect(denied.statements.map((statement) => statement.sid)).to.include("NoDeleteItem");
    // A PutItem alone is still allowed: the refusal is the Delete part's.
    expect(
      cell(
        await analyzePlan(
          buildStackPlan(stack("rk6", { access: "readwrite", extras: ["deny-delete-item"] })),
        ),
        "PutItem",
      ).decision,
    ).to.equal("allowed");
  });
});
