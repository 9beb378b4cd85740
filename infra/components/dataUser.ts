import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { DYNAMODB_FULL_ACCESS_POLICY } from "../policies/actions";
import { tableAccessPolicy } from "../policies/tableAccess";
import { DYNAMODB_ACCESS_LEVELS, DynamodbAccess } from "../outputs";
import { requireIamUserName, requireOneOf } from "../validation";

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
   * Whether the key policy lists this user as a key user; recorded here, granted by EncryptionKey.
   * Changing this updates the key policy in place.
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
 * An IAM user with an access key, and DynamoDB permissions for its access level once granted a table
 * (`grantTableAccess`). Whether it may use the table's KMS key is the key policy's business
 * (EncryptionKey's keyUsers), not IAM's.
 */
export class DataUser extends pulumi.ComponentResource {
  public readonly user: iam.User;
  public readonly dynamodbAccess: DynamodbAccess;
  public readonly keyUser: boolean;
  public readonly accessKey: iam.AccessKey;
  public readonly arn: pulumi.Output<string>;
  public readonly accessKeyId: pulumi.Output<string>;
  /** A Pulumi secret. */
  public readonly secretAccessKey: pulumi.Output<string>;
  private readonly partition: pulumi.Input<string>;
  private readonly childName: string;
  /** The grants made, per table object: the handle `grantTableAccess` returns again for that table. */
  private readonly grants = new Map<object, iam.UserPolicy | iam.UserPolicyAttachment>();

  constructor(name: string, args: DataUserArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kms-dynamodb:iam:DataUser", name, {}, opts);
    const userName = requireIamUserName("DataUserArgs.userName", args.userName);
    const access = requireOneOf("DataUserArgs.dynamodbAccess", args.dynamodbAccess, DYNAMODB_ACCESS_LEVELS);

    this.user = new iam.User(name, { name: userName }, { parent: this });
    this.dynamodbAccess = access;
    this.keyUser = args.keyUser;
    this.partition = args.partition;
    this.childName = name;
    this.accessKey = new iam.AccessKey(name, { user: this.user.name }, { parent: this });
    this.arn = this.user.arn;
    this.accessKeyId = this.accessKey.id;
    this.secretAccessKey = pulumi.secret(this.accessKey.secret);
    this.registerOutputs({ arn: this.arn, accessKeyId: this.accessKeyId });
  }

  /**
   * Grants this user its access level on `table` (CDK's `table.grantReadData` / `grantReadWriteData`):
   * an inline policy scoped to the table and its indexes, or AmazonDynamoDBFullAccess for `full`.
   * Separate from the constructor because the key policy names the user before the table exists.
   */
  grantTableAccess(table: { readonly arn: pulumi.Input<string> }): iam.UserPolicy | iam.UserPolicyAttachment {
    // A grant can be called twice (as CDK's table.grant*): the same table gives back the same handle,
    // another table its own policy, named apart so that neither URN nor policy name collides. The first
    // keeps the names it always had, so existing stacks see no replacement.
    const existing = this.grants.get(table);
    if (existing !== undefined) {
      return existing;
    }
    const grant = this.createGrant(table);
    this.grants.set(table, grant);
    return grant;
  }

  private createGrant(table: {
    readonly arn: pulumi.Input<string>;
  }): iam.UserPolicy | iam.UserPolicyAttachment {
    const access = this.dynamodbAccess;
    if (access === "full") {
      // AmazonDynamoDBFullAccess covers every table: one attachment serves every grant.
      const attached = [...this.grants.values()].find(
        (grant): grant is iam.UserPolicyAttachment => grant instanceof iam.UserPolicyAttachment,
      );
      if (attached !== undefined) {
        return attached;
      }
      return new iam.UserPolicyAttachment(
        this.childName,
        {
          user: this.user.name,
          policyArn: pulumi.interpolate`arn:${this.partition}:iam::aws:policy/${DYNAMODB_FULL_ACCESS_POLICY}`,
        },
        { parent: this },
      );
    }
    const suffix = this.grants.size === 0 ? "" : `-${this.grants.size + 1}`;
    return new iam.UserPolicy(
      `${this.childName}${suffix}`,
      {
        user: this.user.name,
        name: `dynamodb-${access}${suffix}`,
        policy: pulumi
          .output(table.arn)
          .apply((tableArn) => JSON.stringify(tableAccessPolicy(access, tableArn))),
      },
      { parent: this },
    );
  }
}
