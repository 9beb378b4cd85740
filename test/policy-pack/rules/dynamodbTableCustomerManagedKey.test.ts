/**
 * `dynamodb-table-customer-managed-key`, in process (test/support/policyArgs.ts): each case changes one
 * field of a compliant baseline (test/support/compliantResources.ts). Key reference forms: CloudFormation
 * AWS::DynamoDB::Table SSESpecification.KMSMasterKeyId ("key ID, Amazon Resource Name (ARN), alias name,
 * or alias ARN"); `alias/aws/` names AWS managed keys (KMS developer guide, "Aliases in AWS KMS").
 */
import { expect } from "chai";
import { dynamodbTableCustomerManagedKey } from "../../../policy-pack/rules";
import { ACCOUNT_ID, OTHER_ACCOUNT_ID } from "../../support/accounts";
import {
  KEY_ARN,
  MANAGED_ALIAS_ARN,
  NATIVE_GLOBAL_TABLE,
  NATIVE_TABLE,
  REPLICA_KEY_ARN,
  TABLE,
  TABLE_REPLICA,
  nativeGlobalTable,
  nativeTable,
  table,
  tableReplica,
} from "../../support/compliantResources";
import { rejectionOf } from "../../support/errors";
import { UNKNOWN, runResourceRule } from "../../support/policyArgs";

async function cmkViolations(
  type: string,
  props: Record<string, unknown>,
  config?: Record<string, unknown>,
): Promise<string[]> {
  const outcome = await runResourceRule(dynamodbTableCustomerManagedKey, {
    type,
    name: "orders",
    props,
    config,
  });
  expect(outcome.downgraded, "the rule must never be downgraded to advisory").to.equal(undefined);
  return outcome.violations.map((v) => v.message);
}

describe("policy rule dynamodb-table-customer-managed-key", () => {
  describe("aws:dynamodb/table:Table", () => {
    it("passes a table on a customer-managed key ARN, key id, alias name or alias ARN", async () => {
      for (const kmsKeyArn of [
        KEY_ARN,
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "alias/orders-key",
        `arn:aws:kms:us-east-1:${ACCOUNT_ID}:alias/orders-key`,
      ]) {
        expect(
          await cmkViolations(TABLE, table({ serverSideEncryption: { enabled: true, kmsKeyArn } })),
          kmsKeyArn,
        ).to.deep.equal([]);
      }
    });

    it("rejects a table with no serverSideEncryption (AWS owned key)", async () => {
      const [message, ...rest] = await cmkViolations(TABLE, table({ serverSideEncryption: undefined }));
      expect(rest).to.deep.equal([]);
      expect(message).to.contain(
        'DynamoDB table "orders" (aws:dynamodb/table:Table) has no serverSideEncryption',
      );
      expect(message).to.contain("AWS owned key");
      expect(message).to.contain("Set serverSideEncryption to { enabled: true, kmsKeyArn }");
    });

    it("rejects serverSideEncryption.enabled false", async () => {
      const [message] = await cmkViolations(
        TABLE,
        table({ serverSideEncryption: { enabled: false, kmsKeyArn: KEY_ARN } }),
      );
      expect(message).to.contain("has serverSideEncryption.enabled false");
    });

    it("rejects encryption enabled without kmsKeyArn (the AWS managed key)", async () => {
      const [message] = await cmkViolations(TABLE, table({ serverSideEncryption: { enabled: true } }));
      expect(message).to.contain("has no serverSideEncryption.kmsKeyArn");
      expect(message).to.contain("AWS managed key alias/aws/dynamodb");
    });

    it("rejects the AWS managed key by alias name and by alias ARN", async () => {
      for (const kmsKeyArn of [
        "alias/aws/dynamodb",
        MANAGED_ALIAS_ARN,
        `arn:aws-cn:kms:cn-north-1:${ACCOUNT_ID}:alias/aws/dynamodb`,
      ]) {
        const [message] = await cmkViolations(
          TABLE,
          table({ serverSideEncryption: { enabled: true, kmsKeyArn } }),
        );
        expect(message, kmsKeyArn).to.contain(`serverSideEncryption.kmsKeyArn ${JSON.stringify(kmsKeyArn)}`);
        expect(message, kmsKeyArn).to.contain("the AWS managed key alias/aws/dynamodb");
      }
    });

    it("rejects a value that is no KMS key reference", async () => {
      const [message] = await cmkViolations(
        TABLE,
        table({ serverSideEncryption: { enabled: true, kmsKeyArn: "my-key" } }),
      );
      expect(message).to.contain('"my-key", which is not a KMS key id, key ARN, alias name or alias ARN');
    });

    it("requires every replica to name its own key", async () => {
      const replicas = [
        { regionName: "eu-west-1", kmsKeyArn: REPLICA_KEY_ARN },
        { regionName: "ap-south-1" },
        { regionName: "us-west-2", kmsKeyArn: "alias/aws/dynamodb" },
      ];
      const messages = await cmkViolations(TABLE, table({ replicas }));
      expect(messages).to.have.length(2);
      expect(messages[0]).to.contain("has no replicas[1].kmsKeyArn, so the replica (region ap-south-1)");
      expect(messages[1]).to.contain('replicas[2].kmsKeyArn "alias/aws/dynamodb"');
    });

    it("leaves an unknown key to the stack rule instead of being downgraded", async () => {
      const outcome = await runResourceRule(dynamodbTableCustomerManagedKey, {
        type: TABLE,
        props: table({ serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } }),
      });
      expect(outcome).to.deep.equal({
        violations: [],
        notApplicable:
          "serverSideEncryption.kmsKeyArn unknown during preview; decided by dynamodb-table-key-from-stack-at-preview",
      });
    });

    it("still reports what is known when another part is unknown", async () => {
      const outcome = await runResourceRule(dynamodbTableCustomerManagedKey, {
        type: TABLE,
        props: table({
          serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN },
          replicas: [{ regionName: "eu-west-1" }],
        }),
      });
      expect(outcome.notApplicable).to.equal(undefined);
      expect(outcome.violations.map((v) => v.message)).to.have.length(1);
      expect(outcome.violations[0].message).to.contain("has no replicas[0].kmsKeyArn");
    });
  });

  it("passes a table on a key for imported material once its key ARN or key id is known (pulumi up)", async () => {
    // aws.kms.ExternalKey is a KMS key whose material the customer imports (KMS developer guide,
    // "Importing key material for AWS KMS keys"): its id and ARN have the forms of any KMS key's.
    const keyId = "0d3a1b2c-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    for (const kmsKeyArn of [keyId, `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${keyId}`, "alias/imported"]) {
      expect(
        await cmkViolations(TABLE, table({ serverSideEncryption: { enabled: true, kmsKeyArn } })),
        kmsKeyArn,
      ).to.deep.equal([]);
    }
  });

  describe("aws:dynamodb/tableReplica:TableReplica", () => {
    it("passes a replica with a customer-managed key", async () => {
      expect(await cmkViolations(TABLE_REPLICA, tableReplica())).to.deep.equal([]);
    });

    it("rejects a replica without kmsKeyArn", async () => {
      const [message] = await cmkViolations(TABLE_REPLICA, tableReplica({ kmsKeyArn: undefined }));
      expect(message).to.contain(
        "(aws:dynamodb/tableReplica:TableReplica) has no kmsKeyArn, so the replica is encrypted with the AWS managed key",
      );
    });

    it("rejects a replica on the AWS managed key", async () => {
      const [message] = await cmkViolations(
        TABLE_REPLICA,
        tableReplica({ kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:alias/aws/dynamodb` }),
      );
      expect(message).to.contain("an alias ARN of the AWS managed key alias/aws/dynamodb");
    });
  });

  describe("aws-native:dynamodb:Table", () => {
    it("passes SSE enabled, type KMS and a customer-managed key", async () => {
      expect(await cmkViolations(NATIVE_TABLE, nativeTable())).to.deep.equal([]);
    });

    it("rejects a missing sseSpecification", async () => {
      const [message] = await cmkViolations(NATIVE_TABLE, nativeTable({ sseSpecification: undefined }));
      expect(message).to.contain("(aws-native:dynamodb:Table) has no sseSpecification");
    });

    it("rejects sseEnabled false", async () => {
      const [message] = await cmkViolations(
        NATIVE_TABLE,
        nativeTable({ sseSpecification: { sseEnabled: false, sseType: "KMS", kmsMasterKeyId: KEY_ARN } }),
      );
      expect(message).to.contain("has sseSpecification.sseEnabled false");
    });

    it("rejects a type other than KMS", async () => {
      const [message] = await cmkViolations(
        NATIVE_TABLE,
        nativeTable({ sseSpecification: { sseEnabled: true, sseType: "AES256", kmsMasterKeyId: KEY_ARN } }),
      );
      expect(message).to.contain('has sseSpecification.sseType "AES256"; only "KMS"');
    });

    it("rejects KMS without kmsMasterKeyId, and the AWS managed key", async () => {
      const [missing] = await cmkViolations(
        NATIVE_TABLE,
        nativeTable({ sseSpecification: { sseEnabled: true, sseType: "KMS" } }),
      );
      expect(missing).to.contain("has no sseSpecification.kmsMasterKeyId");
      const [managed] = await cmkViolations(
        NATIVE_TABLE,
        nativeTable({
          sseSpecification: { sseEnabled: true, sseType: "KMS", kmsMasterKeyId: "alias/aws/dynamodb" },
        }),
      );
      expect(managed).to.contain(
        'sseSpecification.kmsMasterKeyId "alias/aws/dynamodb", an alias name of the AWS managed key',
      );
    });
  });

  describe("aws-native:dynamodb:GlobalTable", () => {
    it("passes when every replica names a customer-managed key", async () => {
      expect(await cmkViolations(NATIVE_GLOBAL_TABLE, nativeGlobalTable())).to.deep.equal([]);
    });

    it("rejects a replica without kmsMasterKeyId", async () => {
      const [message] = await cmkViolations(
        NATIVE_GLOBAL_TABLE,
        nativeGlobalTable({
          replicas: [
            { region: "us-east-1", sseSpecification: { kmsMasterKeyId: KEY_ARN } },
            { region: "eu-west-1" },
          ],
        }),
      );
      expect(message).to.contain(
        "has no replicas[1].sseSpecification.kmsMasterKeyId, so the replica (region eu-west-1)",
      );
    });

    it("rejects a replica on the AWS managed key and SSE disabled at table level", async () => {
      const messages = await cmkViolations(
        NATIVE_GLOBAL_TABLE,
        nativeGlobalTable({
          sseSpecification: { sseEnabled: false, sseType: "KMS" },
          replicas: [{ region: "us-east-1", sseSpecification: { kmsMasterKeyId: MANAGED_ALIAS_ARN } }],
        }),
      );
      expect(messages).to.have.length(2);
      expect(messages[0]).to.contain("sseSpecification.sseEnabled false");
      expect(messages[1]).to.contain("replicas[0].sseSpecification.kmsMasterKeyId");
    });
  });

  describe("aws:dynamodb/globalTable:GlobalTable (version 2017.11.29)", () => {
    it("is always a violation", async () => {
      const [message] = await cmkViolations("aws:dynamodb/globalTable:GlobalTable", {
        name: "orders",
        replicas: [{ regionName: "us-east-1" }, { regionName: "eu-west-1" }],
      });
      expect(message).to.contain(
        "is a global table version 2017.11.29, which cannot be put on a customer-managed KMS key",
      );
    });
  });

  describe("allowed keys config", () => {
    it("accepts a key of the list and rejects another", async () => {
      const config = { allowedKeys: [KEY_ARN] };
      expect(await cmkViolations(TABLE, table(), config)).to.deep.equal([]);
      const other = `arn:aws:kms:us-east-1:${OTHER_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
      const [message] = await cmkViolations(
        TABLE,
        table({ serverSideEncryption: { enabled: true, kmsKeyArn: other } }),
        config,
      );
      expect(message).to.contain(
        `serverSideEncryption.kmsKeyArn "${other}" is not one of allowedKeys (${KEY_ARN})`,
      );
    });

    it("accepts a key matching the pattern and rejects another", async () => {
      const config = { allowedKeyPattern: `^arn:aws:kms:[a-z0-9-]+:${ACCOUNT_ID}:key/` };
      expect(await cmkViolations(TABLE, table(), config)).to.deep.equal([]);
      const [message] = await cmkViolations(
        TABLE,
        table({ serverSideEncryption: { enabled: true, kmsKeyArn: "alias/orders-key" } }),
        config,
      );
      expect(message).to.contain('"alias/orders-key" is not a match for allowedKeyPattern');
    });

    it("names the setting when the pattern is not a regular expression", async () => {
      const error = await rejectionOf(cmkViolations(TABLE, table(), { allowedKeyPattern: "([" }));
      expect(error?.message).to.contain(
        'policy config allowedKeyPattern: "([" is not a valid regular expression',
      );
    });
  });

  it("ignores resources that are not tables", async () => {
    expect(await cmkViolations("aws:s3/bucket:Bucket", { bucket: "b" })).to.deep.equal([]);
  });
});
