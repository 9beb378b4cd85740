/**
 * Fine-grained access over real HTTP with the AWS SDK v3 client: the request context the sandbox builds
 * for DynamoDB requests, each expectation from the page that fixes it.
 * - DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access control"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html):
 *   dynamodb:LeadingKeys, dynamodb:Attributes, dynamodb:Select.
 * - DynamoDB Developer Guide, "Using IAM with DynamoDB transactions"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html), Example 3:
 *   a Deny on dynamodb:EnclosingOperation blocks transactional writes, not the plain call.
 * - IAM User Guide, "AWS global condition context keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 *   aws:CurrentTime is the request's time; aws:SourceIp the address the request came from (127.0.0.1 for a
 *   client of the loopback endpoint).
 */
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { synthesize } from "../../../plan/synth";
import { NOT_MODELLED } from "../../../sandbox/http/requestMembers";
import {
  failureOf,
  sandboxWithPlan,
  testProgramOutputs,
  type TestProgramOutputs,
} from "../../support/sandbox";

const REGION = "eu-west-1";
const TABLE = "tenants";
/** The sandbox's clock starts at the system time; the time-bound policy opens a day later. */
const OPENS = new Date(Date.now() + 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

function plan() {
  return synthesize({
    stack: "fine-grained",
    config: { "aws:region": REGION },
    program: async () => {
      const table = new aws.dynamodb.Table(TABLE, {
        name: TABLE,
        hashKey: "pk",
        attributes: [{ name: "pk", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
      });
      const users: Record<string, pulumi.Output<unknown>> = {};
      const user = (name: string, statements: (tableArn: string) => unknown[]) => {
        const iamUser = new aws.iam.User(name, { name });
        new aws.iam.UserPolicy(name, {
          user: iamUser.name,
          policy: table.arn.apply((arn) =>
            JSON.stringify({ Version: "2012-10-17", Statement: statements(arn) }),
          ),
        });
        const key = new aws.iam.AccessKey(name, { user: iamUser.name });
        users[name] = pulumi.output({
          arn: iamUser.arn,
          accessKeyId: key.id,
          secretAccessKey: pulumi.secret(key.secret),
        });
      };
      // The guide's policy: items whose partition key is the user's name, and only some attributes.
      user("tenant", (arn) => [
        {
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
          Resource: arn,
          Condition: {
            "ForAllValues:StringEquals": {
              "dynamodb:LeadingKeys": ["${aws:username}"],
              "dynamodb:Attributes": ["pk", "note"],
            },
            StringEqualsIfExists: { "dynamodb:Select": "SPECIFIC_ATTRIBUTES" },
          },
        },
      ]);
      user("no-transactions", (arn) => [
        { Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:GetItem"], Resource: arn },
        {
          Effect: "Deny",
          Action: ["dynamodb:PutItem", "dynamodb:GetItem"],
          Resource: arn,
          Condition: {
            "ForAnyValue:StringEquals": {
              "dynamodb:EnclosingOperation": ["TransactWriteItems", "TransactGetItems"],
            },
          },
        },
      ]);
      user("office-only", (arn) => [
        { Effect: "Allow", Action: "dynamodb:GetItem", Resource: arn },
        {
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
        },
      ]);
      user("from-tomorrow", (arn) => [
        {
          Effect: "Allow",
          Action: "dynamodb:GetItem",
          Resource: arn,
          Condition: { DateGreaterThan: { "aws:CurrentTime": OPENS } },
        },
      ]);
      return { region: REGION, tableArn: table.arn, users };
    },
  });
}

describe("sandbox: DynamoDB fine-grained access (the request context of each request)", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(plan);
  let outputs: TestProgramOutputs;

  before(() => {
    outputs = testProgramOutputs(deployed.sandbox);
  });

  const dynamodb = (name: string) => deployed.as(outputs.users[name], REGION).dynamodb;
  const key = (pk: string) => ({ pk: { S: pk } });

  it("lets the tenant write and read its own partition, with the attributes the policy names", async () => {
    await dynamodb("tenant").send(
      new PutItemCommand({ TableName: TABLE, Item: { ...key("tenant"), note: { S: "mine" } } }),
    );
    const read = await dynamodb("tenant").send(
      new GetItemCommand({ TableName: TABLE, Key: key("tenant"), ProjectionExpression: "pk, note" }),
    );
    expect(read.Item?.note?.S).to.equal("mine");
    const query = await dynamodb("tenant").send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: "pk = :me",
        ExpressionAttributeValues: { ":me": { S: "tenant" } },
        ProjectionExpression: "note",
      }),
    );
    expect(query.Items?.length).to.equal(1);
  });

  it("refuses another partition, and an attribute the policy does not name", async () => {
    const other = await failureOf(
      dynamodb("tenant").send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key("someone-else"), note: { S: "x" } } }),
      ),
    );
    expect(other.name).to.equal("AccessDeniedException");
    const attribute = await failureOf(
      dynamodb("tenant").send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key("tenant"), secret: { S: "x" } } }),
      ),
    );
    expect(attribute.name).to.equal("AccessDeniedException");
    // A Query without a projection selects ALL_ATTRIBUTES: the Select condition fails.
    const all = await failureOf(
      dynamodb("tenant").send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: "pk = :me",
          ExpressionAttributeValues: { ":me": { S: "tenant" } },
        }),
      ),
    );
    expect(all.name).to.equal("AccessDeniedException");
  });

  it("refuses as not modelled a GetItem without projection, whose attributes depend on the item", async () => {
    const failure = await failureOf(
      dynamodb("tenant").send(new GetItemCommand({ TableName: TABLE, Key: key("tenant") })),
    );
    expect(failure.name).to.equal(NOT_MODELLED);
    expect(failure.message).to.contain("dynamodb:Attributes");
  });

  it("applies a Deny on dynamodb:EnclosingOperation to a transaction's parts, not to the plain call", async () => {
    const client = dynamodb("no-transactions");
    await client.send(new PutItemCommand({ TableName: TABLE, Item: key("plain") }));
    const failure = await failureOf(
      client.send(
        new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: key("in-tx") } }] }),
      ),
    );
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain("dynamodb:PutItem");
  });

  it("decides aws:SourceIp on the client's address: a Deny outside the office range stops the loopback client", async () => {
    // IAM User Guide, "AWS: Denies access to AWS based on the source IP"
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html).
    const failure = await failureOf(
      dynamodb("office-only").send(new GetItemCommand({ TableName: TABLE, Key: key("plain") })),
    );
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain("explicit deny");
    expect(failure.status).to.equal(400);
  });

  it("decides aws:CurrentTime on the sandbox's clock: refused today, allowed once the clock passes the date", async () => {
    const client = dynamodb("from-tomorrow");
    const before = await failureOf(client.send(new GetItemCommand({ TableName: TABLE, Key: key("plain") })));
    expect(before.name).to.equal("AccessDeniedException");
    await deployed.sandbox.advanceClock(2 * 24 * 3600 * 1000);
    const after = await client.send(new GetItemCommand({ TableName: TABLE, Key: key("plain") }));
    expect(after.Item?.pk?.S).to.equal("plain");
  });
});
