// A program the policy pack must reject: `pulumi preview --policy-pack ../../policy-pack` (or the
// offline guard) reports both tables as mandatory violations of dynamodb-table-customer-managed-key.
import * as dynamodb from "@pulumi/aws/dynamodb";
import { getCallerIdentity } from "@pulumi/aws/getCallerIdentity";
import { getRegion } from "@pulumi/aws/getRegion";
import * as pulumi from "@pulumi/pulumi";

const attributes = [{ name: "id", type: "S" }];

export default async function noncompliantTables(): Promise<Record<string, unknown>> {
  // No serverSideEncryption: DynamoDB's default, an AWS owned key.
  const defaultEncryption = new dynamodb.Table("default-encryption", {
    hashKey: "id",
    attributes,
    billingMode: "PAY_PER_REQUEST",
  });

  // Encrypted with KMS, but with the AWS managed key alias/aws/dynamodb, written as the alias ARN the
  // provider's kmsKeyArn accepts.
  const identity = await getCallerIdentity();
  const region = await getRegion();
  const awsManagedKey = new dynamodb.Table("aws-managed-key", {
    hashKey: "id",
    attributes,
    billingMode: "PAY_PER_REQUEST",
    serverSideEncryption: {
      enabled: true,
      kmsKeyArn: pulumi.interpolate`arn:aws:kms:${region.region}:${identity.accountId}:alias/aws/dynamodb`,
    },
  });

  return { defaultEncryptionTable: defaultEncryption.name, awsManagedKeyTable: awsManagedKey.name };
}
