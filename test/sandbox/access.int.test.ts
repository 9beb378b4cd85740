/**
 * Every allow and deny path of the seed scenario, with real SDK v3 clients over real HTTP: the key user,
 * the non-key user with AmazonDynamoDBFullAccess, a user whose identity policy does not allow the action,
 * direct KMS use, and tables whose key is disabled or pending deletion.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
} from "@aws-sdk/client-kms";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { devConfig, onlyResource, outputsOf } from "../support/plan";
import { synthesize } from "../../plan/synth";
import { declaredStates } from "../../plan/types";
import { failureOf, sandboxWithDev, type Clients } from "../support/sandbox";
import { rejectionOf } from "../support/errors";

const READER = { name: "reader", dynamodbAccess: "readonly", keyUser: true };

describe("sandbox access (seed scenario)", function () {
  this.timeout(60_000);
  const deployed = sandboxWithDev({
    "kms-dynamodb:users": [
      { name: "app-user", dynamodbAccess: "readwrite", keyUser: true },
      { name: "kms-test-user", dynamodbAccess: "full", keyUser: false },
      READER,
    ],
  });
  let appUser: Clients;
  let testUser: Clients;
  let reader: Clients;
  let table: string;

  before(async () => {
    appUser = deployed.user("app-user");
    testUser = deployed.user("kms-test-user");
    reader = deployed.user("reader");
    table = deployed.outputs.tableName;
  });

  describe("STS GetCallerIdentity", () => {
    it("names each user as IAM created it", async () => {
      for (const name of ["app-user", "kms-test-user", "reader"]) {
        const identity = await deployed.user(name).sts.send(new GetCallerIdentityCommand({}));
        const user = declaredStates(deployed.plan).find(
          (state) => state.type === "aws:iam/user:User" && outputsOf(state).name === name,
        );
        expect(identity.Arn).to.equal(deployed.outputs.users[name].arn);
        expect(identity.Account).to.equal(deployed.outputs.accountId);
        expect(identity.UserId).to.equal(outputsOf(user!).uniqueId);
      }
    });
  });

  describe("key user with read-write access (app-user)", () => {
    it("writes, reads, updates and deletes items", async () => {
      await appUser.dynamodb.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: "crud" }, note: { S: "first" } } }),
      );
      await appUser.dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: "crud" } },
          UpdateExpression: "SET note = :n",
          ExpressionAttributeValues: { ":n": { S: "second" } },
        }),
      );
      const read = await appUser.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: "crud" } } }),
      );
      expect(read.Item).to.deep.equal({ pk: { S: "crud" }, note: { S: "second" } });
      await appUser.dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "crud" } } }));
      const gone = await appUser.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: "crud" } } }),
      );
      expect(gone.Item).to.equal(undefined);
    });

    it("queries, scans and uses the batch operations", async () => {
      await appUser.dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: ["b1", "b2", "b3"].map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } })),
          },
        }),
      );
      const batch = await appUser.dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: { [table]: { Keys: [{ pk: { S: "b1" } }, { pk: { S: "b3" } }] } },
        }),
      );
      expect(batch.Responses?.[table].map((item) => item.pk.S).sort()).to.deep.equal(["b1", "b3"]);
      const query = await appUser.dynamodb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": { S: "b2" } },
        }),
      );
      expect(query.Items).to.deep.equal([{ pk: { S: "b2" } }]);
      const scan = await appUser.dynamodb.send(new ScanCommand({ TableName: table }));
      expect(scan.Items?.map((item) => item.pk.S)).to.include.members(["b1", "b2", "b3"]);
    });

    it("sees the table encrypted with the customer-managed key", async () => {
      const described = await appUser.dynamodb.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.SSEDescription).to.deep.equal({
        Status: "ENABLED",
        SSEType: "KMS",
        KMSMasterKeyArn: deployed.outputs.keyArn,
      });
      expect(described.Table?.TableArn).to.equal(deployed.outputs.tableArn);
      expect(described.Table?.DeletionProtectionEnabled).to.equal(false);
    });

    it("is refused the key when calling KMS directly (key policy requires kms:ViaService)", async () => {
      const keyId = deployed.outputs.keyArn;
      for (const call of [
        appUser.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("x") })),
        appUser.kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" })),
        appUser.kms.send(new DescribeKeyCommand({ KeyId: deployed.outputs.keyAlias })),
      ]) {
        const failure = await failureOf(call);
        expect(failure.name).to.equal("AccessDeniedException");
        expect(failure.status).to.equal(400);
        expect(failure.message).to.contain(deployed.outputs.users["app-user"].arn);
      }
    });
  });

  describe("non-key user with AmazonDynamoDBFullAccess (kms-test-user)", () => {
    it("may describe the table, which needs no key access", async () => {
      const described = await testUser.dynamodb.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.SSEDescription?.KMSMasterKeyArn).to.equal(deployed.outputs.keyArn);
    });

    it("is refused every item read and write by KMS, as DynamoDB reports it", async () => {
      const userArn = deployed.outputs.users["kms-test-user"].arn;
      for (const call of [
        testUser.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "b1" } } })),
        testUser.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "nope" } } })),
        testUser.dynamodb.send(new ScanCommand({ TableName: table })),
        testUser.dynamodb.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: [{ pk: { S: "b1" } }] } } }),
        ),
      ]) {
        const failure = await failureOf(call);
        expect(failure.name).to.equal("AccessDeniedException");
        expect(failure.status).to.equal(400);
        expect(failure.message).to.match(/^KMS key access denied error: /);
        expect(failure.message).to.contain(userArn);
        expect(failure.message).to.contain(`kms:Decrypt on resource: ${deployed.outputs.keyArn}`);
      }
    });

    it("may describe the key (its managed policy allows kms:DescribeKey) but not encrypt", async () => {
      const described = await testUser.kms.send(new DescribeKeyCommand({ KeyId: deployed.outputs.keyAlias }));
      expect(described.KeyMetadata?.Arn).to.equal(deployed.outputs.keyArn);
      const failure = await failureOf(
        testUser.kms.send(
          new EncryptCommand({ KeyId: deployed.outputs.keyArn, Plaintext: Buffer.from("x") }),
        ),
      );
      expect(failure.name).to.equal("AccessDeniedException");
    });

    it("lists tables", async () => {
      const listed = await testUser.dynamodb.send(new ListTablesCommand({}));
      expect(listed.TableNames).to.deep.equal([table]);
    });
  });

  describe("key user with read-only access (reader)", () => {
    it("reads items", async () => {
      const read = await reader.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: "b2" } } }),
      );
      expect(read.Item).to.deep.equal({ pk: { S: "b2" } });
    });

    it("is refused writes by IAM with AWS's message", async () => {
      const failure = await failureOf(
        reader.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "r" } } })),
      );
      expect(failure.name).to.equal("AccessDeniedException");
      expect(failure.status).to.equal(400);
      expect(failure.message).to.equal(
        `User: ${deployed.outputs.users.reader.arn} is not authorized to perform: dynamodb:PutItem on resource: ` +
          `${deployed.outputs.tableArn} because no identity-based policy allows the dynamodb:PutItem action`,
      );
    });

    it("lists tables, which its policy allows on * (ListTables names no table)", async () => {
      const listed = await reader.dynamodb.send(new ListTablesCommand({}));
      expect(listed.TableNames).to.deep.equal([table]);
    });

    it("is refused another table by IAM before DynamoDB looks for it", async () => {
      const failure = await failureOf(
        reader.dynamodb.send(new GetItemCommand({ TableName: "some-other-table", Key: { pk: { S: "x" } } })),
      );
      expect(failure.name).to.equal("AccessDeniedException");
      expect(failure.message).to.contain(":table/some-other-table because no identity-based policy allows");
    });
  });

  describe("key states", () => {
    const keyArn = () => deployed.outputs.keyArn;
    afterEach(async () => {
      await deployed.sandbox.setKeyState(keyArn(), "Enabled");
    });

    // DynamoDB reaches KMS again only on a new connection or after five minutes without a request
    // (KMS developer guide, "How Amazon DynamoDB uses AWS KMS", Table key): a fresh client shows a key
    // state change at once. test/sandbox/lifecycle.int.test.ts holds the warm connection's side.
    const opened: Clients[] = [];
    const freshAppUser = () => {
      const clients = deployed.user("app-user");
      opened.push(clients);
      return clients;
    };
    afterEach(() => {
      for (const clients of opened.splice(0)) {
        clients.dynamodb.destroy();
      }
    });

    it("a disabled key makes the items inaccessible, and enabling it restores them", async () => {
      await deployed.sandbox.setKeyState(keyArn(), "Disabled");
      const fresh = freshAppUser();
      const failure = await failureOf(
        fresh.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "b1" } } })),
      );
      expect(failure.name).to.equal("AccessDeniedException");
      expect(failure.message).to.contain("DisabledException");
      expect(failure.message).to.contain(`${keyArn()} is disabled.`);
      // DynamoDB API reference, TableDescription.TableStatus: INACCESSIBLE_ENCRYPTION_CREDENTIALS.
      const described = await fresh.dynamodb.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.TableStatus).to.equal("INACCESSIBLE_ENCRYPTION_CREDENTIALS");
      await deployed.sandbox.setKeyState(keyArn(), "Enabled");
      const read = await freshAppUser().dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: "b1" } } }),
      );
      expect(read.Item).to.deep.equal({ pk: { S: "b1" } });
    });

    it("a key pending deletion makes the items inaccessible", async () => {
      await deployed.sandbox.setKeyState(keyArn(), "PendingDeletion");
      const failure = await failureOf(
        freshAppUser().dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "late" } } })),
      );
      expect(failure.name).to.equal("AccessDeniedException");
      expect(failure.message).to.contain("KMSInvalidStateException");
      const key = await testUser.kms.send(new DescribeKeyCommand({ KeyId: keyArn() }));
      expect(key.KeyMetadata?.KeyState).to.equal("PendingDeletion");
    });

    it("keeps a scheduled deletion's date when the stack is applied again", async () => {
      await deployed.sandbox.setKeyState(keyArn(), "PendingDeletion");
      const first = await testUser.kms.send(new DescribeKeyCommand({ KeyId: keyArn() }));
      const deletionDate = first.KeyMetadata?.DeletionDate?.getTime();
      expect(first.KeyMetadata?.PendingDeletionWindowInDays).to.equal(30);
      expect(deletionDate).to.be.closeTo(deployed.sandbox.clock.now() + 30 * 86_400_000, 60_000);
      await deployed.sandbox.advanceClock(1_100);
      await deployed.sandbox.apply(
        await synthesize({ stack: "dev", config: devConfig(), previousState: deployed.sandbox.state() }),
      );
      await deployed.sandbox.setKeyState(keyArn(), "PendingDeletion");
      const again = await testUser.kms.send(new DescribeKeyCommand({ KeyId: keyArn() }));
      expect(again.KeyMetadata?.DeletionDate?.getTime()).to.equal(deletionDate);
    });

    it("names the key in the error for an unknown key id", async () => {
      await expectRejects(
        deployed.sandbox.setKeyState("no-such-key", "Disabled"),
        /"no-such-key" is not a KMS key/,
      );
    });
  });

  describe("direct KMS use where the key policy allows it", () => {
    it("is refused Decrypt of a blob for a caller the key does not allow", async () => {
      const key = onlyResource(deployed.plan, "aws:kms/key:Key");
      expect(outputsOf(key).arn).to.equal(deployed.outputs.keyArn);
      const failure = await failureOf(
        testUser.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from("not a kms blob") })),
      );
      expect(failure.name).to.equal("InvalidCiphertextException");
    });
  });
});

async function expectRejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  expect((await rejectionOf(promise)).message).to.match(pattern);
}
