/**
 * The request limits of the served operations that docs/sandbox.md's table marks enforced and no other
 * test holds, each over the wire with the SDK, one test per limit named by its id in that table. Each
 * cites the page it comes from; the values are AWS's.
 */
import {
  BatchWriteItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  CreateGrantCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  ListGrantsCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { accessModelSandbox, type AccessModelOutputs } from "../support/accessModelProgram";
import { failureOf, sandboxWithDev, type SdkFailure } from "../support/sandbox";

describe("request limits of the served operations (docs/sandbox.md, Limits)", function () {
  this.timeout(60_000);
  const model = accessModelSandbox();
  // The dev stack's app-user may read and write the whole table (readwrite: Scan, BatchWriteItem).
  const dev = sandboxWithDev();
  let outputs: AccessModelOutputs;
  let TableName: string;
  let dynamodb: DynamoDBClient;
  let kms: KMSClient;
  let grantAdmin: KMSClient;
  let sts: STSClient;

  before(() => {
    outputs = model.outputs;
    ({ kms, sts } = model.user("alice"));
    dynamodb = dev.user("app-user").dynamodb;
    TableName = dev.outputs.tableName;
    grantAdmin = model.user("grant-admin").kms;
  });

  const refused = async (call: Promise<unknown>, name = "ValidationException"): Promise<SdkFailure> => {
    const failure = await failureOf(call);
    expect(failure.name, failure.message).to.equal(name);
    expect(failure.status).to.be.within(400, 499);
    return failure;
  };

  // DynamoDB developer guide, "Service, account, and table quotas in Amazon DynamoDB".
  it("ddb-pk-length: a partition key value over 2,048 bytes is refused", async () => {
    await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: "k".repeat(2048) } } }));
    await refused(dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: "k".repeat(2049) } } })));
  });

  it("ddb-number: 38 significant digits are stored, 39 refused", async () => {
    await dynamodb.send(
      new PutItemCommand({ TableName, Item: { pk: { S: "n" }, n: { N: "1".repeat(38) } } }),
    );
    const failure = await refused(
      dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: "n" }, n: { N: "1".repeat(39) } } })),
    );
    expect(failure.message).to.contain("38 significant digits");
  });

  it("ddb-empty-set: an empty string set is refused", async () => {
    await refused(dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: "s" }, s: { SS: [] } } })));
  });

  // DynamoDB API reference, BatchWriteItem: "You try to perform multiple operations on the same item in the
  // same BatchWriteItem request" is a ValidationException.
  it("ddb-batchwrite-dupe: the same item twice in one BatchWriteItem is refused", async () => {
    const put = { PutRequest: { Item: { pk: { S: "twice" } } } };
    await refused(dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: [put, put] } })));
  });

  // DynamoDB API reference, Scan: "A single Scan operation reads up to the maximum number of items set (if
  // using the Limit parameter) or a maximum of 1 MB of data"; the rest comes with LastEvaluatedKey.
  it("ddb-query-scan-page: a Scan reads at most 1 MB, and says where to go on", async () => {
    for (let i = 0; i < 3; i++) {
      await dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: `big-${i}` }, data: { S: "x".repeat(390 * 1024) } },
        }),
      );
    }
    const page = await dynamodb.send(new ScanCommand({ TableName }));
    expect(page.LastEvaluatedKey).to.not.equal(undefined);
  });

  // DynamoDB API reference, ListTables, Limit: "Valid Range: Minimum value of 1. Maximum value of 100."
  it("ddb-listtables-limit: Limit 101 is refused", async () => {
    await refused(dynamodb.send(new ListTablesCommand({ Limit: 101 })));
  });

  // DynamoDB API reference, TransactWriteItems, TransactItems: "Array Members: Minimum number of 1 item.
  // Maximum number of 100 items."
  it("ddb-tx-items: a transaction of 101 actions is refused", async () => {
    const items = Array.from({ length: 101 }, (_, i) => ({
      Put: { TableName, Item: { pk: { S: `tx-${i}` } } },
    }));
    await refused(dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items })));
  });

  // KMS API reference: Encrypt, Plaintext 1-4,096 bytes; Decrypt, CiphertextBlob 1-6,144 bytes;
  // GenerateDataKey, NumberOfBytes 1-1,024; every KeyId 1-2,048 characters.
  it("kms-plaintext, kms-ciphertext, kms-numberofbytes, kms-keyid: each member's bounds", async () => {
    await kms.send(new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.alloc(4096, 1) }));
    await refused(kms.send(new EncryptCommand({ KeyId: outputs.keyArn, Plaintext: Buffer.alloc(4097, 1) })));
    await refused(kms.send(new DecryptCommand({ CiphertextBlob: Buffer.alloc(6145, 1) })));
    await refused(kms.send(new GenerateDataKeyCommand({ KeyId: outputs.keyArn, NumberOfBytes: 1025 })));
    await refused(kms.send(new EncryptCommand({ KeyId: "k".repeat(2049), Plaintext: Buffer.from("x") })));
  });

  // KMS API reference, CreateGrant: Name 1-256 of ^[a-zA-Z0-9:/_-]+$; Operations from the enum, at least one.
  it("kms-grant-name, kms-grant-operations: a name outside its pattern, no operation, an unknown one", async () => {
    const grant = (fields: { Name?: string; Operations?: string[] }) =>
      grantAdmin.send(
        new CreateGrantCommand({
          KeyId: outputs.keyArn,
          GranteePrincipal: outputs.users.carol.arn,
          Operations: (fields.Operations ?? ["Decrypt"]) as never,
          Name: fields.Name,
        }),
      );
    await refused(grant({ Name: "not allowed!" }));
    await refused(grant({ Operations: [] }));
    await refused(grant({ Operations: ["Launch"] }));
  });

  // KMS API reference, ListGrants, Limit: "Valid Range: Minimum value of 1. Maximum value of 100."
  it("kms-list-limit: ListGrants with Limit 101 is refused", async () => {
    await refused(grantAdmin.send(new ListGrantsCommand({ KeyId: outputs.keyArn, Limit: 101 })));
  });

  // STS API reference, AssumeRole: RoleArn 20-2,048 characters; RoleSessionName 2-64 of [\w+=,.@-]*.
  it("sts-rolearn, sts-session-name: a RoleArn too short, a session name too short or with a space", async () => {
    const role = outputs.roles["reader-role"];
    await refused(
      sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::1:role", RoleSessionName: "ok" })),
      "ValidationError",
    );
    await refused(
      sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "a" })),
      "ValidationError",
    );
    await refused(
      sts.send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "a b" })),
      "ValidationError",
    );
  });
});
