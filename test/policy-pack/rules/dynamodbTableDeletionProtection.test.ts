/**
 * `dynamodb-table-deletion-protection`, in process. Security Hub control DynamoDB.6 ("DynamoDB tables
 * should have deletion protection enabled").
 */
import { expect } from "chai";
import { dynamodbTableDeletionProtection } from "../../../policy-pack/rules";
import { NATIVE_TABLE, TABLE, nativeTable, table } from "../../support/compliantResources";
import { runResourceRule } from "../../support/policyArgs";

describe("policy rule dynamodb-table-deletion-protection (advisory)", () => {
  it("passes a protected table and reports an unprotected one", async () => {
    expect(
      (await runResourceRule(dynamodbTableDeletionProtection, { type: TABLE, props: table() })).violations,
    ).to.deep.equal([]);
    const outcome = await runResourceRule(dynamodbTableDeletionProtection, {
      type: NATIVE_TABLE,
      props: nativeTable({ deletionProtectionEnabled: false }),
    });
    expect(outcome.violations[0].message).to.contain(
      "has deletionProtectionEnabled false. Set deletionProtectionEnabled to true",
    );
  });
});
