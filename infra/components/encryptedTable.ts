import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import { ConfigError, describeValue, requireKeyAttributeName, requireTableName } from "../validation";
import { EncryptionKey } from "./encryptionKey";

export interface EncryptedTableArgs {
  /** The customer-managed key the table is encrypted with. Required: there is no unencrypted form. */
  readonly key: EncryptionKey;
  /** Physical table name (3-255 of A-Z a-z 0-9 _ - .). */
  readonly tableName: string;
  /** Hash (partition) key attribute. Default: "pk". */
  readonly hashKey?: string;
  /** Optional range (sort) key attribute. */
  readonly rangeKey?: string;
  /** Point-in-time recovery. Default: true. */
  readonly pointInTimeRecovery?: boolean;
  /** Deletion protection. Default: false. */
  readonly deletionProtection?: boolean;
}

/**
 * A DynamoDB table whose server-side encryption uses a customer-managed KMS key, on-demand billing.
 */
export class EncryptedTable extends pulumi.ComponentResource {
  public readonly table: aws.dynamodb.Table;
  public readonly arn: pulumi.Output<string>;
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: EncryptedTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kms-dynamodb:dynamodb:EncryptedTable", name, {}, opts);
    if (!(args.key instanceof EncryptionKey)) {
      throw new ConfigError(
        `EncryptedTableArgs.key: ${describeValue(args.key)} is not an EncryptionKey; the table needs a customer-managed key`,
      );
    }
    const tableName = requireTableName("EncryptedTableArgs.tableName", args.tableName);
    const hashKey = requireKeyAttributeName("EncryptedTableArgs.hashKey", args.hashKey ?? DEFAULTS.hashKey);
    const rangeKey =
      args.rangeKey === undefined
        ? undefined
        : requireKeyAttributeName("EncryptedTableArgs.rangeKey", args.rangeKey);
    const attributes = [hashKey, ...(rangeKey === undefined ? [] : [rangeKey])].map((attribute) => ({
      name: attribute,
      type: DEFAULTS.keyAttributeType,
    }));

    this.table = new aws.dynamodb.Table(
      name,
      {
        name: tableName,
        hashKey,
        rangeKey,
        attributes,
        billingMode: DEFAULTS.billingMode,
        serverSideEncryption: { enabled: true, kmsKeyArn: args.key.arn },
        pointInTimeRecovery: { enabled: args.pointInTimeRecovery ?? DEFAULTS.pointInTimeRecovery },
        deletionProtectionEnabled: args.deletionProtection ?? DEFAULTS.deletionProtection,
      },
      { parent: this, protect: opts?.protect, retainOnDelete: opts?.retainOnDelete },
    );
    this.arn = this.table.arn;
    this.name = this.table.name;
    this.registerOutputs({ arn: this.arn, name: this.name });
  }
}
