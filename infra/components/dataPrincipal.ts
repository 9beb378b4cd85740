import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { DYNAMODB_FULL_ACCESS_POLICY } from "../policies/actions";
import { tableAccessPolicy } from "../policies/tableAccess";
import { isIamName, PRINCIPAL_KINDS, type DynamodbAccess, type StackPrincipalKind } from "../principal";
import { requirePrincipalSettings } from "../principalConfig";
import { fail } from "../validation";

/**
 * The @pulumi/aws classes that attach policies to each kind a stack declares (PRINCIPAL_KINDS' `resources`
 * names their type tokens): a kind added there fails the type check here until it has its classes.
 */
const POLICY_RESOURCES = {
  user: { inline: iam.UserPolicy, attachment: iam.UserPolicyAttachment },
  role: { inline: iam.RolePolicy, attachment: iam.RolePolicyAttachment },
} satisfies Record<
  StackPrincipalKind,
  {
    inline: new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;
    attachment: new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;
  }
>;

/** Anything with an ARN that a table can be read through: a table of this project or any other. */
export interface TableReference {
  readonly arn: pulumi.Input<string>;
}

/**
 * A principal a table can grant its data to (AWS CDK's `IGrantable`): an ARN for the key policy to
 * name, and the identity policy it gets for an access level on a table. DataUser and DataRole are
 * grantees; so is any object that attaches the policy its own way.
 */
export interface TableGrantee {
  readonly arn: pulumi.Input<string>;
  /**
   * Gives the grantee `access` on `table` through its identity policy (never the table's key: that is the
   * key policy's business). Called twice for the same table and level, it returns the same resource.
   */
  grantTableAccess(table: TableReference, access?: DynamodbAccess): pulumi.Resource;
}

/** The arguments DataUser and DataRole share, under the name each gives its principal. */
export interface DataPrincipalSettings {
  readonly name: string;
  readonly dynamodbAccess: DynamodbAccess;
  readonly keyUser: boolean;
  readonly partition: pulumi.Input<string>;
}

/**
 * What DataUser and DataRole share: validated settings (the same rules as `kms-dynamodb:users` and
 * `kms-dynamodb:roles` entries), and `grantTableAccess`, the table-only grant. The subclass creates the
 * IAM principal itself and says which policy resources attach to it (PRINCIPAL_KINDS' row).
 */
export abstract class DataPrincipal extends pulumi.ComponentResource implements TableGrantee {
  public readonly dynamodbAccess: DynamodbAccess;
  /** Declared intent (the stack outputs' `keyUser`); a table's grant puts the principal in the key policy. */
  public readonly keyUser: boolean;
  public abstract readonly arn: pulumi.Output<string>;
  private readonly partition: pulumi.Input<string>;
  private readonly childName: string;
  /** The grants made, per table object and level: the handle `grantTableAccess` returns again. */
  private readonly grants = new Map<object, Map<DynamodbAccess, pulumi.Resource>>();
  private grantCount = 0;

  protected constructor(
    readonly kind: StackPrincipalKind,
    type: string,
    name: string,
    args: { readonly argsName: string } & Omit<DataPrincipalSettings, "keyUser"> & {
        readonly keyUser: unknown;
      },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(type, name, {}, opts);
    const nameField = kind === "user" ? "userName" : "roleName";
    if (!isIamName(args.name)) {
      fail(
        `${args.argsName}.${nameField}`,
        args.name,
        `is not a valid IAM ${kind} name (1-64 characters of A-Z a-z 0-9 + = , . @ _ -)`,
      );
    }
    const settings = requirePrincipalSettings(args.argsName, args);
    this.dynamodbAccess = settings.dynamodbAccess;
    this.keyUser = settings.keyUser;
    this.partition = args.partition;
    this.childName = name;
  }

  /** The principal's name as the policy resources' `user` or `role` input takes it. */
  protected abstract principalName(): pulumi.Input<string>;

  /**
   * Grants this principal `access` (its own level by default) on `table` through an identity policy only:
   * an inline policy scoped to the table and its indexes, or AmazonDynamoDBFullAccess for `full`. The
   * table's key is untouched, so this is the grant for a principal that is not a key user; a key user
   * gets the table and the key together from `EncryptedTable.grantReadData` and its siblings.
   */
  grantTableAccess(table: TableReference, access: DynamodbAccess = this.dynamodbAccess): pulumi.Resource {
    // A grant can be called twice (as CDK's table.grant*): the same table and level give back the same
    // handle, another table or level its own policy, named apart so that neither URN nor policy name
    // collides. The first keeps the names it always had, so deployed stacks see no replacement.
    const byLevel = this.grants.get(table) ?? new Map<DynamodbAccess, pulumi.Resource>();
    this.grants.set(table, byLevel);
    const existing = byLevel.get(access);
    if (existing !== undefined) {
      return existing;
    }
    const grant = this.createGrant(table, access);
    byLevel.set(access, grant);
    return grant;
  }

  private createGrant(table: TableReference, access: DynamodbAccess): pulumi.Resource {
    const resources = PRINCIPAL_KINDS[this.kind].resources;
    const principal = { [resources.principalInput]: this.principalName() };
    if (access === "full") {
      // AmazonDynamoDBFullAccess covers every table: one attachment serves every grant.
      const attached = [...this.grants.values()].map((levels) => levels.get("full")).find(Boolean);
      if (attached !== undefined) {
        return attached;
      }
      const args = {
        ...principal,
        policyArn: pulumi.interpolate`arn:${this.partition}:iam::aws:policy/${DYNAMODB_FULL_ACCESS_POLICY}`,
      };
      return new POLICY_RESOURCES[this.kind].attachment(this.childName, args as never, { parent: this });
    }
    const suffix = this.grantCount === 0 ? "" : `-${this.grantCount + 1}`;
    this.grantCount += 1;
    const args = {
      ...principal,
      name: `dynamodb-${access}${suffix}`,
      policy: pulumi
        .output(table.arn)
        .apply((tableArn) => JSON.stringify(tableAccessPolicy(access, tableArn))),
    };
    return new POLICY_RESOURCES[this.kind].inline(`${this.childName}${suffix}`, args as never, {
      parent: this,
    });
  }
}
