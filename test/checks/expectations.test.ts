import { expect } from "chai";
import { expectedOutcome } from "../../checks/expectations";
import { OPERATIONS, type ExpectedOutcome, type Operation } from "../../checks/types";

function row(
  access: "readonly" | "readwrite" | "full",
  keyUser: boolean,
): Record<Operation, ExpectedOutcome> {
  return Object.fromEntries(
    OPERATIONS.map((operation) => [
      operation,
      expectedOutcome({ dynamodbAccess: access, keyUser }, operation),
    ]),
  ) as Record<Operation, ExpectedOutcome>;
}

describe("checks: expectations from the stack's intent", () => {
  it("a readwrite key user may do everything", () => {
    expect(Object.values(row("readwrite", true))).to.deep.equal(OPERATIONS.map(() => "allowed"));
  });

  it("a full-access user that is not a key user describes the table; KMS stops every item call", () => {
    expect(row("full", false)).to.deep.equal({
      GetCallerIdentity: "allowed",
      DescribeTable: "allowed",
      PutItem: "denied-by-kms",
      GetItem: "denied-by-kms",
      Query: "denied-by-kms",
      UpdateItem: "denied-by-kms",
      DeleteItem: "denied-by-kms",
    });
  });

  it("IAM is evaluated before the key: a readonly key user's writes are denied by IAM, its reads allowed", () => {
    expect(row("readonly", true)).to.deep.equal({
      GetCallerIdentity: "allowed",
      DescribeTable: "allowed",
      PutItem: "denied-by-iam",
      GetItem: "allowed",
      Query: "allowed",
      UpdateItem: "denied-by-iam",
      DeleteItem: "denied-by-iam",
    });
  });

  it("a readonly user that is not a key user: writes stopped by IAM, reads by KMS", () => {
    const expected = row("readonly", false);
    expect([expected.PutItem, expected.GetItem, expected.Query, expected.DescribeTable]).to.deep.equal([
      "denied-by-iam",
      "denied-by-kms",
      "denied-by-kms",
      "allowed",
    ]);
  });
});
