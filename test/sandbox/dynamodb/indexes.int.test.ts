/**
 * Index queries are authorized on the index ARN (`TABLE_ARN/index/NAME`), as DynamoDB does; a table with
 * AWS-owned encryption needs no key access and describes no customer-managed key.
 */
import { DescribeTableCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { failureOf, sandboxWithPlan, testProgramOutputs, type Clients } from "../../support/sandbox";
import { synthesizeIndexedTable } from "../../support/programs";

describe("sandbox secondary indexes", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(synthesizeIndexedTable);
  let indexUser: Clients;
  let tableOnlyUser: Clients;
  let tableArn: string;

  before(async () => {
    const outputs = testProgramOutputs(deployed.sandbox);
    tableArn = outputs.tableArn;
    indexUser = deployed.as(outputs.users["index-user"], outputs.region);
    tableOnlyUser = deployed.as(outputs.users["table-only-user"], outputs.region);
    await indexUser.dynamodb.send(
      new PutItemCommand({ TableName: "orders", Item: { pk: { S: "o1" }, owner: { S: "ana" } } }),
    );
  });

  const byOwner = () =>
    new QueryCommand({
      TableName: "orders",
      IndexName: "by-owner",
      KeyConditionExpression: "#o = :o",
      ExpressionAttributeNames: { "#o": "owner" },
      ExpressionAttributeValues: { ":o": { S: "ana" } },
    });

  it("lets a user allowed on TABLE_ARN/index/* query the index", async () => {
    const result = await indexUser.dynamodb.send(byOwner());
    expect(result.Items).to.deep.equal([{ pk: { S: "o1" }, owner: { S: "ana" } }]);
  });

  it("refuses a user allowed only on the table, naming the index ARN", async () => {
    const failure = await failureOf(tableOnlyUser.dynamodb.send(byOwner()));
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain(`on resource: ${tableArn}/index/by-owner because`);
    const table = await tableOnlyUser.dynamodb.send(
      new QueryCommand({
        TableName: "orders",
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": { S: "o1" } },
      }),
    );
    expect(table.Count).to.equal(1);
  });

  it("describes the index, and no customer-managed key for a table without one", async () => {
    const described = await indexUser.dynamodb.send(new DescribeTableCommand({ TableName: "orders" }));
    expect(described.Table?.SSEDescription).to.equal(undefined);
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexArn)).to.deep.equal([
      `${tableArn}/index/by-owner`,
    ]);
  });
});
