/**
 * A Pulumi program for the sandbox's access-model tests: roles and sessions, grants, NotPrincipal
 * and encryption-context conditions in a key policy, over a table on a customer managed key. It runs through
 * `synthesize()` under the same mocks as the project's program.
 *
 * - alice: may read and write the table; named in the key policy for use through DynamoDB and directly.
 * - bob: no table access; holds a plan grant (Encrypt, Decrypt, GenerateDataKey; EncryptionContextSubset
 *   purpose=test) and may assume `account-role` through his identity policy.
 * - carol: may read and write the table, but is not a key user (the key stops her until she is granted).
 * - writer: a key user through DynamoDB allowed only dynamodb:PutItem on the table.
 * - grant-admin: kms:CreateGrant (only for Decrypt, Encrypt, GenerateDataKey, DescribeKey, RetireGrant),
 *   kms:ListGrants, kms:RevokeGrant, kms:ListRetirableGrants through IAM (the key policy's root statement).
 * - reader-role: trusted by alice by name; reads and writes the table; named in the key policy for use
 *   through DynamoDB. account-role: trusted by the account (needs the caller's identity policy too).
 * - The key policy denies kms:Encrypt/Decrypt/GenerateDataKey with encryption context classification=restricted
 *   to every principal but alice and the account root (NotPrincipal).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { synthesize } from "../../plan/synth";
import type { Plan } from "../../plan/types";
import type { Sandbox, SandboxOptions } from "../../sandbox";
import { extendSandbox, sandboxWithPlan, type PlanSandbox } from "./sandbox";

export const ACCESS_MODEL_REGION = "eu-west-1";
export const ACCESS_MODEL_TABLE = "access-model";

/** What the program exports (its own outputs, not the project's stack outputs). */
export interface AccessModelOutputs {
  region: string;
  accountId: string;
  keyArn: string;
  grantId: string;
  /** Role name to role ARN. */
  roles: Record<string, string>;
  users: Record<string, { arn: string; accessKeyId: string; secretAccessKey: string }>;
}

/** The outputs of the access model deployed in `sandbox`. */
export function accessModelOutputs(sandbox: Sandbox): AccessModelOutputs {
  return sandbox.programOutputs() as unknown as AccessModelOutputs;
}

export function synthesizeAccessModel(): Promise<Plan> {
  return synthesize({
    stack: "access-model",
    config: { "aws:region": ACCESS_MODEL_REGION },
    program: async () => {
      const identity = await aws.getCallerIdentity({});
      const root = `arn:aws:iam::${identity.accountId}:root`;
      const users = Object.fromEntries(
        ["alice", "bob", "carol", "grant-admin", "writer"].map((name) => {
          const user = new aws.iam.User(name, { name });
          const accessKey = new aws.iam.AccessKey(name, { user: user.name });
          return [name, { user, accessKey }];
        }),
      );
      const trustingAlice = new aws.iam.Role("reader-role", {
        name: "reader-role",
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { AWS: users.alice.user.arn }, Action: "sts:AssumeRole" },
          ],
        }),
      });
      const trustingAccount = new aws.iam.Role("account-role", {
        name: "account-role",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: root }, Action: "sts:AssumeRole" }],
        }),
      });
      const key = new aws.kms.Key("access-model", {
        description: "access-model tests",
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "Root", Effect: "Allow", Principal: { AWS: root }, Action: "kms:*", Resource: "*" },
            {
              Sid: "UseThroughDynamoDb",
              Effect: "Allow",
              Principal: { AWS: [users.alice.user.arn, users.writer.user.arn, trustingAlice.arn] },
              Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
              Resource: "*",
              Condition: {
                StringEquals: { "kms:ViaService": `dynamodb.${ACCESS_MODEL_REGION}.amazonaws.com` },
              },
            },
            {
              Sid: "AliceDirect",
              Effect: "Allow",
              Principal: { AWS: users.alice.user.arn },
              Action: ["kms:Encrypt", "kms:Decrypt"],
              Resource: "*",
            },
            {
              Sid: "RestrictedOnlyForAlice",
              Effect: "Deny",
              NotPrincipal: { AWS: [users.alice.user.arn, root] },
              Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
              Resource: "*",
              Condition: { StringEquals: { "kms:EncryptionContext:classification": "restricted" } },
            },
          ],
        }),
      });
      const table = new aws.dynamodb.Table("access-model", {
        name: ACCESS_MODEL_TABLE,
        hashKey: "pk",
        attributes: [{ name: "pk", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      });
      const tableAccess = pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:DeleteItem",
              "dynamodb:ConditionCheckItem",
            ],
            Resource: table.arn,
          },
        ],
      });
      for (const name of ["alice", "carol"]) {
        new aws.iam.UserPolicy(`${name}-table`, {
          user: users[name].user.name,
          name: "table",
          policy: tableAccess,
        });
      }
      new aws.iam.UserPolicy("writer-table", {
        user: users.writer.user.name,
        name: "put-only",
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "dynamodb:PutItem", Resource: table.arn }],
        }),
      });
      new aws.iam.RolePolicy("reader-role-table", {
        role: trustingAlice.name,
        name: "table",
        policy: tableAccess,
      });
      new aws.iam.UserPolicy("bob-assume", {
        user: users.bob.user.name,
        name: "assume-account-role",
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: trustingAccount.arn }],
        }),
      });
      new aws.iam.UserPolicy("grant-admin-grants", {
        user: users["grant-admin"].user.name,
        name: "grants",
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "kms:CreateGrant",
              Resource: key.arn,
              // KMS developer guide, "AWS KMS condition keys", kms:GrantOperations.
              Condition: {
                "ForAllValues:StringEquals": {
                  "kms:GrantOperations": [
                    "Decrypt",
                    "Encrypt",
                    "GenerateDataKey",
                    "DescribeKey",
                    "RetireGrant",
                  ],
                },
              },
            },
            { Effect: "Allow", Action: ["kms:ListGrants", "kms:RevokeGrant"], Resource: key.arn },
            { Effect: "Allow", Action: "kms:ListRetirableGrants", Resource: "*" },
          ],
        }),
      });
      const grant = new aws.kms.Grant("bob-test-context", {
        name: "bob-test-context",
        keyId: key.keyId,
        granteePrincipal: users.bob.user.arn,
        operations: ["Encrypt", "Decrypt", "GenerateDataKey"],
        constraints: [{ encryptionContextSubset: { purpose: "test" } }],
      });
      return {
        region: ACCESS_MODEL_REGION,
        accountId: identity.accountId,
        keyArn: key.arn,
        tableName: table.name,
        tableArn: table.arn,
        grantId: grant.grantId,
        roles: { "reader-role": trustingAlice.arn, "account-role": trustingAccount.arn },
        users: Object.fromEntries(
          Object.entries(users).map(([name, { user, accessKey }]) => [
            name,
            { arn: user.arn, accessKeyId: accessKey.id, secretAccessKey: pulumi.secret(accessKey.secret) },
          ]),
        ),
      };
    },
  });
}

/** The access model deployed in a sandbox for a test suite (`accessModelSandbox`). */
export interface AccessModelSandbox extends PlanSandbox {
  /** The program's outputs, read by the suite's `before` hook. */
  readonly outputs: AccessModelOutputs;
}

/**
 * `sandboxWithPlan` for the access model: registers, in the calling `describe`, the hooks that start a
 * sandbox with the program deployed and stop it, and destroy the clients opened through the handle.
 */
export function accessModelSandbox(options: SandboxOptions = {}): AccessModelSandbox {
  const base = sandboxWithPlan(synthesizeAccessModel, options);
  let outputs: AccessModelOutputs | undefined;
  before(() => {
    outputs = accessModelOutputs(base.sandbox);
  });
  const read = (): AccessModelOutputs => {
    if (outputs === undefined) {
      throw new Error("the access model is used outside the tests of the describe that deployed it");
    }
    return outputs;
  };
  return extendSandbox<Omit<AccessModelSandbox, keyof PlanSandbox>>(base, {
    get outputs() {
      return read();
    },
  });
}
