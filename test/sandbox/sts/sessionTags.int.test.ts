/**
 * Session tags, transitive tags, source identity and principals' IAM tags, over real HTTP with AWS SDK v3
 * clients: AssumeRole's Tags, TransitiveTagKeys and SourceIdentity become the session's aws:PrincipalTag/*
 * and aws:SourceIdentity, which identity policies then read. Expectations from:
 * - IAM User Guide, "Passing session tags in AWS STS"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html): passing tags needs
 *   sts:TagSession, which a trust policy may condition on aws:RequestTag and sts:TransitiveTagKeys; "New
 *   session tags override existing assumed role ... tags with the same tag key, regardless of case"; role
 *   tags apply to the role's sessions; transitive tags persist in a role chain and cannot be passed again;
 *   at most 50 tags, keys up to 128 and values up to 256 characters.
 * - IAM User Guide, "Monitor and control actions taken with assumed roles"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html):
 *   sts:SetSourceIdentity with sts:SourceIdentity in the request; aws:SourceIdentity in the session's
 *   requests; it persists through role chaining, where the next role's trust policy must allow
 *   sts:SetSourceIdentity too; it cannot begin with "aws:".
 * - IAM User Guide, "AWS global condition context keys": aws:PrincipalTag/tag-key is the principal's tag
 *   (a user's IAM tags; a session's principal tags); a condition on a tag the principal lacks is false.
 * - STS API reference, AssumeRole: SourceIdentity is in the answer.
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand, type AssumeRoleCommandInput } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { ACCOUNT_ID, buildStackPlan, REGION } from "../../support/accessStacks";
import { outcomeOf, rejectionOf } from "../../support/errors";
import { setInput } from "../../support/plan";
import { sandboxWithPlan, type Clients, type Credentials } from "../../support/sandbox";

const PLAN = buildStackPlan({
  id: "st",
  users: [
    // u0 assumes the roles; u1 and u2 read by their own IAM tags.
    { access: "none", extras: [], withAccessKey: true },
    { access: "readonly", extras: [], withAccessKey: true },
    { access: "readonly", extras: [], withAccessKey: true },
  ],
  keys: [],
  tables: [undefined],
  roles: [
    { access: "readonly", trustedUsers: [0] },
    { access: "readonly", trustedUsers: [0] },
    { access: "readonly", trustedUsers: [0] },
    { access: "readonly", trustedUsers: [0] },
  ],
});

const TABLE = "st-t0";
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${TABLE}`;
const role = (index: number) => `arn:aws:iam::${ACCOUNT_ID}:role/st-r${index}`;
const USER0 = `arn:aws:iam::${ACCOUNT_ID}:user/st-u0`;

/** GetItem when the principal's tag team is blue; PutItem when its source identity is alice. */
const ABAC = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "dynamodb:GetItem",
      Resource: TABLE_ARN,
      Condition: { StringEquals: { "aws:PrincipalTag/team": "blue" } },
    },
    {
      Effect: "Allow",
      Action: "dynamodb:PutItem",
      Resource: TABLE_ARN,
      Condition: { StringEquals: { "aws:SourceIdentity": "alice" } },
    },
  ],
});

function trust(principal: string, actions: string[], tagSessionCondition?: Record<string, unknown>): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: principal },
        Action: actions.filter((a) => a !== "sts:TagSession"),
      },
      ...(actions.includes("sts:TagSession")
        ? [
            {
              Effect: "Allow",
              Principal: { AWS: principal },
              Action: "sts:TagSession",
              ...(tagSessionCondition === undefined ? {} : { Condition: tagSessionCondition }),
            },
          ]
        : []),
    ],
  });
}

// st-r0: u0 may assume it, tag the session with team blue or red (and set team transitive), and set a
// source identity; its IAM tags are team green and project kms.
setInput(
  PLAN,
  "aws:iam/role:Role",
  "st-r0",
  "assumeRolePolicy",
  trust(USER0, ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], {
    StringEquals: { "aws:RequestTag/team": ["blue", "red"] },
    "ForAllValues:StringEquals": { "sts:TransitiveTagKeys": ["team"] },
  }),
);
setInput(PLAN, "aws:iam/role:Role", "st-r0", "tags", { team: "green", project: "kms" });
// st-r1: st-r0's sessions may assume it with their tags and source identity (a role chain).
setInput(
  PLAN,
  "aws:iam/role:Role",
  "st-r1",
  "assumeRolePolicy",
  trust(role(0), ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]),
);
// st-r2: st-r0's sessions may assume it, but not pass tags on to it.
setInput(PLAN, "aws:iam/role:Role", "st-r2", "assumeRolePolicy", trust(role(0), ["sts:AssumeRole"]));
// st-r3: st-r0's sessions may assume it and pass tags, but not a source identity.
setInput(
  PLAN,
  "aws:iam/role:Role",
  "st-r3",
  "assumeRolePolicy",
  trust(role(0), ["sts:AssumeRole", "sts:TagSession"]),
);
for (const name of ["st-r0", "st-r1", "st-r2", "st-r3"]) {
  setInput(PLAN, "aws:iam/rolePolicy:RolePolicy", name, "policy", ABAC);
}
// st-u1 is tagged team blue, st-u2 team red; both have the ABAC policy alone.
setInput(PLAN, "aws:iam/user:User", "st-u1", "tags", { team: "blue" });
setInput(PLAN, "aws:iam/user:User", "st-u2", "tags", { team: "red" });
for (const name of ["st-u1", "st-u2"]) {
  setInput(PLAN, "aws:iam/userPolicy:UserPolicy", name, "policy", ABAC);
}

const USERS = PLAN.outputs.users as Record<string, Credentials>;
const KEY = { pk: { S: "session-tags" } };

describe("sandbox: session tags, source identity and principal tags", function () {
  this.timeout(60_000);
  const { as, session } = sandboxWithPlan(PLAN);
  const u0 = () => as(USERS["st-u0"]);
  /** A session and its clients, signed by `from` (RoleSessionName "s" unless given). */
  const assume = async (from: Clients, input: Parameters<typeof session>[1]) => {
    const clients = await session(from, input);
    return { answer: clients.answer, clients };
  };
  const outcome = (promise: Promise<unknown>) => outcomeOf(promise, { nameOnly: true });
  const getItem = (clients: Clients) =>
    outcome(clients.dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: KEY })));
  const putItem = (clients: Clients) =>
    outcome(clients.dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: KEY })));

  it("gives a user's requests its IAM tags as aws:PrincipalTag", async () => {
    expect(await getItem(as(USERS["st-u1"]))).to.equal("allowed");
    expect(await getItem(as(USERS["st-u2"]))).to.equal("AccessDeniedException");
  });

  it("gives a role session its role's tags when it passes none", async () => {
    const { clients } = await assume(u0(), { RoleArn: role(0), RoleSessionName: "no-tags" });
    // The role is tagged team green: the blue condition is false.
    expect(await getItem(clients)).to.equal("AccessDeniedException");
  });

  it("overrides the role's tag with a session tag of the same key, whatever its case", async () => {
    const { clients } = await assume(u0(), {
      RoleArn: role(0),
      RoleSessionName: "blue",
      Tags: [{ Key: "Team", Value: "blue" }],
    });
    expect(await getItem(clients)).to.equal("allowed");
  });

  it("refuses tags the trust policy's sts:TagSession does not allow, naming sts:TagSession", async () => {
    const error = await rejectionOf(
      u0().sts.send(
        new AssumeRoleCommand({
          RoleArn: role(0),
          RoleSessionName: "yellow",
          Tags: [{ Key: "team", Value: "yellow" }],
        }),
      ),
    );
    expect(error.name).to.equal("AccessDenied");
    expect(error.message).to.equal(
      `User: ${USER0} is not authorized to perform: sts:TagSession on resource: ${role(0)}`,
    );
  });

  it("refuses a transitive key the trust policy does not allow (sts:TransitiveTagKeys)", async () => {
    const error = await rejectionOf(
      u0().sts.send(
        new AssumeRoleCommand({
          RoleArn: role(0),
          RoleSessionName: "transitive-project",
          Tags: [
            { Key: "team", Value: "blue" },
            { Key: "project", Value: "x" },
          ],
          TransitiveTagKeys: ["project"],
        }),
      ),
    );
    expect(error.message).to.contain("sts:TagSession");
  });

  it("sets a source identity (sts:SetSourceIdentity): in the answer and as aws:SourceIdentity", async () => {
    const { answer, clients } = await assume(u0(), {
      RoleArn: role(0),
      RoleSessionName: "alice",
      SourceIdentity: "alice",
    });
    expect(answer.SourceIdentity).to.equal("alice");
    expect(await putItem(clients)).to.equal("allowed");
    const { clients: bob } = await assume(u0(), {
      RoleArn: role(0),
      RoleSessionName: "bob",
      SourceIdentity: "bob",
    });
    expect(await putItem(bob)).to.equal("AccessDeniedException");
  });

  it("passes transitive tags and the source identity along a role chain", async () => {
    const { clients: first } = await assume(u0(), {
      RoleArn: role(0),
      RoleSessionName: "chain-1",
      Tags: [{ Key: "team", Value: "blue" }],
      TransitiveTagKeys: ["team"],
      SourceIdentity: "alice",
    });
    const { answer, clients: second } = await assume(first, { RoleArn: role(1), RoleSessionName: "chain-2" });
    expect(answer.SourceIdentity).to.equal("alice");
    expect(await getItem(second)).to.equal("allowed");
    expect(await putItem(second)).to.equal("allowed");
    // A transitive tag cannot be passed again, and the source identity cannot change.
    const again = await rejectionOf(
      first.sts.send(
        new AssumeRoleCommand({
          RoleArn: role(1),
          RoleSessionName: "chain-3",
          Tags: [{ Key: "team", Value: "red" }],
        }),
      ),
    );
    expect(again.name).to.equal("InvalidParameterValue");
    const changed = await rejectionOf(
      first.sts.send(
        new AssumeRoleCommand({ RoleArn: role(1), RoleSessionName: "chain-4", SourceIdentity: "mallory" }),
      ),
    );
    expect(changed.name).to.equal("InvalidParameterValue");
    // The next role's trust policy must allow sts:TagSession for the inherited tags, and
    // sts:SetSourceIdentity for the inherited source identity.
    const noTagSession = await rejectionOf(
      first.sts.send(new AssumeRoleCommand({ RoleArn: role(2), RoleSessionName: "chain-5" })),
    );
    expect(noTagSession.message).to.contain("sts:TagSession");
    const noSourceIdentity = await rejectionOf(
      first.sts.send(new AssumeRoleCommand({ RoleArn: role(3), RoleSessionName: "chain-6" })),
    );
    expect(noSourceIdentity.message).to.contain("sts:SetSourceIdentity");
  });

  it("does not pass tags that are not transitive", async () => {
    const { clients: first } = await assume(u0(), {
      RoleArn: role(0),
      RoleSessionName: "plain-1",
      Tags: [{ Key: "team", Value: "blue" }],
    });
    expect(await getItem(first)).to.equal("allowed");
    // st-r2 allows no sts:TagSession: nothing is passed on, so nothing needs it.
    const { clients: second } = await assume(first, { RoleArn: role(2), RoleSessionName: "plain-2" });
    expect(await getItem(second)).to.equal("AccessDeniedException");
  });

  it("checks the documented limits: 50 tags, 128-character keys, 256-character values, reserved aws: prefixes, keys once", async () => {
    const tags = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ Key: `k${index}`, Value: "v" }));
    const refuse = (input: Partial<AssumeRoleCommandInput>) =>
      rejectionOf(
        u0().sts.send(new AssumeRoleCommand({ RoleArn: role(0), RoleSessionName: "limits", ...input })),
      );
    expect((await refuse({ Tags: tags(51) })).name).to.equal("ValidationError");
    expect((await refuse({ Tags: [{ Key: "k".repeat(129), Value: "v" }] })).name).to.equal("ValidationError");
    expect((await refuse({ Tags: [{ Key: "team", Value: "v".repeat(257) }] })).name).to.equal(
      "ValidationError",
    );
    expect((await refuse({ Tags: [{ Key: "aws:team", Value: "blue" }] })).name).to.equal(
      "InvalidParameterValue",
    );
    expect(
      (
        await refuse({
          Tags: [
            { Key: "team", Value: "blue" },
            { Key: "TEAM", Value: "blue" },
          ],
        })
      ).name,
    ).to.equal("InvalidParameterValue");
    expect((await refuse({ SourceIdentity: "a" })).name).to.equal("ValidationError");
    // "aws:" is reserved; the pattern ([\w+=,.@-]) has no ":" anyway.
    expect((await refuse({ SourceIdentity: "aws:alice" })).name).to.equal("ValidationError");
  });
});
