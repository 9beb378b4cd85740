/**
 * AWS quotas a deploy or a request can hit, enforced where AWS enforces them, with AWS's errors.
 */
import { BatchGetItemCommand, BatchWriteItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { AwsError } from "../../sandbox/errors";
import { deployDev, failureOf, userClients } from "../support/sandbox";
import {
  ACCOUNT_ID,
  APP_USER,
  DEPLOYER,
  KEY_ARN,
  keyPolicy,
  seedAuthorizer,
} from "../support/seedAuthorizer";
import { rejectionIfAny } from "../support/errors";

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
      let error: AwsError | undefined;
      try {
        authorizer.putPrincipal({ arn: APP_USER, inlinePolicies: [{ name: "big", document: tooLarge }] });
      } catch (err) {
        error = err as AwsError;
      }
      expect(error?.code).to.equal("LimitExceeded");
      expect(error?.message).to.equal("Maximum policy size of 2048 bytes exceeded for user app-user");
    });
  });

  describe("DynamoDB item size and batch sizes, over the wire", () => {
    // DynamoDB Developer Guide, "Quotas in Amazon DynamoDB": item size 400 KB; BatchWriteItem up to 25
    // put or delete requests; BatchGetItem up to 100 items.
    it("refuses an item over 400 KB, a BatchWriteItem of 26 requests and a BatchGetItem of 101 keys", async () => {
      const deployed = await deployDev();
      try {
        const { dynamodb } = userClients(deployed, "app-user");
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
      } finally {
        await deployed.sandbox.stop();
      }
    });
  });
});
