import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { DYNAMODB_FULL_ACCESS_POLICY } from "../policies/actions";
import { tableAccessPolicy } from "../policies/tableAccess";
import { DYNAMODB_ACCESS_LEVELS, type DynamodbAccess } from "../outputs";
import { requireOneOf } from "../validation";

/**
 * Which changes replace what follows plan/replaceOnChange.ts, the one list of replace-on-change inputs
 * (test/infra/components/argsDocs.test.ts holds these docs to it).
 */
export interface DataRoleArgs {
  /**
   * IAM role name (1-64 of A-Z a-z 0-9 + = , . @ _ -). Changing this replaces the resource: the role and
   * its table policy or attachment.
   * @default none (required)
   */
  readonly roleName: string;
  /**
   * readonly | readwrite (scoped to the table and its indexes) | full (AmazonDynamoDBFullAccess).
   * Changing this replaces the resource's table grant (the inline policy's name carries the level); the
   * role stays.
   * @default none (required)
   */
  readonly dynamodbAccess: DynamodbAccess;
  /**
   * Whether the key policy lists this role as a key user; recorded here, granted by EncryptionKey.
   * Changing this updates the key policy in place.
   * @default none (required)
   */
  readonly keyUser: boolean;
  /**
   * ARNs of the IAM users its trust policy allows to assume it (at least one). Changing this updates the
   * trust policy in place.
   * @default none (required)
   */
  readonly trustedPrincipals: pulumi.Input<string>[];
  /**
   * The partition, for the managed policy's ARN (`full` only). Changing this replaces the resource's
   * policy attachment.
   * @default none (required)
   */
  readonly partition: pulumi.Input<string>;
}

/**
 * An IAM role that trusted users assume (STS AssumeRole) to reach the table, with DynamoDB permissions for
 * its access level once granted a table (`grantTableAccess`), as DataUser has. The trust policy names the
 * users themselves, so they need no sts:AssumeRole permission of their own (IAM User Guide, "Policy
 * evaluation for requests within a single account": a resource-based policy naming the principal is
 * enough). Whether its sessions may use the key is the key policy's business (EncryptionKey's keyUsers).
 */
export class DataRole extends pulumi.ComponentResource {
  public readonly role: iam.Role;
  public readonly dynamodbAccess: DynamodbAccess;
  public readonly keyUser: boolean;
  public readonly arn: pulumi.Output<string>;
  private readonly partition: pulumi.Input<string>;
  private readonly childName: string;

  constructor(name: string, args: DataRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kms-dynamodb:iam:DataRole", name, {}, opts);
    const access = requireOneOf("DataRoleArgs.dynamodbAccess", args.dynamodbAccess, DYNAMODB_ACCESS_LEVELS);
    if (args.trustedPrincipals.length === 0) {
      throw new Error("DataRoleArgs.trustedPrincipals: [] is empty; a role no one may assume is unusable");
    }
    this.role = new iam.Role(
      name,
      {
        name: args.roleName,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { AWS: args.trustedPrincipals }, Action: "sts:AssumeRole" },
          ],
        }),
      },
      { parent: this },
    );
    this.dynamodbAccess = access;
    this.keyUser = args.keyUser;
    this.partition = args.partition;
    this.childName = name;
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }

  /** Grants this role its access level on `table`, as DataUser.grantTableAccess does for a user. */
  grantTableAccess(table: { readonly arn: pulumi.Input<string> }): iam.RolePolicy | iam.RolePolicyAttachment {
    const access = this.dynamodbAccess;
    if (access === "full") {
      return new iam.RolePolicyAttachment(
        this.childName,
        {
          role: this.role.name,
          policyArn: pulumi.interpolate`arn:${this.partition}:iam::aws:policy/${DYNAMODB_FULL_ACCESS_POLICY}`,
        },
        { parent: this },
      );
    }
    return new iam.RolePolicy(
      this.childName,
      {
        role: this.role.name,
        name: `dynamodb-${access}`,
        policy: pulumi
          .output(table.arn)
          .apply((tableArn) => JSON.stringify(tableAccessPolicy(access, tableArn))),
      },
      { parent: this },
    );
  }
}
