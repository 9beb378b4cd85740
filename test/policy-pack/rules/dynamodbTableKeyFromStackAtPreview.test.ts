/**
 * `dynamodb-table-key-from-stack-at-preview`, in process: the stack's resources with their property
 * dependencies, as the policy server builds them for validateStack (@pulumi/policy server.js).
 */
import { expect } from "chai";
import { dynamodbTableKeyFromStackAtPreview } from "../../../policy-pack/rules";
import {
  KMS_ALIAS,
  KMS_EXTERNAL_KEY,
  NATIVE_GLOBAL_TABLE,
  TABLE,
  TABLE_REPLICA,
  externalKey,
  nativeGlobalTable,
  table,
} from "../../support/compliantResources";
import { UNKNOWN, runStackRule } from "../../support/policyArgs";

describe("policy rule dynamodb-table-key-from-stack-at-preview", () => {
  const key = {
    type: "aws:kms/key:Key",
    name: "orders-key",
    props: { arn: UNKNOWN, enableKeyRotation: true },
  };

  it("passes an unknown key that comes from a KMS key of the stack, without reading it", async () => {
    const outcome = await runStackRule(dynamodbTableKeyFromStackAtPreview, [
      key,
      {
        type: TABLE,
        name: "orders",
        props: table({ serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } }),
        propertyDependencies: { serverSideEncryption: ["orders-key"] },
      },
    ]);
    expect(outcome).to.deep.equal({ violations: [] });
  });

  it("passes a key reached through an alias whose target is a key of the stack", async () => {
    const outcome = await runStackRule(dynamodbTableKeyFromStackAtPreview, [
      key,
      {
        type: "aws:kms/alias:Alias",
        name: "orders-alias",
        props: { arn: UNKNOWN, targetKeyId: UNKNOWN },
        propertyDependencies: { targetKeyId: ["orders-key"] },
      },
      {
        type: TABLE,
        name: "orders",
        props: table({ serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } }),
        propertyDependencies: { serverSideEncryption: ["orders-alias"] },
      },
    ]);
    expect(outcome.violations).to.deep.equal([]);
  });

  it("fails closed, as a mandatory violation, on an unknown key from no KMS key of the stack", async () => {
    const outcome = await runStackRule(dynamodbTableKeyFromStackAtPreview, [
      { type: "aws:s3/bucket:Bucket", name: "logs", props: { arn: UNKNOWN } },
      {
        type: TABLE,
        name: "orders",
        props: table({ serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } }),
        propertyDependencies: { serverSideEncryption: ["logs"] },
      },
    ]);
    expect(outcome.downgraded).to.equal(undefined);
    expect(outcome.violations).to.have.length(1);
    expect(outcome.violations[0].urn).to.equal(
      "urn:pulumi:test::policy-test::aws:dynamodb/table:Table::orders",
    );
    expect(outcome.violations[0].message).to.contain(
      'DynamoDB table "orders" (aws:dynamodb/table:Table) has serverSideEncryption.kmsKeyArn unknown during preview, and it depends only on aws:s3/bucket:Bucket "logs", none of them a KMS key',
    );
  });

  it("fails closed when the unknown key depends on nothing in the stack", async () => {
    const outcome = await runStackRule(dynamodbTableKeyFromStackAtPreview, [
      { type: TABLE_REPLICA, name: "orders-eu", props: { kmsKeyArn: UNKNOWN } },
    ]);
    expect(outcome.violations.map((v) => v.message)).to.deep.equal([
      'DynamoDB table "orders-eu" (aws:dynamodb/tableReplica:TableReplica) has kmsKeyArn unknown during preview, and it depends on no resource of the stack: ' +
        "nothing shows it will be a customer-managed key. Pass the arn of a KMS key created in this stack " +
        "(e.g. aws.kms.Key) or a known customer-managed key ARN.",
    ]);
  });

  it("checks each replica's key property of a table and of an aws-native global table", async () => {
    const outcome = await runStackRule(dynamodbTableKeyFromStackAtPreview, [
      key,
      {
        type: TABLE,
        name: "orders",
        props: table({
          serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN },
          replicas: [{ regionName: "eu-west-1", kmsKeyArn: UNKNOWN }],
        }),
        propertyDependencies: { serverSideEncryption: ["orders-key"] },
      },
      {
        type: NATIVE_GLOBAL_TABLE,
        name: "global",
        props: nativeGlobalTable({
          replicas: [{ region: "us-east-1", sseSpecification: { kmsMasterKeyId: UNKNOWN } }],
        }),
      },
    ]);
    expect(outcome.violations.map((v) => v.message.split(" unknown")[0])).to.deep.equal([
      'DynamoDB table "orders" (aws:dynamodb/table:Table) has replicas[0].kmsKeyArn',
      'DynamoDB table "global" (aws-native:dynamodb:GlobalTable) has replicas[0].sseSpecification.kmsMasterKeyId',
    ]);
  });

  it("leaves known keys to the resource rule", async () => {
    const outcome = await runStackRule(dynamodbTableKeyFromStackAtPreview, [
      {
        type: TABLE,
        name: "orders",
        props: table({ serverSideEncryption: { enabled: true, kmsKeyArn: "alias/aws/dynamodb" } }),
      },
    ]);
    expect(outcome).to.deep.equal({ violations: [] });
  });

  // KMS developer guide, "Importing key material for AWS KMS keys"
  // (https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html): "you can create a KMS key
  // without key material and then import your own key material into that KMS key". Such a key is created
  // in the stack like aws.kms.Key, and its key policy, state and deletion are the customer's.
  describe("a key for imported material (aws:kms/externalKey:ExternalKey) is a customer-managed key of the stack", () => {
    const external = {
      type: KMS_EXTERNAL_KEY,
      name: "imported",
      props: externalKey({ arn: UNKNOWN, id: UNKNOWN }),
    };
    const tableOn = (property: string) => ({
      type: TABLE,
      name: "orders",
      props: table({ serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } }),
      propertyDependencies: { serverSideEncryption: [property] },
    });

    it("passes a table on it directly, by its ARN or its key id (both unknown at preview)", async () => {
      // kmsKeyArn: key.arn and kmsKeyArn: key.id record the same dependency on the key.
      expect(
        await runStackRule(dynamodbTableKeyFromStackAtPreview, [external, tableOn("imported")]),
      ).to.deep.equal({ violations: [] });
    });

    it("passes a table on it through an alias whose targetKeyId is the key", async () => {
      const alias = {
        type: KMS_ALIAS,
        name: "imported-alias",
        props: { name: "alias/imported", targetKeyId: UNKNOWN, arn: UNKNOWN },
        propertyDependencies: { targetKeyId: ["imported"] },
      };
      expect(
        await runStackRule(dynamodbTableKeyFromStackAtPreview, [external, alias, tableOn("imported-alias")]),
      ).to.deep.equal({ violations: [] });
    });

    it("passes a table on a multi-Region replica of one (aws:kms/replicaExternalKey:ReplicaExternalKey)", async () => {
      const replica = {
        type: "aws:kms/replicaExternalKey:ReplicaExternalKey",
        name: "imported",
        props: externalKey({ arn: UNKNOWN, primaryKeyArn: UNKNOWN }),
      };
      expect(
        await runStackRule(dynamodbTableKeyFromStackAtPreview, [replica, tableOn("imported")]),
      ).to.deep.equal({
        violations: [],
      });
    });

    it("still fails closed when the configured key types leave it out", async () => {
      const outcome = await runStackRule(
        dynamodbTableKeyFromStackAtPreview,
        [external, tableOn("imported")],
        {
          keyResourceTypes: ["aws:kms/key:Key"],
        },
      );
      expect(outcome.violations.map((v) => v.message)).to.have.length(1);
      expect(outcome.violations[0].message).to.contain(
        'depends only on aws:kms/externalKey:ExternalKey "imported", none of them a KMS key',
      );
    });
  });
});
