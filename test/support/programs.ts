/**
 * Small Pulumi programs for what the project's own program never deploys but the sandbox must handle as
 * AWS does: a key whose policy lets a user call KMS directly, and a key policy that would lock the
 * deployer out. They run through `synthesize()` like the real program, under the same mocks.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";

export interface DirectKeyOptions {
  /** Keep the account-root statement (and so the deployer's access through IAM). Default true. */
  rootStatement?: boolean;
  bypassPolicyLockoutSafetyCheck?: boolean;
}

/** A user `crypto-user` with an access key, allowed Encrypt/Decrypt/GenerateDataKey on one key directly. */
export function synthesizeDirectKey(options: DirectKeyOptions = {}): Promise<Plan> {
  return synthesize({
    stack: "direct-kms",
    config: { "aws:region": "eu-west-1" },
    program: async () => {
      const identity = await aws.getCallerIdentity({});
      const user = new aws.iam.User("crypto-user", { name: "crypto-user" });
      const accessKey = new aws.iam.AccessKey("crypto-user", { user: user.name });
      const statements: unknown[] = [
        {
          Sid: "CryptoUser",
          Effect: "Allow",
          Principal: { AWS: user.arn },
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          Resource: "*",
        },
      ];
      if (options.rootStatement ?? true) {
        statements.unshift({
          Sid: "EnableIamUserPermissions",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${identity.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        });
      }
      const key = new aws.kms.Key("direct", {
        description: "a key used directly",
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
        bypassPolicyLockoutSafetyCheck: options.bypassPolicyLockoutSafetyCheck ?? false,
      });
      return {
        region: "eu-west-1",
        accountId: identity.accountId,
        keyArn: key.arn,
        users: {
          "crypto-user": {
            arn: user.arn,
            accessKeyId: accessKey.id,
            secretAccessKey: pulumi.secret(accessKey.secret),
          },
        },
      };
    },
  });
}

/**
 * A table with a global secondary index and AWS-owned encryption (no customer-managed key), and two users:
 * `index-user` may Query the table and its indexes, `table-only-user` only the table itself.
 */
export function synthesizeIndexedTable(): Promise<Plan> {
  return synthesize({
    stack: "indexed",
    config: { "aws:region": "us-west-2" },
    program: async () => {
      const identity = await aws.getCallerIdentity({});
      const table = new aws.dynamodb.Table("orders", {
        name: "orders",
        hashKey: "pk",
        attributes: [
          { name: "pk", type: "S" },
          { name: "owner", type: "S" },
        ],
        billingMode: "PAY_PER_REQUEST",
        globalSecondaryIndexes: [{ name: "by-owner", hashKey: "owner", projectionType: "ALL" }],
      });
      const users: Record<string, unknown> = {};
      for (const [name, resources] of [
        ["index-user", (arn: string) => [arn, `${arn}/index/*`]],
        ["table-only-user", (arn: string) => [arn]],
      ] as const) {
        const user = new aws.iam.User(name, { name });
        new aws.iam.UserPolicy(name, {
          user: user.name,
          name: "orders",
          policy: table.arn.apply((arn) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Action: ["dynamodb:PutItem", "dynamodb:Query", "dynamodb:DescribeTable"],
                  Resource: resources(arn),
                },
              ],
            }),
          ),
        });
        const accessKey = new aws.iam.AccessKey(name, { user: user.name });
        users[name] = {
          arn: user.arn,
          accessKeyId: accessKey.id,
          secretAccessKey: pulumi.secret(accessKey.secret),
        };
      }
      return {
        region: "us-west-2",
        accountId: identity.accountId,
        tableName: table.name,
        tableArn: table.arn,
        users,
      };
    },
  });
}
