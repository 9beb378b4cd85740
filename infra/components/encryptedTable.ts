import * as dynamodb from "@pulumi/aws/dynamodb";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../defaults";
import type { DynamodbAccess } from "../principal";
import { ConfigError, describeValue, requireKeyAttributeName, requireTableName } from "../validation";
import type { TableGrantee } from "./dataPrincipal";
import type { KeyWithUsers } from "./encryptionKey";

/**
 * Any KMS key with an ARN: an EncryptionKey of this project, an `aws.kms.Key`, or an existing key by
 * ARN (the AWS CDK's `IKey`). Only a key ARN is accepted (not an alias, not `alias/aws/dynamodb`): the
 * table needs a customer-managed key, and the policy pack checks that the ARN is one.
 */
export interface KeyReference {
  readonly arn: pulumi.Input<string>;
}

/**
 * Which changes replace the table follows plan/replaceOnChange.ts, the one list of replace-on-change
 * inputs (test/infra/components/argsDocs.test.ts holds these docs to it).
 */
export interface EncryptedTableArgs {
  /**
   * The customer-managed key the table is encrypted with. Required: there is no unencrypted form.
   * Changing this updates the table in place: it re-encrypts it (an update of `serverSideEncryption`),
   * limited by AWS to four changes per 24 hours.
   * @default none (required)
   */
  readonly key: KeyReference;
  /**
   * Physical table name (3-255 of A-Z a-z 0-9 _ - .). Changing this replaces the resource (a new,
   * empty table).
   * @default none (required)
   */
  readonly tableName: string;
  /**
   * Hash (partition) key attribute, type S. Changing this replaces the resource.
   * @default "pk"
   */
  readonly hashKey?: string;
  /**
   * Range (sort) key attribute, type S. Changing this (adding or removing it too) replaces the resource.
   * @default none
   */
  readonly rangeKey?: string;
  /**
   * Point-in-time recovery (continuous backups). Changing this updates the table in place.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Deletion protection; off so that `pulumi destroy` works. Changing this updates the table in place.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

// A KMS key ARN (AWS General Reference, "Amazon Resource Names", AWS KMS): key/<key id>, not alias/.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The ARN of `key`, checked when it is known now; an Output's value is judged by the policy pack. */
function keyArnOf(key: unknown): pulumi.Input<string> {
  const arn = (key as { arn?: unknown } | undefined)?.arn;
  if (typeof key !== "object" || key === null || arn === undefined || arn === null) {
    throw new ConfigError(
      `EncryptedTableArgs.key: ${describeValue(key)} has no arn; the table needs a customer-managed key`,
    );
  }
  if (typeof arn === "string" && !KMS_KEY_ARN.test(arn)) {
    throw new ConfigError(
      `EncryptedTableArgs.key.arn: ${describeValue(arn)} is not a KMS key ARN ` +
        "(arn:PARTITION:kms:REGION:ACCOUNT:key/ID); the table needs a customer-managed key",
    );
  }
  return arn as pulumi.Input<string>;
}

/**
 * What a table grant made (AWS CDK's `iam.Grant`): who, which level, the identity policy resource, and
 * whether the key policy lists the grantee as a key user.
 */
export interface TableDataGrant {
  readonly grantee: TableGrantee;
  readonly access: DynamodbAccess;
  /** The grantee's policy on the table: an inline policy, or the AmazonDynamoDBFullAccess attachment. */
  readonly identityPolicy: pulumi.Resource;
  /** Always true for these grants: the key policy lists the grantee (through DynamoDB only). */
  readonly keyUser: true;
}

function hasKeyUsers(key: KeyReference): key is KeyWithUsers {
  return typeof (key as Partial<KeyWithUsers>).grantEncryptDecrypt === "function";
}

/**
 * A DynamoDB table whose server-side encryption uses a customer-managed KMS key, on-demand billing.
 *
 * Its data is granted as the AWS CDK grants a table's (`grantReadData`, `grantReadWriteData`,
 * `grantFullAccess`): the grantee gets the table through its identity policy and the key through the key
 * policy, as a key user (never through an identity policy, so a key policy that only lets its named key
 * users in still lets it in). A principal that is not to use the key gets the table alone from its own
 * `grantTableAccess`.
 */
export class EncryptedTable extends pulumi.ComponentResource {
  public readonly table: dynamodb.Table;
  public readonly arn: pulumi.Output<string>;
  public readonly name: pulumi.Output<string>;
  /** The key the table is encrypted with, as given. */
  public readonly key: KeyReference;
  private readonly componentName: string;
  private readonly dataGrants = new Map<TableGrantee, Map<DynamodbAccess, TableDataGrant>>();

  constructor(name: string, args: EncryptedTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kms-dynamodb:dynamodb:EncryptedTable", name, {}, opts);
    const keyArn = keyArnOf(args.key);
    this.key = args.key;
    this.componentName = name;
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

    this.table = new dynamodb.Table(
      name,
      {
        name: tableName,
        hashKey,
        rangeKey,
        attributes,
        billingMode: DEFAULTS.billingMode,
        serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
        pointInTimeRecovery: { enabled: args.pointInTimeRecovery ?? DEFAULTS.pointInTimeRecovery },
        deletionProtectionEnabled: args.deletionProtection ?? DEFAULTS.deletionProtection,
      },
      { parent: this, protect: opts?.protect, retainOnDelete: opts?.retainOnDelete },
    );
    this.arn = this.table.arn;
    this.name = this.table.name;
    this.registerOutputs({ arn: this.arn, name: this.name });
  }

  /**
   * Lets `grantee` read the table's items (GetItem, Query, Scan, BatchGetItem, ConditionCheckItem,
   * DescribeTable, ListTables) and makes it a key user of the table's key, so DynamoDB may decrypt for it.
   * Returns the grant; the same grantee twice gets the same grant.
   */
  grantReadData(grantee: TableGrantee): TableDataGrant {
    return this.grantData(grantee, "readonly");
  }

  /** As grantReadData, and writes: PutItem, UpdateItem, DeleteItem, BatchWriteItem. */
  grantReadWriteData(grantee: TableGrantee): TableDataGrant {
    return this.grantData(grantee, "readwrite");
  }

  /** Every DynamoDB action (the AWS managed policy AmazonDynamoDBFullAccess), and the table's key. */
  grantFullAccess(grantee: TableGrantee): TableDataGrant {
    return this.grantData(grantee, "full");
  }

  private grantData(grantee: TableGrantee, access: DynamodbAccess): TableDataGrant {
    const byLevel = this.dataGrants.get(grantee) ?? new Map<DynamodbAccess, TableDataGrant>();
    this.dataGrants.set(grantee, byLevel);
    const existing = byLevel.get(access);
    if (existing !== undefined) {
      return existing;
    }
    const key = this.key;
    if (!hasKeyUsers(key)) {
      throw new ConfigError(
        `EncryptedTable ${this.componentName}: its key is not one whose key policy this program writes ` +
          "(it has no grantEncryptDecrypt), so a data grant cannot make the grantee a key user; list the " +
          "grantee in that key's policy and grant the table alone with the grantee's grantTableAccess",
      );
    }
    key.grantEncryptDecrypt(grantee);
    const grant: TableDataGrant = {
      grantee,
      access,
      identityPolicy: grantee.grantTableAccess(this, access),
      keyUser: true,
    };
    byLevel.set(access, grant);
    return grant;
  }
}
