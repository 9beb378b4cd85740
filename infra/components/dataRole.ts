import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import type { DynamodbAccess } from "../principal";
import { ConfigError } from "../validation";
import { DataPrincipal } from "./dataPrincipal";

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
   * Whether the stack declares this role a key user (the outputs' `keyUser`). The key policy lists it
   * once a table grants it data with the key (`EncryptedTable.grantReadData` and its siblings).
   * Changing this updates no resource in place by itself: the key policy follows the grants.
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
 * An IAM role that trusted users assume (STS AssumeRole) to reach a table, through a grant as DataUser
 * has. The trust policy names the users themselves, so they need no sts:AssumeRole permission of their
 * own (IAM User Guide, "Policy evaluation for requests within a single account": a resource-based policy
 * naming the principal is enough). Whether its sessions may use the key is the key policy's business.
 */
export class DataRole extends DataPrincipal {
  public readonly role: iam.Role;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: DataRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "role",
      "kms-dynamodb:iam:DataRole",
      name,
      { argsName: "DataRoleArgs", name: args.roleName, ...args },
      opts,
    );
    if (args.trustedPrincipals.length === 0) {
      throw new ConfigError(
        "DataRoleArgs.trustedPrincipals: [] is empty; a role no one may assume is unusable",
      );
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
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }

  protected principalName(): pulumi.Input<string> {
    return this.role.name;
  }
}
