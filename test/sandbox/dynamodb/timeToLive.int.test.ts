/**
 * DescribeTimeToLive over real HTTP with the AWS SDK v3 client, against the plan's aws.dynamodb.Table
 * `ttl`. Expectations from the DynamoDB API reference, DescribeTimeToLive and TimeToLiveDescription
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTimeToLive.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TimeToLiveDescription.html:
 * TimeToLiveStatus ENABLING | DISABLING | ENABLED | DISABLED, AttributeName "The name of the TTL attribute
 * for items in the table"; errors: ResourceNotFoundException).
 */
import { DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { buildStackPlan } from "../../support/accessStacks";
import { rejectionOf } from "../../support/errors";
import { resourceNamed } from "../../support/plan";
import { sandboxWithPlan, type Clients } from "../../support/sandbox";

const PLAN = buildStackPlan({
  id: "ttl",
  users: [
    { access: "full", extras: [], withAccessKey: true },
    { access: "none", extras: [], withAccessKey: true },
  ],
  keys: [],
  tables: [undefined, undefined],
});
// The first table expires its items by `expiresAt` (aws.dynamodb.Table ttl); the second has no TTL.
const withTtl = resourceNamed(PLAN, "aws:dynamodb/table:Table", "ttl-t0");
withTtl.inputs.ttl = { enabled: true, attributeName: "expiresAt" };
const USERS = PLAN.outputs.users as Record<string, { accessKeyId: string; secretAccessKey: string }>;

describe("sandbox: DynamoDB DescribeTimeToLive", function () {
  this.timeout(60_000);
  const { as } = sandboxWithPlan(PLAN);
  let full: Clients;
  let none: Clients;

  before(() => {
    full = as(USERS["ttl-u0"]);
    none = as(USERS["ttl-u1"]);
  });

  it("describes TTL enabled with its attribute, by name or by ARN", async () => {
    const answer = await full.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: "ttl-t0" }));
    expect(answer.TimeToLiveDescription).to.deep.equal({
      TimeToLiveStatus: "ENABLED",
      AttributeName: "expiresAt",
    });
    const byArn = await full.dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: String(withTtl.outputs.arn) }),
    );
    expect(byArn.TimeToLiveDescription?.TimeToLiveStatus).to.equal("ENABLED");
  });

  it("describes TTL disabled on a table the plan gives none", async () => {
    const answer = await full.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: "ttl-t1" }));
    expect(answer.TimeToLiveDescription).to.deep.equal({ TimeToLiveStatus: "DISABLED" });
  });

  it("answers ResourceNotFoundException for a table that does not exist", async () => {
    const error = await rejectionOf(
      full.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: "no-such-table" })),
    );
    expect(error.name).to.equal("ResourceNotFoundException");
  });

  it("is authorized as dynamodb:DescribeTimeToLive on the table", async () => {
    const error = await rejectionOf(
      none.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: "ttl-t0" })),
    );
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain(
      `is not authorized to perform: dynamodb:DescribeTimeToLive on resource: ${String(withTtl.outputs.arn)}`,
    );
  });
});
