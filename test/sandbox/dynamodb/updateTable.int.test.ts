/**
 * UpdateTable over real HTTP with the AWS SDK v3 client: switching a table's encryption key and its
 * deletion protection. Expectations from:
 * - DynamoDB API reference, UpdateTable (TableName a name or an ARN; ResourceNotFoundException) and
 *   SSESpecification ("If enabled (true), server-side encryption type is set to KMS ... If disabled
 *   (false) or not specified, server-side encryption is set to AWS owned key"; KMSMasterKeyId "its key
 *   ID, Amazon Resource Name (ARN), alias name, or alias ARN"; SSEType "The only supported value is: KMS")
 *   https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html
 *   https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_SSESpecification.html
 * - DynamoDB Developer Guide, "Managing encrypted tables in DynamoDB", Updating an encryption key
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.tutorial.html
 * - KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS": the principal who chooses a customer managed
 *   key needs kms:DescribeKey and kms:CreateGrant on it through DynamoDB, and the table's users need
 *   kms:Decrypt on the table's key; DynamoDB's grant is on the table's key
 *   https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html#dynamodb-authz
 * - a refusal by KMS through DynamoDB is AccessDeniedException "KMS key access denied error: ..." (the
 *   message DynamoDB answers, as item requests do).
 */
import {
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { ListGrantsCommand } from "@aws-sdk/client-kms";
import { expect } from "chai";
import { NOT_MODELLED } from "../../../sandbox/http/requestMembers";
import { buildStackPlan, REGION } from "../../support/accessStacks";
import { rejectionOf } from "../../support/errors";
import { resourcesOfType } from "../../support/plan";
import { sandboxWithPlan, type Clients } from "../../support/sandbox";

const PLAN = buildStackPlan({
  id: "ut",
  users: [
    // u0: every DynamoDB action, a key user of k0 (the table's key) only.
    { access: "full", extras: [], withAccessKey: true },
    // u1: every DynamoDB action, a key user of k1 and k2 (DescribeKey, Decrypt, ...; no CreateGrant).
    { access: "full", extras: [], withAccessKey: true },
    // u2: no policy at all.
    { access: "none", extras: [], withAccessKey: true },
  ],
  keys: [
    { rootStatement: false, keyUsers: [0], viaDynamoDbOnly: true, deniedUsers: [], enabled: true },
    { rootStatement: false, keyUsers: [1], viaDynamoDbOnly: true, deniedUsers: [], enabled: true },
    { rootStatement: false, keyUsers: [1], viaDynamoDbOnly: true, deniedUsers: [], enabled: true },
    { rootStatement: false, keyUsers: [], viaDynamoDbOnly: true, deniedUsers: [], enabled: false },
  ],
  tables: [0],
});

const TABLE = "ut-t0";
const KEY = { pk: { S: "update-table" } };
const KEYS = resourcesOfType(PLAN, "aws:kms/key:Key").map((key) => String(key.outputs.arn));
const USERS = PLAN.outputs.users as Record<string, { accessKeyId: string; secretAccessKey: string }>;

describe("sandbox: DynamoDB UpdateTable", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(PLAN);
  let deployer: Clients;
  const users: Clients[] = [];

  before(() => {
    deployer = deployed.as(deployed.sandbox.deployerCredentials(), REGION);
    for (const name of ["ut-u0", "ut-u1", "ut-u2"]) {
      users.push(deployed.as(USERS[name], REGION));
    }
  });

  const keyOfTable = async (client: DynamoDBClient = deployer.dynamodb) =>
    (await client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.SSEDescription
      ?.KMSMasterKeyArn;
  const getItem = (client: DynamoDBClient) =>
    client.send(new GetItemCommand({ TableName: TABLE, Key: KEY })).then(
      () => "served",
      (err: Error) => `${err.name}: ${err.message}`,
    );
  const switchTo = (client: DynamoDBClient, keyId: string) =>
    client.send(
      new UpdateTableCommand({
        TableName: TABLE,
        SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: keyId },
      }),
    );
  const dynamoDbGrants = async (keyArn: string) =>
    ((await deployer.kms.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants ?? []).filter(
      (grant) => grant.GranteePrincipal === `dynamodb.${REGION}.amazonaws.com`,
    );

  it("switches the table to another customer managed key for a caller allowed DescribeKey and CreateGrant on it", async () => {
    expect(await keyOfTable()).to.equal(KEYS[0]);
    expect(await getItem(users[0].dynamodb)).to.equal("served");
    // The key by its key id: resolved in the caller's account and region.
    const answer = await switchTo(deployer.dynamodb, KEYS[1].split("/")[1]);
    expect(answer.TableDescription?.TableName).to.equal(TABLE);
    expect(answer.TableDescription?.SSEDescription).to.include({
      Status: "ENABLED",
      SSEType: "KMS",
      KMSMasterKeyArn: KEYS[1],
    });
    expect(await keyOfTable()).to.equal(KEYS[1]);
    // DynamoDB's grant is on the table's key: made on the new key, gone from the old one.
    expect(await dynamoDbGrants(KEYS[1])).to.have.length(1);
    expect(await dynamoDbGrants(KEYS[0])).to.have.length(0);
  });

  it("then serves items to the new key's users only, from the very next request", async () => {
    // u0 read a moment ago under k0 on this connection: its table key was k0's, not k1's.
    expect(await getItem(users[0].dynamodb)).to.match(/^AccessDeniedException: KMS key access denied error/);
    expect(await getItem(users[1].dynamodb)).to.equal("served");
  });

  it("refuses a caller the new key's policy does not allow kms:CreateGrant, leaving the table as it was", async () => {
    // u1 may use k2 (Decrypt, DescribeKey, ...) but not create grants on it.
    const error = await rejectionOf(switchTo(users[1].dynamodb, KEYS[2]));
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.match(/^KMS key access denied error: /);
    expect(error.message).to.contain("kms:CreateGrant");
    expect(await keyOfTable()).to.equal(KEYS[1]);
  });

  it("refuses a caller with no permission on the new key at all, naming kms:DescribeKey", async () => {
    // u0 is nowhere in k2's key policy, which does not delegate to IAM.
    const error = await rejectionOf(switchTo(users[0].dynamodb, KEYS[2]));
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain("kms:DescribeKey");
    expect(await keyOfTable()).to.equal(KEYS[1]);
  });

  it("refuses a key that is disabled (KMS's DisabledException inside DynamoDB's AccessDeniedException)", async () => {
    const error = await rejectionOf(switchTo(deployer.dynamodb, KEYS[3]));
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain("DisabledException");
    expect(await keyOfTable()).to.equal(KEYS[1]);
  });

  it("refuses a key that does not exist", async () => {
    const missing = `arn:aws:kms:${REGION}:${KEYS[0].split(":")[4]}:key/00000000-0000-4000-8000-000000000000`;
    const error = await rejectionOf(switchTo(deployer.dynamodb, missing));
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain("NotFoundException");
  });

  it("switches to the AWS owned key with Enabled false: no SSEDescription, no grant, and no key permission needed", async () => {
    const answer = await deployer.dynamodb.send(
      new UpdateTableCommand({ TableName: TABLE, SSESpecification: { Enabled: false } }),
    );
    expect(answer.TableDescription?.SSEDescription).to.equal(undefined);
    expect(await keyOfTable()).to.equal(undefined);
    expect(await dynamoDbGrants(KEYS[1])).to.have.length(0);
    // u0 is no key user of k1, and the table now needs no key user at all.
    expect(await getItem(users[0].dynamodb)).to.equal("served");
  });

  it("switches back from the AWS owned key to a customer managed key by its ARN", async () => {
    await switchTo(deployer.dynamodb, KEYS[0]);
    expect(await keyOfTable()).to.equal(KEYS[0]);
    expect(await getItem(users[0].dynamodb)).to.equal("served");
    expect(await getItem(users[1].dynamodb)).to.match(/^AccessDeniedException: KMS key access denied error/);
  });

  it("turns deletion protection on and off", async () => {
    const on = await deployer.dynamodb.send(
      new UpdateTableCommand({ TableName: TABLE, DeletionProtectionEnabled: true }),
    );
    expect(on.TableDescription?.DeletionProtectionEnabled).to.equal(true);
    const described = await deployer.dynamodb.send(new DescribeTableCommand({ TableName: TABLE }));
    expect(described.Table?.DeletionProtectionEnabled).to.equal(true);
    await deployer.dynamodb.send(
      new UpdateTableCommand({ TableName: TABLE, DeletionProtectionEnabled: false }),
    );
    expect(
      (await deployer.dynamodb.send(new DescribeTableCommand({ TableName: TABLE }))).Table
        ?.DeletionProtectionEnabled,
    ).to.equal(false);
  });

  it("is authorized as dynamodb:UpdateTable on the table", async () => {
    const error = await rejectionOf(
      users[2].dynamodb.send(new UpdateTableCommand({ TableName: TABLE, DeletionProtectionEnabled: true })),
    );
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain(
      `is not authorized to perform: dynamodb:UpdateTable on resource: arn:aws:dynamodb:${REGION}:`,
    );
  });

  it("answers ValidationException for an SSEType other than KMS, or a key without SSEType KMS", async () => {
    const aes = await rejectionOf(
      deployer.dynamodb.send(
        new UpdateTableCommand({ TableName: TABLE, SSESpecification: { Enabled: true, SSEType: "AES256" } }),
      ),
    );
    expect(aes.name).to.equal("ValidationException");
    expect(aes.message).to.contain("KMS");
    const noType = await rejectionOf(
      deployer.dynamodb.send(
        new UpdateTableCommand({
          TableName: TABLE,
          SSESpecification: { Enabled: true, KMSMasterKeyId: KEYS[1] },
        }),
      ),
    );
    expect(noType.name).to.equal("ValidationException");
    expect(noType.message).to.equal("SSEType KMS is required if KMSMasterKeyId is specified");
    expect(await keyOfTable()).to.equal(KEYS[0]);
  });

  it("answers ValidationException for a request that changes nothing, ResourceNotFoundException for no table", async () => {
    const nothing = await rejectionOf(deployer.dynamodb.send(new UpdateTableCommand({ TableName: TABLE })));
    expect(nothing.name).to.equal("ValidationException");
    const missing = await rejectionOf(
      deployer.dynamodb.send(
        new UpdateTableCommand({ TableName: "no-such-table", DeletionProtectionEnabled: true }),
      ),
    );
    expect(missing.name).to.equal("ResourceNotFoundException");
  });

  it("refuses the settings it does not model (capacity, indexes, streams, replicas, table class) by name", async () => {
    const error = await rejectionOf(
      deployer.dynamodb.send(new UpdateTableCommand({ TableName: TABLE, BillingMode: "PROVISIONED" })),
    );
    expect(error.name).to.equal(NOT_MODELLED);
    expect(error.message).to.contain("BillingMode");
    expect(error.message).to.contain("is not modelled by the sandbox");
  });
});
