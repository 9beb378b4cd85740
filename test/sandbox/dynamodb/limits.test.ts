/**
 * DynamoDB's nesting limit (sandbox/dynamodb/limits.ts): 32 levels, an attribute's value being level 1
 * (DynamoDB developer guide, "Service, account, and table quotas in Amazon DynamoDB"), wherever attribute
 * values appear in a request; counted structurally, so an attribute named "M" is no extra level.
 */
import { expect } from "chai";
import { checkNesting } from "../../../sandbox/dynamodb/limits";

type Value = Record<string, unknown>;
const wrapped = (wraps: number): Value => {
  let value: Value = { S: "leaf" };
  for (let i = 0; i < wraps; i++) {
    value = i % 2 === 0 ? { M: { a: value } } : { L: [value] };
  }
  return value;
};

describe("DynamoDB nesting limit (sandbox/dynamodb/limits.ts)", () => {
  const places: [string, (value: Value) => Record<string, unknown>][] = [
    ["an item", (v) => ({ Item: { a: v } })],
    ["a key", (v) => ({ Key: { a: v } })],
    ["an expression attribute value", (v) => ({ ExpressionAttributeValues: { ":v": v } })],
    ["an exclusive start key", (v) => ({ ExclusiveStartKey: { a: v } })],
    ["an Expected value", (v) => ({ Expected: { a: { Value: v } } })],
    ["an AttributeUpdates value", (v) => ({ AttributeUpdates: { a: { Value: v, Action: "PUT" } } })],
    ["a QueryFilter value list", (v) => ({ QueryFilter: { a: { AttributeValueList: [v] } } })],
    ["a BatchGetItem key", (v) => ({ RequestItems: { t: { Keys: [{ a: v }] } } })],
    ["a BatchWriteItem put", (v) => ({ RequestItems: { t: [{ PutRequest: { Item: { a: v } } }] } })],
    [
      "a transaction's update",
      (v) => ({ TransactItems: [{ Update: { ExpressionAttributeValues: { ":v": v } } }] }),
    ],
  ];
  for (const [where, request] of places) {
    it(`accepts 32 levels and refuses 33 in ${where}`, () => {
      expect(() => checkNesting(request(wrapped(31)))).to.not.throw();
      expect(() => checkNesting(request(wrapped(32)))).to.throw(
        "Nesting Levels have exceeded supported limits",
      );
    });
  }

  it("counts an attribute named M as an attribute, not a level", () => {
    expect(() => checkNesting({ Item: { M: wrapped(31) } })).to.not.throw();
  });

  it("returns the request it checked, so a call site stays one line", () => {
    const request = { TableName: "t", Item: { a: { S: "x" } } };
    expect(checkNesting(request)).to.equal(request);
  });
});
