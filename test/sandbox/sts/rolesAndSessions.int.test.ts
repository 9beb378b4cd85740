/**
 * IAM roles and STS sessions in the sandbox, over real HTTP with AWS SDK v3 clients: AssumeRole as the
 * trust policy and the caller's identity policies decide, temporary credentials with X-Amz-Security-Token,
 * GetCallerIdentity as the session, key policies naming the role, and expiry with an injected clock.
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { CreateGrantCommand, EncryptCommand, RevokeGrantCommand } from "@aws-sdk/client-kms";
import { expect } from "chai";
import { SandboxClock } from "../../../sandbox/admin/clock";
import {
  ACCESS_MODEL_TABLE,
  accessModelSandbox,
  type AccessModelOutputs,
} from "../../support/accessModelProgram";
import { failureOf, type Clients, type Credentials } from "../../support/sandbox";

describe("sandbox: IAM roles and STS sessions", function () {
  this.timeout(60_000);
  let now = new Date("2026-06-01T12:00:00Z");
  // Before the sandbox starts: the stack is deployed at the clock's present.
  before(() => {
    now = new Date();
  });
  const model = accessModelSandbox({ clock: new SandboxClock(() => now.getTime()) });
  let outputs: AccessModelOutputs;
  before(() => {
    outputs = model.outputs;
  });

  const as = (credentials: Credentials): Clients => model.as(credentials, outputs.region);
  const user = (name: string): Clients => model.user(name);

  async function assume(
    userName: string,
    roleName: string,
    sessionName = "test-session",
    durationSeconds?: number,
  ): Promise<Credentials & { expiration: Date }> {
    const result = await user(userName).sts.send(
      new AssumeRoleCommand({
        RoleArn: outputs.roles[roleName],
        RoleSessionName: sessionName,
        DurationSeconds: durationSeconds,
      }),
    );
    const credentials = result.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
      throw new Error("AssumeRole returned no credentials");
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration as Date,
    };
  }

  it("lets a user the trust policy names assume the role, and GetCallerIdentity answers the session", async () => {
    const session = await assume("alice", "reader-role", "alice-reads");
    // STS API reference, AssumeRole: temporary credentials (access key ids begin with ASIA, IAM User
    // Guide, "IAM identifiers") expiring after DurationSeconds, default 3,600.
    expect(session.accessKeyId).to.match(/^ASIA[A-Z2-7]{16}$/);
    expect(session.expiration.getTime()).to.equal(Math.floor(now.getTime() / 1000) * 1000 + 3600 * 1000);
    const identity = await as(session).sts.send(new GetCallerIdentityCommand({}));
    // STS API reference, GetCallerIdentity: for a role session the Arn is the assumed-role ARN and the
    // UserId is ROLE_ID:SESSION_NAME.
    expect(identity.Arn).to.equal(`arn:aws:sts::${outputs.accountId}:assumed-role/reader-role/alice-reads`);
    expect(identity.UserId).to.match(/^AROA[A-Z2-7]+:alice-reads$/);
    expect(identity.Account).to.equal(outputs.accountId);
  });

  it("refuses a user the trust policy does not name, with AccessDenied (HTTP 403)", async () => {
    // IAM User Guide, "Policy evaluation for requests within a single account": the trust policy (a
    // resource-based policy) names alice only, and bob's identity policies do not allow this role.
    const failure = await failureOf(
      user("bob").sts.send(
        new AssumeRoleCommand({ RoleArn: outputs.roles["reader-role"], RoleSessionName: "bob" }),
      ),
    );
    expect(failure.name).to.equal("AccessDenied");
    expect(failure.status).to.equal(403);
    expect(failure.message).to.contain(
      `is not authorized to perform: sts:AssumeRole on resource: ${outputs.roles["reader-role"]}`,
    );
  });

  it("needs the caller's identity policy too when the trust policy names only the account", async () => {
    // IAM User Guide, "How IAM roles differ from resource-based policies" / "Policy evaluation for requests
    // within a single account": a trust policy that names the account delegates to IAM policies.
    const bob = await assume("bob", "account-role", "bob-session");
    expect(bob.accessKeyId).to.match(/^ASIA/);
    const failure = await failureOf(
      user("alice").sts.send(
        new AssumeRoleCommand({ RoleArn: outputs.roles["account-role"], RoleSessionName: "alice" }),
      ),
    );
    expect(failure.name).to.equal("AccessDenied");
  });

  it("applies a key policy that names the role to the role's sessions, through DynamoDB", async () => {
    const session = as(await assume("alice", "reader-role"));
    await session.dynamodb.send(
      new PutItemCommand({ TableName: ACCESS_MODEL_TABLE, Item: { pk: { S: "from-role" } } }),
    );
    const read = await session.dynamodb.send(
      new GetItemCommand({ TableName: ACCESS_MODEL_TABLE, Key: { pk: { S: "from-role" } } }),
    );
    expect(read.Item).to.deep.equal({ pk: { S: "from-role" } });
    // The key policy allows the role only through DynamoDB (kms:ViaService): a direct call is refused.
    const direct = await failureOf(
      session.kms.send(new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.from("x") })),
    );
    expect(direct.name).to.equal("AccessDeniedException");
    expect(direct.message).to.contain(`assumed-role/reader-role/test-session`);
  });

  it("honours a grant to the role for the role's sessions", async () => {
    // KMS API reference, CreateGrant, GranteePrincipal: IAM roles are valid grantees; a session acts as its role.
    const session = as(await assume("alice", "reader-role", "granted"));
    const encrypt = () =>
      session.kms.send(
        new EncryptCommand({
          KeyId: outputs.keyArn,
          Plaintext: Buffer.from("x"),
          EncryptionContext: { a: "b" },
        }),
      );
    expect((await failureOf(encrypt())).name).to.equal("AccessDeniedException");
    const admin = user("grant-admin").kms;
    const { GrantId } = await admin.send(
      new CreateGrantCommand({
        KeyId: outputs.keyArn,
        GranteePrincipal: outputs.roles["reader-role"],
        Operations: ["Encrypt"],
      }),
    );
    await encrypt();
    await admin.send(new RevokeGrantCommand({ KeyId: outputs.keyArn, GrantId }));
    expect((await failureOf(encrypt())).name).to.equal("AccessDeniedException");
  });

  it("checks DurationSeconds and RoleSessionName as STS does", async () => {
    // STS API reference, AssumeRole: DurationSeconds from 900 to the role's MaxSessionDuration (3,600 by
    // default); RoleSessionName 2-64 characters of [\w+=,.@-].
    const short = await failureOf(assume("alice", "reader-role", "ok-name", 899));
    expect(short.name).to.equal("ValidationError");
    const long = await failureOf(assume("alice", "reader-role", "ok-name", 7200));
    expect(long.name).to.equal("ValidationError");
    expect(long.message).to.equal(
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
    const badName = await failureOf(assume("alice", "reader-role", "has space"));
    expect(badName.name).to.equal("ValidationError");
  });

  it("refuses session credentials without their session token, and a token with a long-term key", async () => {
    const session = await assume("alice", "reader-role");
    // IAM User Guide, "Use temporary credentials with AWS resources": requests must include the session
    // token; without it the access key is not recognised.
    const withoutToken = await failureOf(
      as({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).dynamodb.send(
        new GetItemCommand({ TableName: ACCESS_MODEL_TABLE, Key: { pk: { S: "x" } } }),
      ),
    );
    expect(withoutToken.name).to.equal("UnrecognizedClientException");
    const alice = outputs.users.alice;
    const foreignToken = await failureOf(
      as({ ...alice, sessionToken: session.sessionToken }).dynamodb.send(
        new GetItemCommand({ TableName: ACCESS_MODEL_TABLE, Key: { pk: { S: "x" } } }),
      ),
    );
    expect(foreignToken.name).to.equal("UnrecognizedClientException");
  });

  it("answers ExpiredTokenException once the session has expired (injected clock)", async () => {
    const session = await assume("alice", "reader-role", "short", 900);
    const clients = as(session);
    await clients.dynamodb.send(
      new GetItemCommand({ TableName: ACCESS_MODEL_TABLE, Key: { pk: { S: "x" } } }),
    );
    now = new Date(now.getTime() + 901 * 1000);
    // "The security token included in the request is expired" (DynamoDB and KMS: ExpiredTokenException;
    // STS: ExpiredToken), AWS's answer to temporary credentials used after their Expiration.
    const dynamodb = await failureOf(
      clients.dynamodb.send(new GetItemCommand({ TableName: ACCESS_MODEL_TABLE, Key: { pk: { S: "x" } } })),
    );
    expect(dynamodb.name).to.equal("ExpiredTokenException");
    expect(dynamodb.message).to.equal("The security token included in the request is expired");
    const kms = await failureOf(
      clients.kms.send(new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.from("x") })),
    );
    expect(kms.name).to.equal("ExpiredTokenException");
    const sts = await failureOf(clients.sts.send(new GetCallerIdentityCommand({})));
    expect(sts.name).to.equal("ExpiredToken");
  });

  it("limits a session to the intersection of the role's policies and its session policy", async () => {
    // IAM User Guide, "Session policies" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session):
    // "The resulting session's permissions are the intersection of the role's identity-based policy and
    // the session policies." The role allows reads and writes; the session policy only GetItem and the
    // key through DynamoDB.
    const result = await user("alice").sts.send(
      new AssumeRoleCommand({
        RoleArn: outputs.roles["reader-role"],
        RoleSessionName: "read-only-session",
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem", "kms:Decrypt"], Resource: "*" }],
        }),
      }),
    );
    const session = as({
      accessKeyId: result.Credentials!.AccessKeyId!,
      secretAccessKey: result.Credentials!.SecretAccessKey!,
      sessionToken: result.Credentials!.SessionToken!,
    });
    await session.dynamodb.send(
      new GetItemCommand({ TableName: ACCESS_MODEL_TABLE, Key: { pk: { S: "x" } } }),
    );
    const put = await failureOf(
      session.dynamodb.send(new PutItemCommand({ TableName: ACCESS_MODEL_TABLE, Item: { pk: { S: "x" } } })),
    );
    expect(put.name).to.equal("AccessDeniedException");
    expect(put.message).to.contain("session policy");
  });

  it("limits a role the key policy names by the session policy too: no kms:Decrypt, no item through DynamoDB", async () => {
    // IAM User Guide, "Session policies": a resource-based policy that names the role's ARN (not the
    // session's) is limited by the session policy as well.
    const result = await user("alice").sts.send(
      new AssumeRoleCommand({
        RoleArn: outputs.roles["reader-role"],
        RoleSessionName: "no-kms-session",
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }],
        }),
      }),
    );
    const session = as({
      accessKeyId: result.Credentials!.AccessKeyId!,
      secretAccessKey: result.Credentials!.SecretAccessKey!,
      sessionToken: result.Credentials!.SessionToken!,
    });
    const failure = await failureOf(
      session.dynamodb.send(new GetItemCommand({ TableName: ACCESS_MODEL_TABLE, Key: { pk: { S: "x" } } })),
    );
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain("KMS key access denied");
  });

  it("refuses a session policy IAM would refuse, and more than 10 managed policy ARNs", async () => {
    // STS API reference, AssumeRole: MalformedPolicyDocument; PolicyArns holds at most 10 ARNs.
    const malformed = await failureOf(
      user("alice").sts.send(
        new AssumeRoleCommand({
          RoleArn: outputs.roles["reader-role"],
          RoleSessionName: "bad",
          Policy: "{}",
        }),
      ),
    );
    // The SDK names STS's MalformedPolicyDocument error MalformedPolicyDocumentException.
    expect(malformed.name).to.equal("MalformedPolicyDocumentException");
    const tooMany = await failureOf(
      user("alice").sts.send(
        new AssumeRoleCommand({
          RoleArn: outputs.roles["reader-role"],
          RoleSessionName: "many",
          PolicyArns: Array.from({ length: 11 }, () => ({
            arn: "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
          })),
        }),
      ),
    );
    expect(tooMany.name).to.equal("ValidationError");
  });
});
