/**
 * AWS quotas a deploy or a request can hit, enforced where AWS enforces them, with AWS's errors.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { CreateGrantCommand } from "@aws-sdk/client-kms";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { AwsError } from "../../sandbox/errors";
import { accessModelSandbox } from "../support/accessModelProgram";
import {
  aws4DynamoDb,
  aws4Signed,
  credentialsOf,
  deployDev,
  errorType,
  failureOf,
  rawRequest,
  sandboxWithDev,
} from "../support/sandbox";
import {
  ACCOUNT_ID,
  APP_USER,
  DEPLOYER,
  KEY_ARN,
  keyPolicy,
  seedAuthorizer,
} from "../support/seedAuthorizer";
import { rejectionIfAny, thrownBy } from "../support/errors";

const rejection = (promise: Promise<unknown>): Promise<AwsError | undefined> => rejectionIfAny(promise);

/** The seed key policy, padded with Sids until its JSON text is `bytes` long. */
function keyPolicyOfSize(bytes: number): string {
  const policy = keyPolicy([APP_USER]) as unknown as { Statement: Array<Record<string, unknown>> };
  const base = JSON.stringify(policy);
  policy.Statement[0].Sid = "A".repeat(bytes - base.length + String(policy.Statement[0].Sid).length);
  const text = JSON.stringify(policy);
  expect(Buffer.byteLength(text)).to.equal(bytes);
  return text;
}

describe("AWS quotas", function () {
  this.timeout(60_000);

  describe("KMS key policy document size: 32 KB", () => {
    // AWS KMS Developer Guide, "Resource quotas": key policy document size 32 KB (32,768 bytes); KMS API
    // reference, CreateKey / PutKeyPolicy, Policy: "Maximum length of 32768".
    const authorizer = seedAuthorizer();

    it("accepts a key policy of exactly 32,768 bytes", async () => {
      const policy = keyPolicyOfSize(32_768);
      const error = await rejection(
        authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy, callerArn: DEPLOYER }),
      );
      expect(error).to.equal(undefined);
    });

    it("refuses one byte more with ValidationException, as CreateKey and PutKeyPolicy do", async () => {
      const policy = keyPolicyOfSize(32_769);
      const error = await rejection(
        authorizer.validateKeyPolicy({ keyArn: KEY_ARN, policy, callerArn: DEPLOYER }),
      );
      expect(error?.code).to.equal("ValidationException");
      expect(error?.message).to.equal(
        "1 validation error detected: Value at 'policy' failed to satisfy constraint: " +
          "Member must have length less than or equal to 32768",
      );
    });

    it("refuses it at deploy: a stack whose key policy is too large does not deploy", async () => {
      // 600 administrators make a key policy of about 40 KB. The size is checked first, as KMS validates
      // its input before it looks at the principals.
      const keyAdmins = Array.from(
        { length: 600 },
        (_, index) =>
          `arn:aws:iam::${ACCOUNT_ID}:user/admin-with-a-long-name-${String(index).padStart(4, "0")}`,
      );
      const error = await rejection(deployDev({ "kms-dynamodb:keyAdmins": keyAdmins }));
      expect(error, "the stack deployed").to.not.equal(undefined);
      expect(error?.message).to.contain("Member must have length less than or equal to 32768");
    });
  });

  describe("IAM inline user policy size: 2,048 characters", () => {
    // IAM User Guide, "IAM and AWS STS quotas": the aggregate size of a user's inline policies cannot
    // exceed 2,048 characters; IAM does not count white space.
    it("refuses a user whose inline policies exceed 2,048 characters with LimitExceeded", () => {
      const authorizer = seedAuthorizer();
      const statement = (index: number) => ({
        Effect: "Allow" as const,
        Action: "dynamodb:GetItem",
        Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/t${String(index).padStart(3, "0")}`,
      });
      const fits = { Version: "2012-10-17", Statement: Array.from({ length: 15 }, (_, i) => statement(i)) };
      expect(JSON.stringify(fits).length).to.be.lessThan(2048);
      authorizer.putPrincipal({
        arn: APP_USER,
        inlinePolicies: [{ name: "fits", document: JSON.stringify(fits, null, 8) }],
      });
      const tooLarge = { ...fits, Statement: Array.from({ length: 40 }, (_, i) => statement(i)) };
      expect(JSON.stringify(tooLarge).length).to.be.greaterThan(2048);
      const error = thrownBy<AwsError>(() =>
        authorizer.putPrincipal({ arn: APP_USER, inlinePolicies: [{ name: "big", document: tooLarge }] }),
      );
      expect(error.code).to.equal("LimitExceeded");
      expect(error.message).to.equal("Maximum policy size of 2048 bytes exceeded for user app-user");
    });
  });

  describe("DynamoDB item size and batch sizes, over the wire", () => {
    // DynamoDB Developer Guide, "Quotas in Amazon DynamoDB": item size 400 KB; BatchWriteItem up to 25
    // put or delete requests; BatchGetItem up to 100 items.
    const deployed = sandboxWithDev();

    it("refuses an item over 400 KB, a BatchWriteItem of 26 requests and a BatchGetItem of 101 keys", async () => {
      const { dynamodb } = deployed.user("app-user");
      const TableName = deployed.outputs.tableName;
      const big = await failureOf(
        dynamodb.send(
          new PutItemCommand({
            TableName,
            Item: { pk: { S: "big" }, data: { S: "x".repeat(400 * 1024) } },
          }),
        ),
      );
      expect(big.name).to.equal("ValidationException");
      expect(big.message).to.equal("Item size has exceeded the maximum allowed size");
      const writes = Array.from({ length: 26 }, (_, i) => ({
        PutRequest: { Item: { pk: { S: `w${i}` } } },
      }));
      const batchWrite = await failureOf(
        dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: writes } })),
      );
      expect(batchWrite.name).to.equal("ValidationException");
      expect(batchWrite.message).to.match(/Member must have length less than or equal to 25/);
      const keys = Array.from({ length: 101 }, (_, i) => ({ pk: { S: `k${i}` } }));
      const batchGet = await failureOf(
        dynamodb.send(new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: keys } } })),
      );
      expect(batchGet.name).to.equal("ValidationException");
      expect(batchGet.message).to.match(
        /Too many items requested for the BatchGetItem call|less than or equal to 100/,
      );
    });
  });

  describe("DynamoDB nested attribute depth: 32 levels", () => {
    // DynamoDB Developer Guide, "Service, account, and table quotas in Amazon DynamoDB": "DynamoDB supports
    // nested attributes up to 32 levels deep"; against AWS, a value wrapped in 31 maps is accepted and one
    // wrapped in 32 refused with ValidationException "Nesting Levels have exceeded supported limits"
    // (https://github.com/nubo-db/dynoxide/issues/110), in items and expression attribute values alike.
    const wrapped = (wraps: number, list = false): AttributeValue => {
      let value: AttributeValue = { S: "leaf" };
      for (let i = 0; i < wraps; i++) {
        value = list ? { L: [value] } : { M: { a: value } };
      }
      return value;
    };
    const NESTING =
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
    const deployed = sandboxWithDev();

    it("stores an item nested 32 levels deep and refuses 33, in PutItem, UpdateItem, BatchWriteItem and TransactWriteItems", async () => {
      const { dynamodb } = deployed.user("app-user");
      const TableName = deployed.outputs.tableName;
      await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: "deep-31" }, v: wrapped(31) } }));
      const read = await dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: "deep-31" } } }));
      expect(read.Item?.v).to.deep.equal(wrapped(31));
      const refusals = [
        dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: "deep-32" }, v: wrapped(32) } })),
        dynamodb.send(
          new PutItemCommand({ TableName, Item: { pk: { S: "deep-32" }, v: wrapped(32, true) } }),
        ),
        dynamodb.send(
          new UpdateItemCommand({
            TableName,
            Key: { pk: { S: "deep-32" } },
            UpdateExpression: "SET v = :v",
            ExpressionAttributeValues: { ":v": wrapped(32) },
          }),
        ),
        dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [TableName]: [{ PutRequest: { Item: { pk: { S: "deep-32" }, v: wrapped(32) } } }],
            },
          }),
        ),
        dynamodb.send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Put: { TableName, Item: { pk: { S: "deep-32" }, v: wrapped(32) } } }],
          }),
        ),
      ];
      for (const refusal of await Promise.all(refusals.map((call) => failureOf(call)))) {
        expect(refusal).to.deep.include({ name: "ValidationException", message: NESTING, status: 400 });
      }
      const absent = await dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: "deep-32" } } }));
      expect(absent.Item).to.equal(undefined);
    });

    it("answers an item nested 100,000 levels deep with ValidationException, not 500", async () => {
      const depth = 100_000;
      const value = '{"M":{"a":'.repeat(depth) + '{"S":"x"}' + "}}".repeat(depth);
      const body = `{"TableName":"${deployed.outputs.tableName}","Item":{"pk":{"S":"deepest"},"v":${value}}}`;
      const response = await rawRequest(
        deployed.sandbox.endpoint,
        aws4DynamoDb(deployed, "app-user", "PutItem", body),
      );
      expect(response.status).to.equal(400);
      expect(errorType(response)).to.equal("ValidationException");
    });
  });

  describe("KMS grant constraints: 8 pairs, values of 384 characters", () => {
    // KMS API reference, CreateGrant, Constraints: "Each constraint value can include up to 8 encryption
    // context pairs. The encryption context value in each constraint cannot exceed 384 characters."
    const model = accessModelSandbox();

    it("makes a grant at the limits and refuses one past either with ValidationException", async () => {
      const outputs = model.outputs;
      const { kms } = model.user("grant-admin");
      const grant = (pairs: Record<string, string>) =>
        kms.send(
          new CreateGrantCommand({
            KeyId: outputs.keyArn,
            GranteePrincipal: outputs.users.carol.arn,
            Operations: ["Decrypt"],
            Constraints: { EncryptionContextSubset: pairs },
          }),
        );
      const pairs = (count: number, length = 8) =>
        Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v".repeat(length)]));
      await grant(pairs(8, 384));
      const nine = await failureOf(grant(pairs(9)));
      expect(nine.name).to.equal("ValidationException");
      expect(nine.message).to.contain("Member must have length less than or equal to 8");
      const long = await failureOf(grant(pairs(1, 385)));
      expect(long.name).to.equal("ValidationException");
      expect(long.message).to.contain("Member must have length less than or equal to 384");
    });
  });

  describe("no input answers 5xx", () => {
    const deployed = sandboxWithDev();
    const model = accessModelSandbox();

    it("answers a KMS request with a deeply nested member with SerializationException", async () => {
      const { keyArn, region } = deployed.outputs;
      for (const body of [
        `{"KeyId":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
        `{"KeyId":"${keyArn}","Plaintext":"eA==","EncryptionContext":{"a":${'{"b":'.repeat(5000)}1${"}".repeat(5000)}}}`,
      ]) {
        const response = await rawRequest(
          deployed.sandbox.endpoint,
          aws4Signed(
            deployed.sandbox.endpoint,
            {
              service: "kms",
              region,
              target: "TrentService.Encrypt",
              body,
              contentType: "application/x-amz-json-1.1",
            },
            credentialsOf(deployed.outputs, "app-user"),
          ),
        );
        expect(response.status).to.equal(400);
        expect(errorType(response)).to.equal("SerializationException");
        expect(response.body.length).to.be.below(1000);
      }
    });

    it("answers AssumeRole with a RoleArn that is no ARN (ValidationError) or no role's (AccessDenied)", async () => {
      // STS API reference, AssumeRole: RoleArn names the role; a role the caller cannot assume, or that
      // does not exist, is AccessDenied (HTTP 403).
      const outputs = model.outputs;
      const { sts } = model.user("alice");
      const assume = (RoleArn: string) =>
        failureOf(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: "s1" })));
      expect(await assume("not-an-arn-at-all-xxxx")).to.deep.include({
        name: "ValidationError",
        message: "not-an-arn-at-all-xxxx is invalid",
        status: 400,
      });
      const account = outputs.users.alice.arn.split(":")[4];
      for (const arn of [
        `arn:aws:sts::${account}:assumed-role/reader-role/s`,
        outputs.users.alice.arn,
        `arn:aws:iam::${account}:role`,
        "arn:aws:iam::abc:role/reader-role",
      ]) {
        expect(await assume(arn), arn).to.deep.include({ name: "AccessDenied", status: 403 });
      }
    });
  });
});
