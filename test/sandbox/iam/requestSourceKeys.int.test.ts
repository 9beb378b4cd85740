/**
 * aws:SourceIp and aws:TokenIssueTime in the running sandbox, over HTTP with the AWS SDK v3:
 * - aws:SourceIp is the address the request came from, in every request but through a VPC endpoint; a
 *   call a service makes on the caller's behalf keeps the original requester's address (IAM User Guide,
 *   "AWS global condition context keys",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip,
 *   and "AWS: Denies access to AWS based on the source IP": "the original requester's IP address is
 *   preserved", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html).
 *   On the loopback endpoint every client is 127.0.0.1.
 * - aws:TokenIssueTime is the date and time temporary credentials were issued, present only in requests
 *   signed with temporary credentials (same page, #condition-keys-tokenissuetime).
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import type { Plan } from "../../../plan/types";
import { ACCOUNT_ID, buildStackPlan } from "../../support/accessStacks";
import { failureOf, sandboxWithPlan, type Clients } from "../../support/sandbox";

/** Adds `statements` to the inline policy of the plan's resource of `type` whose name is `name`. */
function addStatements(plan: Plan, type: string, name: string, statements: unknown[]): void {
  const state = plan.steps
    .map((step) => step.newState)
    .find((candidate) => candidate?.type === type && candidate.urn.endsWith(`::${name}`));
  if (state === undefined) {
    throw new Error(`no ${type} ${name} in the plan`);
  }
  const document = JSON.parse(state.inputs.policy as string) as { Statement: unknown[] };
  document.Statement.push(...statements);
  state.inputs.policy = JSON.stringify(document);
  if (state.outputs.policy !== undefined) {
    state.outputs.policy = state.inputs.policy;
  }
}

const TABLE = "src-t0";
const ITEM = { pk: { S: "a" } };

function plan(): Plan {
  const built = buildStackPlan({
    id: "src",
    users: [
      { access: "readwrite", extras: [], withAccessKey: true },
      { access: "readwrite", extras: [], withAccessKey: true },
    ],
    keys: [],
    tables: [undefined],
    roles: [{ access: "readwrite", trustedUsers: [0] }],
  });
  const denyGetItem = (condition: Record<string, unknown>) => ({
    Effect: "Deny",
    Action: "dynamodb:GetItem",
    Resource: "*",
    Condition: condition,
  });
  // u0: denied outside the loopback range, so allowed here.
  addStatements(built, "aws:iam/userPolicy:UserPolicy", "src-u0", [
    denyGetItem({ NotIpAddress: { "aws:SourceIp": "127.0.0.0/8" } }),
    // Long-term keys: aws:TokenIssueTime is absent, so this Null test holds and the Deny applies to PutItem.
    {
      Effect: "Deny",
      Action: "dynamodb:PutItem",
      Resource: "*",
      Condition: { Null: { "aws:TokenIssueTime": "true" } },
    },
  ]);
  // u1: denied from 127.0.0.1 itself.
  addStatements(built, "aws:iam/userPolicy:UserPolicy", "src-u1", [
    denyGetItem({ IpAddress: { "aws:SourceIp": "127.0.0.1/32" } }),
  ]);
  // r0's sessions: credentials issued before 2000 are refused, later ones (all of them) are not.
  addStatements(built, "aws:iam/rolePolicy:RolePolicy", "src-r0", [
    denyGetItem({ DateLessThan: { "aws:TokenIssueTime": "2000-01-01T00:00:00Z" } }),
    {
      Effect: "Deny",
      Action: "dynamodb:PutItem",
      Resource: "*",
      Condition: { DateGreaterThan: { "aws:TokenIssueTime": "2000-01-01T00:00:00Z" } },
    },
  ]);
  return built;
}

describe("sandbox: aws:SourceIp and aws:TokenIssueTime over HTTP (SDK v3)", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(plan, { port: 0 });
  let users: Clients[];
  let session: Clients;

  before(async () => {
    users = ["src-u0", "src-u1"].map((name) => deployed.user(name));
    session = await deployed.session(users[0], {
      RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/src-r0`,
      RoleSessionName: "issued",
    });
  });

  it("reads aws:SourceIp as the loopback client's address, 127.0.0.1", async () => {
    await users[1].dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: ITEM }));
    const read = await users[0].dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: ITEM }));
    expect(read.Item?.pk?.S).to.equal("a");
    const denied = await failureOf(
      users[1].dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: ITEM })),
    );
    expect(denied.name).to.equal("AccessDeniedException");
    expect(denied.message).to.contain("explicit deny");
  });

  it("leaves aws:TokenIssueTime out of a request signed with an IAM user's long-term key", async () => {
    const denied = await failureOf(
      users[0].dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: ITEM })),
    );
    expect(denied.name).to.equal("AccessDeniedException");
  });

  it("sets aws:TokenIssueTime of a role session to when its credentials were issued", async () => {
    const read = await session.dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: ITEM }));
    expect(read.Item?.pk?.S).to.equal("a");
    const denied = await failureOf(
      session.dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: ITEM })),
    );
    expect(denied.name).to.equal("AccessDeniedException");
  });
});
