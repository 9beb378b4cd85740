/**
 * aws:ResourceTag/tag-key and iam:ResourceTag/tag-key over real HTTP with AWS SDK v3 clients: a table's,
 * a key's and a role's tags, from the plan (tags, and tagsAll once deployed), decide requests on them.
 * Expectations from:
 * - DynamoDB Developer Guide, "Using attribute-based access control with DynamoDB"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/attribute-based-access-control.html)
 *   and "Using ABAC with DynamoDB tables and indexes": a policy with aws:ResourceTag allows PutItem or
 *   GetItem on tables whose tags match; "If a table doesn't have the specified tag key-value pair, these
 *   actions are denied"; "The indexes associated with a table inherit the tags you add to the table".
 * - KMS Developer Guide, "ABAC for AWS KMS" (https://docs.aws.amazon.com/kms/latest/developerguide/abac.html)
 *   and "Use tags to control access to KMS keys"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html): an IAM policy may allow
 *   a key's use only when the key has a tag; "the aws:ResourceTag/tag-key condition key is supported only
 *   in IAM policies. It isn't supported in key policies" (what it does there is not said: refused).
 * - IAM User Guide, "Controlling access to AWS resources using tags"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html) and "AWS global condition context
 *   keys" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 *   aws:ResourceTag/tag-key is the tag attached to the resource acted on; a role's tags are its resource
 *   tags for sts:AssumeRole (Service Authorization Reference, AWS STS: the role resource's condition keys
 *   aws:ResourceTag/${TagKey} and iam:ResourceTag/${TagKey}).
 * TagResource and UntagResource (DynamoDB; ListTagsOfResource is served) and TagResource, UntagResource,
 * ListResourceTags (KMS) are not served: a table's or key's tags change only with the plan.
 */
import { GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { DescribeKeyCommand } from "@aws-sdk/client-kms";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { ACCOUNT_ID, buildStackPlan, REGION } from "../../support/accessStacks";
import { outcomeOf, rejectionOf } from "../../support/errors";
import { resourceNamed, setInput } from "../../support/plan";
import { sandboxWithPlan, type Clients, type Credentials } from "../../support/sandbox";

const PLAN = buildStackPlan({
  id: "rt",
  users: [
    // u0 reads by the tables' and keys' tags and assumes roles by theirs (its policy is replaced below).
    { access: "none", extras: ["allow-create-access-key"], withAccessKey: true },
  ],
  // k0 and k1 delegate to IAM; k2's policy reads aws:ResourceTag itself.
  keys: [0, 1, 2].map(() => ({
    rootStatement: true,
    keyUsers: [],
    viaDynamoDbOnly: false,
    deniedUsers: [],
    enabled: true,
  })),
  // t0 on k0, t1 AWS-owned, t2 on k1 (no table on k2: DynamoDB's grant for it would be refused too).
  tables: [0, undefined, 1],
  roles: [
    { access: "none", trustedUsers: [0] },
    { access: "none", trustedUsers: [0] },
  ],
});

const USER0 = `arn:aws:iam::${ACCOUNT_ID}:user/rt-u0`;
const roleArn = (index: number) => `arn:aws:iam::${ACCOUNT_ID}:role/rt-r${index}`;

// The tables: t0 and t2 env prod, t1 env dev. The keys: k0 and k2 team blue, k1 team red. The roles:
// r0 access yes, r1 untagged. tagsAll (the provider's tags with its default tags) is what a deployed
// resource reports; the sandbox reads it as AWS holds the tags.
setInput(PLAN, "aws:dynamodb/table:Table", "rt-t0", "tagsAll", { env: "prod" });
setInput(PLAN, "aws:dynamodb/table:Table", "rt-t1", "tagsAll", { env: "dev" });
setInput(PLAN, "aws:dynamodb/table:Table", "rt-t2", "tags", { env: "prod" });
// t0 and t1 have an index each, whose tags are their table's.
for (const table of ["rt-t0", "rt-t1"]) {
  setInput(PLAN, "aws:dynamodb/table:Table", table, "attributes", [
    { name: "pk", type: "S" },
    { name: "alt", type: "S" },
  ]);
  setInput(PLAN, "aws:dynamodb/table:Table", table, "globalSecondaryIndexes", [
    { name: "byAlt", hashKey: "alt", projectionType: "ALL" },
  ]);
}
setInput(PLAN, "aws:kms/key:Key", "rt-k0", "tags", { team: "blue" });
setInput(PLAN, "aws:kms/key:Key", "rt-k1", "tags", { team: "red" });
setInput(PLAN, "aws:kms/key:Key", "rt-k2", "tags", { team: "blue" });
setInput(PLAN, "aws:iam/role:Role", "rt-r0", "tags", { access: "yes" });
// k2's key policy: the account root, and a Deny on keys not tagged team blue.
{
  const k2 = resourceNamed(PLAN, "aws:kms/key:Key", "rt-k2");
  const policy = JSON.parse(String(k2.inputs.policy)) as { Statement: unknown[] };
  policy.Statement.push({
    Sid: "DenyUntagged",
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: "kms:*",
    Resource: "*",
    Condition: { StringNotEquals: { "aws:ResourceTag/team": "blue" } },
  });
  setInput(PLAN, "aws:kms/key:Key", "rt-k2", "policy", JSON.stringify(policy));
}
setInput(
  PLAN,
  "aws:iam/userPolicy:UserPolicy",
  "rt-u0",
  "policy",
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ProdTables",
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:Query"],
        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/*`,
        Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } },
      },
      {
        Sid: "BlueKeys",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/*`,
        Condition: { StringEquals: { "aws:ResourceTag/team": "blue" } },
      },
      {
        Sid: "OnlyTaggedRoles",
        Effect: "Deny",
        Action: "sts:AssumeRole",
        Resource: "*",
        Condition: { StringNotEquals: { "iam:ResourceTag/access": "yes" } },
      },
    ],
  }),
);

const USERS = PLAN.outputs.users as Record<string, Credentials>;
const keyArnOf = (name: string) => String(resourceNamed(PLAN, "aws:kms/key:Key", name).outputs.arn);

describe("sandbox: aws:ResourceTag and iam:ResourceTag from the plan's tags", function () {
  this.timeout(60_000);
  const { as } = sandboxWithPlan(PLAN);
  let u0: Clients;
  before(() => {
    u0 = as(USERS["rt-u0"]);
  });

  const outcome = (promise: Promise<unknown>) => outcomeOf(promise, { nameOnly: true });
  const getItem = (table: string) =>
    outcome(u0.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "k" } } })));

  it("allows GetItem on a table tagged env prod and denies it on one tagged env dev", async () => {
    expect(await getItem("rt-t1")).to.equal("AccessDeniedException");
    // t0 is env prod, on k0 (team blue), so DynamoDB's kms:Decrypt for the caller is allowed too.
    expect(await getItem("rt-t0")).to.equal("allowed");
  });

  it("gives an index its table's tags", async () => {
    const query = (table: string) =>
      outcome(
        u0.dynamodb.send(
          new QueryCommand({
            TableName: table,
            IndexName: "byAlt",
            KeyConditionExpression: "alt = :v",
            ExpressionAttributeValues: { ":v": { S: "x" } },
          }),
        ),
      );
    expect(await query("rt-t0")).to.equal("allowed");
    expect(await query("rt-t1")).to.equal("AccessDeniedException");
  });

  it("denies GetItem on a prod table whose key is tagged team red (KMS through DynamoDB)", async () => {
    const error = await rejectionOf(
      u0.dynamodb.send(new GetItemCommand({ TableName: "rt-t2", Key: { pk: { S: "k" } } })),
    );
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.include("kms:Decrypt");
  });

  it("decides a direct KMS call by the key's tags", async () => {
    expect(await outcome(u0.kms.send(new DescribeKeyCommand({ KeyId: keyArnOf("rt-k0") })))).to.equal(
      "allowed",
    );
    expect(await outcome(u0.kms.send(new DescribeKeyCommand({ KeyId: keyArnOf("rt-k1") })))).to.equal(
      "AccessDeniedException",
    );
  });

  it("refuses, naming the key, a decision a key policy's aws:ResourceTag condition takes part in", async () => {
    const error = await rejectionOf(u0.kms.send(new DescribeKeyCommand({ KeyId: keyArnOf("rt-k2") })));
    expect(error.name).to.equal("NotModelledBySandboxException");
    expect(error.message).to.include("aws:ResourceTag/team");
  });

  it("decides sts:AssumeRole by the role's tags (iam:ResourceTag)", async () => {
    const assume = (index: number) =>
      outcome(u0.sts.send(new AssumeRoleCommand({ RoleArn: roleArn(index), RoleSessionName: "rt-session" })));
    expect(await assume(0)).to.equal("allowed");
    const error = await rejectionOf(
      u0.sts.send(new AssumeRoleCommand({ RoleArn: roleArn(1), RoleSessionName: "rt-session" })),
    );
    expect(error.name).to.equal("AccessDenied");
    expect(error.message).to.include(`User: ${USER0} is not authorized to perform: sts:AssumeRole`);
  });
});
