/**
 * The components' contracts, as the AWS CDK has them (aws-kms IKey, aws-dynamodb table grants):
 * EncryptedTable takes any key with an ARN, not one concrete class; a grant returns a handle and can be
 * called twice (the same table: the same handle; another table: another policy) without a URN collision.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { DataUser } from "../../../infra/components/dataUser";
import { EncryptedTable } from "../../../infra/components/encryptedTable";
import { ConfigError } from "../../../infra/validation";
import { synthesize } from "../../../plan/synth";
import { inputsOf, onlyResource, resourcesOfType } from "../../support/plan";
import { ACCOUNT_ID } from "../../support/accounts";

const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

async function run(
  build: () => void,
): Promise<{ error: unknown; plan: Awaited<ReturnType<typeof synthesize>> }> {
  let error: unknown;
  const plan = await synthesize({
    stack: "components",
    config: { "aws:region": "eu-west-1" },
    program: async () => {
      try {
        build();
      } catch (err) {
        error = err;
      }
    },
  });
  return { error, plan };
}

describe("component contracts", () => {
  it("EncryptedTable accepts any key with an ARN (an imported key, an Output)", async () => {
    const { error, plan } = await run(() => {
      new EncryptedTable("imported", { key: { arn: KEY_ARN }, tableName: "imported" });
      new EncryptedTable("output", { key: { arn: pulumi.output(KEY_ARN) }, tableName: "from-output" });
    });
    expect(error).to.equal(undefined);
    const tables = resourcesOfType(plan, "aws:dynamodb/table:Table").map(inputsOf);
    expect(
      tables.map((table) => (table.serverSideEncryption as { kmsKeyArn: string }).kmsKeyArn),
    ).to.deep.equal([KEY_ARN, KEY_ARN]);
  });

  it("EncryptedTable refuses a key without an ARN, or whose ARN is not a KMS key's", async () => {
    for (const [key, message] of [
      [undefined, "EncryptedTableArgs.key: undefined has no arn; the table needs a customer-managed key"],
      [
        { arn: "alias/aws/dynamodb" },
        'EncryptedTableArgs.key.arn: "alias/aws/dynamodb" is not a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID); the table needs a customer-managed key',
      ],
    ] as const) {
      const { error } = await run(
        () => new EncryptedTable("t", { key: key as unknown as { arn: string }, tableName: "orders" }),
      );
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.equal(message);
    }
  });

  for (const access of ["readwrite", "full"] as const) {
    it(`DataUser (${access}) can be granted the same table twice, and two tables, without collision`, async () => {
      let handles: unknown[] = [];
      const { error, plan } = await run(() => {
        const user = new DataUser("u", {
          userName: "u",
          dynamodbAccess: access,
          keyUser: false,
          partition: "aws",
        });
        const orders = new EncryptedTable("orders", { key: { arn: KEY_ARN }, tableName: "orders" });
        const audit = new EncryptedTable("audit", { key: { arn: KEY_ARN }, tableName: "audit" });
        handles = [
          user.grantTableAccess(orders),
          user.grantTableAccess(orders),
          user.grantTableAccess(audit),
        ];
      });
      expect(error).to.equal(undefined);
      expect(handles[0]).to.equal(handles[1]);
      if (access === "full") {
        // AmazonDynamoDBFullAccess covers every table: one attachment, whatever the number of grants.
        expect(handles[2]).to.equal(handles[0]);
        onlyResource(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment");
      } else {
        expect(handles[2]).to.not.equal(handles[0]);
        const policies = resourcesOfType(plan, "aws:iam/userPolicy:UserPolicy").map(inputsOf);
        expect(policies.map((policy) => policy.name)).to.deep.equal([
          "dynamodb-readwrite",
          "dynamodb-readwrite-2",
        ]);
      }
    });
  }
});
