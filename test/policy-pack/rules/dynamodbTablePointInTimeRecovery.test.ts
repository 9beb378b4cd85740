/**
 * `dynamodb-table-point-in-time-recovery`, in process. Security Hub control DynamoDB.2 ("DynamoDB tables
 * should have point-in-time recovery enabled").
 */
import { expect } from "chai";
import { dynamodbTablePointInTimeRecovery } from "../../../policy-pack/rules";
import {
  NATIVE_GLOBAL_TABLE,
  NATIVE_TABLE,
  TABLE,
  nativeGlobalTable,
  nativeTable,
  table,
} from "../../support/compliantResources";
import { runResourceRule } from "../../support/policyArgs";

describe("policy rule dynamodb-table-point-in-time-recovery (advisory)", () => {
  it("passes tables with point-in-time recovery", async () => {
    expect(
      (await runResourceRule(dynamodbTablePointInTimeRecovery, { type: TABLE, props: table() })).violations,
    ).to.deep.equal([]);
    expect(
      (await runResourceRule(dynamodbTablePointInTimeRecovery, { type: NATIVE_TABLE, props: nativeTable() }))
        .violations,
    ).to.deep.equal([]);
  });

  it("reports tables without it", async () => {
    const classic = await runResourceRule(dynamodbTablePointInTimeRecovery, {
      type: TABLE,
      name: "orders",
      props: table({ pointInTimeRecovery: undefined }),
    });
    expect(classic.violations[0].message).to.contain(
      '"orders" (aws:dynamodb/table:Table) has pointInTimeRecovery.enabled not set',
    );
    const native = await runResourceRule(dynamodbTablePointInTimeRecovery, {
      type: NATIVE_TABLE,
      props: nativeTable({ pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }),
    });
    expect(native.violations[0].message).to.contain(
      "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled false",
    );
    const replicas = (nativeGlobalTable().replicas as Record<string, unknown>[]).map((replica) => ({
      ...replica,
      pointInTimeRecoverySpecification: undefined,
    }));
    const global = await runResourceRule(dynamodbTablePointInTimeRecovery, {
      type: NATIVE_GLOBAL_TABLE,
      props: nativeGlobalTable({ replicas }),
    });
    expect(global.violations.map((v) => v.message.split(" has ")[1].split(" ")[0])).to.deep.equal([
      "replicas[0].pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled",
      "replicas[1].pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled",
    ]);
  });
});
