/**
 * Index queries are authorized on the index ARN (`TABLE_ARN/index/NAME`), as DynamoDB does; a table with
 * AWS-owned encryption needs no key access and describes no customer-managed key.
 */
import { DescribeTableCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { Sandbox } from "../../../sandbox";
import { clientsFor, failureOf, testProgramOutputs, type Clients } from "../../support/sandbox";
import { synthesizeIndexedTable } from "../../support/programs";

describe("sandbox secondary indexes", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let indexUser: Clients;
  let tableOnlyUser: Clients;
  let tableArn: string;

  before(async () => {
    sandbox = await Sandbox.start();
    await sandbox.apply(await synthesizeIndexedTable());
    const outputs = testProgramOutputs(sandbox);
    tableArn = outputs.tableArn;
    indexUser = clientsFor(sandbox.endpoint, outputs.region, outputs.users["index-user"]);
    tableOnlyUser = clientsFor(sandbox.endpoint, outputs.region, outputs.users["table-only-user"]);
    await indexUser.dynamodb.send(
      new PutItemCommand({ TableName: "orders", Item: { pk: { S: "o1" }, owner: { S: "ana" } } }),
    );
  });

  after(async () => {
    await sandbox?.stop();
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
