/**
 * ReturnValuesOnConditionCheckFailure on single-item writes, over HTTP with the AWS SDK v3. DynamoDB API
 * reference, PutItem (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html),
 * UpdateItem and DeleteItem: "ReturnValuesOnConditionCheckFailure: An optional parameter that returns the
 * item attributes for a PutItem operation that failed a condition check. There is no additional cost
 * associated with requesting a return value aside from the small network and processing overhead of
 * receiving a larger response." Valid values: ALL_OLD | NONE; ConditionalCheckFailedException carries
 * `Item`, "Item which caused the ConditionalCheckFailedException".
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { buildStackPlan } from "../../support/accessStacks";
import { rejectionOf } from "../../support/errors";
import { failureOf, sandboxWithPlan, type Clients } from "../../support/sandbox";

const TABLE = "cf-t0";
const ITEM = { pk: { S: "a" }, note: { S: "first" } };
const KEY = { pk: { S: "a" } };

describe("sandbox: ReturnValuesOnConditionCheckFailure on single-item writes (SDK v3)", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(
    buildStackPlan({
      id: "cf",
      users: [{ access: "readwrite", extras: [], withAccessKey: true }],
      keys: [],
      tables: [undefined],
    }),
    { port: 0 },
  );
  let client: Clients;

  before(async () => {
    client = deployed.user("cf-u0");
    await client.dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: ITEM }));
  });

  it("PutItem with ALL_OLD answers the failed condition with the item as it is", async () => {
    const failure = await rejectionOf<ConditionalCheckFailedException>(
      client.dynamodb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: "a" }, note: { S: "second" } },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    );
    expect(failure).to.be.instanceOf(ConditionalCheckFailedException);
    expect(failure.Item).to.deep.equal(ITEM);
  });

  it("UpdateItem and DeleteItem with ALL_OLD do the same; NONE (the default) returns no item", async () => {
    const update = await rejectionOf<ConditionalCheckFailedException>(
      client.dynamodb.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: KEY,
          UpdateExpression: "SET note = :n",
          ConditionExpression: "note = :expected",
          ExpressionAttributeValues: { ":n": { S: "third" }, ":expected": { S: "other" } },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    );
    expect(update.Item).to.deep.equal(ITEM);
    const none = await rejectionOf<ConditionalCheckFailedException>(
      client.dynamodb.send(
        new DeleteItemCommand({
          TableName: TABLE,
          Key: KEY,
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "NONE",
        }),
      ),
    );
    expect(none.name).to.equal("ConditionalCheckFailedException");
    expect(none.Item).to.equal(undefined);
  });

  it("returns no item when the condition failed on an item that does not exist", async () => {
    const failure = await rejectionOf<ConditionalCheckFailedException>(
      client.dynamodb.send(
        new DeleteItemCommand({
          TableName: TABLE,
          Key: { pk: { S: "missing" } },
          ConditionExpression: "attribute_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    );
    expect(failure.name).to.equal("ConditionalCheckFailedException");
    expect(failure.Item).to.equal(undefined);
  });

  it("refuses a value outside ALL_OLD and NONE with ValidationException", async () => {
    const failure = await failureOf(
      client.dynamodb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: ITEM,
          ReturnValuesOnConditionCheckFailure: "ALL_NEW" as "ALL_OLD",
        }),
      ),
    );
    expect(failure.name).to.equal("ValidationException");
    // DynamoDB names the member camelCased in its validation messages.
    expect(failure.message).to.contain("returnValuesOnConditionCheckFailure");
  });
});
