import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import type { DynamodbAccess } from "../principal";
import { DataPrincipal } from "./dataPrincipal";

/**
 * Which changes replace what follows plan/replaceOnChange.ts, the one list of replace-on-change inputs
 * (test/infra/components/argsDocs.test.ts holds these docs to it).
 */
export interface DataUserArgs {
  /**
   * IAM user name (1-64 of A-Z a-z 0-9 + = , . @ _ -). The user itself is renamed in place (UpdateUser),
   * but changing this replaces the resource's access key (a new key id and secret) and its table policy
   * or attachment, which name the user.
   * @default none (required)
   */
  readonly userName: string;
  /**
   * readonly | readwrite (scoped to the table and its indexes) | full (AmazonDynamoDBFullAccess).
   * Changing this replaces the resource's table grant: the inline policy's name carries the level, and
   * `full` is a policy attachment instead. The user and its access key stay.
   * @default none (required)
   */
  readonly dynamodbAccess: DynamodbAccess;
  /**
   * Whether the stack declares this user a key user (the outputs' `keyUser`). The key policy lists it
   * once a table grants it data with the key (`EncryptedTable.grantReadData` and its siblings).
   * Changing this updates no resource in place by itself: the key policy follows the grants.
   * @default none (required)
   */
  readonly keyUser: boolean;
  /**
   * The partition, for the managed policy's ARN (`full` only). Changing this replaces the resource's
   * policy attachment.
   * @default none (required)
   */
  readonly partition: pulumi.Input<string>;
}

/**
 * An IAM user with an access key. It reaches a table through a grant: `EncryptedTable.grantReadData` and
 * its siblings (the table, and the key through the key policy) or `grantTableAccess` (the table only).
 */
export class DataUser extends DataPrincipal {
  public readonly user: iam.User;
  public readonly accessKey: iam.AccessKey;
  public readonly arn: pulumi.Output<string>;
  public readonly accessKeyId: pulumi.Output<string>;
  /** A Pulumi secret. */
  public readonly secretAccessKey: pulumi.Output<string>;

  constructor(name: string, args: DataUserArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "user",
      "kms-dynamodb:iam:DataUser",
      name,
      { argsName: "DataUserArgs", name: args.userName, ...args },
      opts,
    );
    this.user = new iam.User(name, { name: args.userName }, { parent: this });
    this.accessKey = new iam.AccessKey(name, { user: this.user.name }, { parent: this });
    this.arn = this.user.arn;
    this.accessKeyId = this.accessKey.id;
    this.secretAccessKey = pulumi.secret(this.accessKey.secret);
    this.registerOutputs({ arn: this.arn, accessKeyId: this.accessKeyId });
  }

  protected principalName(): pulumi.Input<string> {
    return this.user.name;
  }
}
