import { expect } from "chai";
import { DataUser } from "../../../infra/components/dataUser";
import { EncryptedTable } from "../../../infra/components/encryptedTable";
import { EncryptionKey, EncryptionKeyArgs } from "../../../infra/components/encryptionKey";
import { KEY_POLICY_SIDS } from "../../../infra/policies/keyPolicy";
import { ConfigError } from "../../../infra/validation";
import { synthesize } from "../../../plan/synth";
import { inputsOf, onlyResource } from "../../support/plan";
import { ACCOUNT_ID } from "../../support/accounts";

const keyArgs: EncryptionKeyArgs = {
  partition: "aws",
  accountId: ACCOUNT_ID,
  region: "eu-west-1",
  administrators: [`arn:aws:iam::${ACCOUNT_ID}:role/KeyAdmin`],
  keyUsers: [],
  aliasName: "alias/components-test",
  description: "components test key",
};

/** Runs `build` as a program under the mocks and returns what it threw, if anything. */
async function errorOf(build: () => void): Promise<unknown> {
  let caught: unknown;
  await synthesize({
    stack: "components",
    config: { "aws:region": "eu-west-1" },
    program: async () => {
      try {
        build();
      } catch (err) {
        caught = err;
      }
    },
  });
  return caught;
}

describe("component arguments", () => {
  it("EncryptionKey refuses a deletion window outside 7-30, naming the field", async () => {
    const err = await errorOf(() => new EncryptionKey("k", { ...keyArgs, deletionWindowInDays: 3 }));
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.equal(
      "EncryptionKeyArgs.deletionWindowInDays: 3 is not a whole number from 7 to 30",
    );
  });

  it("EncryptionKey refuses an AWS managed alias and an empty admin list", async () => {
    expect(
      ((await errorOf(() => new EncryptionKey("k", { ...keyArgs, aliasName: "alias/aws/x" }))) as Error)
        .message,
    ).to.contain('EncryptionKeyArgs.aliasName: "alias/aws/x" is not a valid KMS alias');
    expect(
      ((await errorOf(() => new EncryptionKey("k", { ...keyArgs, administrators: [] }))) as Error).message,
    ).to.contain("EncryptionKeyArgs.administrators: [] is empty");
  });

  it("EncryptionKey refuses a key policy mode it does not know, naming the field and the modes", async () => {
    const err = await errorOf(
      () => new EncryptionKey("k", { ...keyArgs, keyPolicy: "lax" as unknown as "strict" }),
    );
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.equal(
      'EncryptionKeyArgs.keyPolicy: "lax" is not one of default, strict',
    );
  });

  it("EncryptionKey writes the strict key policy on the key when asked, the default one otherwise", async () => {
    const sidsOf = async (args: EncryptionKeyArgs): Promise<string[]> => {
      const plan = await synthesize({
        stack: "components",
        config: { "aws:region": "eu-west-1" },
        program: async () => {
          new EncryptionKey("k", args);
        },
      });
      const policy = JSON.parse(String(inputsOf(onlyResource(plan, "aws:kms/key:Key")).policy)) as {
        Statement: { Sid: string }[];
      };
      return policy.Statement.map((statement) => statement.Sid);
    };
    expect(await sidsOf(keyArgs)).to.deep.equal([KEY_POLICY_SIDS.root, KEY_POLICY_SIDS.admins]);
    expect(await sidsOf({ ...keyArgs, keyPolicy: "strict" })).to.deep.equal([
      KEY_POLICY_SIDS.rootAdministration,
      KEY_POLICY_SIDS.admins,
      KEY_POLICY_SIDS.denyOthers,
    ]);
  });

  it("EncryptedTable cannot be built without a customer-managed key", async () => {
    const err = await errorOf(
      () =>
        new EncryptedTable("t", {
          key: { arn: "alias/aws/dynamodb" },
          tableName: "orders",
        }),
    );
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.equal(
      'EncryptedTableArgs.key.arn: "alias/aws/dynamodb" is not a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID); the table needs a customer-managed key',
    );
  });

  it("EncryptedTable and DataUser refuse bad names, naming the field and the value", async () => {
    const table = await errorOf(() => {
      const key = new EncryptionKey("k", keyArgs);
      new EncryptedTable("t", { key, tableName: "x" });
    });
    expect((table as Error).message).to.contain(
      'EncryptedTableArgs.tableName: "x" is not a valid DynamoDB table name',
    );
    const user = await errorOf(
      () =>
        new DataUser("u", {
          userName: "no spaces",
          dynamodbAccess: "readonly",
          keyUser: false,
          partition: "aws",
        }),
    );
    expect((user as Error).message).to.contain(
      'DataUserArgs.userName: "no spaces" is not a valid IAM user name',
    );
    const access = await errorOf(
      () =>
        new DataUser("u", {
          userName: "u",
          dynamodbAccess: "admin" as unknown as "full",
          keyUser: false,
          partition: "aws",
        }),
    );
    expect((access as Error).message).to.contain(
      'DataUserArgs.dynamodbAccess: "admin" is not one of readonly, readwrite, full',
    );
  });

  it("uses the defaults of infra/defaults.ts when optional arguments are left out", async () => {
    const plan = await synthesize({
      stack: "components",
      config: { "aws:region": "eu-west-1" },
      program: async () => {
        const key = new EncryptionKey("k", keyArgs);
        new EncryptedTable("t", { key, tableName: "orders" });
      },
    });
    expect(inputsOf(onlyResource(plan, "aws:kms/key:Key"))).to.include({
      deletionWindowInDays: 30,
      enableKeyRotation: true,
    });
    expect(inputsOf(onlyResource(plan, "aws:dynamodb/table:Table"))).to.deep.include({
      hashKey: "pk",
      billingMode: "PAY_PER_REQUEST",
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: false,
    });
  });
});
