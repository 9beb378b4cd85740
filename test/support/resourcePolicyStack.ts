/**
 * A stack with table resource-based policies and a principal of a second account, for the sandbox's and
 * the static proof's tests of them: rp-t0 (AWS owned key) carries an aws.dynamodb.ResourcePolicy that
 * lets rp-u1 (no identity policy) and the partner read and denies rp-u0 PutItem; rp-t1 (on key rp-k0)
 * carries its own `resourcePolicy` input letting the partner's account read; the partner is a user of
 * another account (its ARN names it) whose identity policy allows GetItem on both tables and kms:Decrypt
 * on rp-k0, whose key policy names it through DynamoDB.
 */
import type { Plan } from "../../plan/types";
import type { Credentials } from "./sandbox";
import { ACCOUNT_ID, buildStackPlan, REGION } from "./accessStacks";
import { OTHER_ACCOUNT_ID } from "./accounts";
import { addResource, appendStatements, generatedUrn as urn, resourceNamed } from "./plan";

export const OTHER_ACCOUNT = OTHER_ACCOUNT_ID;
const PLAN: Plan = buildStackPlan({
  id: "rp",
  users: [
    { access: "full", extras: [], withAccessKey: true },
    { access: "none", extras: [], withAccessKey: true },
  ],
  // k0: the key of rp-t1; rp-u0 is its key user.
  keys: [{ rootStatement: true, keyUsers: [0], viaDynamoDbOnly: true, deniedUsers: [], enabled: true }],
  tables: [undefined, 0],
});

export const T0 = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/rp-t0`;
export const T1 = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/rp-t1`;
export const U0 = `arn:aws:iam::${ACCOUNT_ID}:user/rp-u0`;
export const U1 = `arn:aws:iam::${ACCOUNT_ID}:user/rp-u1`;
export const EXT = `arn:aws:iam::${OTHER_ACCOUNT}:user/partner`;
export const EXT_KEY = {
  accessKeyId: "AKIAPARTNEREXAMPLE01",
  secretAccessKey: "partner-secret-access-key-0000000000000",
};

export const policy = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });

/**
 * Adds a user of another account to `plan`: the user (its ARN naming the account), an inline identity
 * policy of `statements` when given, and an access key whose credentials the tests sign with.
 */
export function addOutsideUser(
  plan: Plan,
  user: { name: string; arn: string; uniqueId: string; key: Credentials },
  ...statements: Record<string, unknown>[]
): void {
  const { name } = user;
  addResource(plan, {
    type: "aws:iam/user:User",
    urn: urn("aws:iam/user:User", name),
    id: name,
    inputs: { name },
    outputs: { name, arn: user.arn, uniqueId: user.uniqueId },
  });
  if (statements.length > 0) {
    addResource(plan, {
      type: "aws:iam/userPolicy:UserPolicy",
      urn: urn("aws:iam/userPolicy:UserPolicy", name),
      id: `${name}:${name}-policy`,
      inputs: { name: `${name}-policy`, user: name, policy: policy(...statements) },
      outputs: {},
    });
  }
  addResource(plan, {
    type: "aws:iam/accessKey:AccessKey",
    urn: urn("aws:iam/accessKey:AccessKey", name),
    id: user.key.accessKeyId,
    inputs: { user: name },
    outputs: { secret: user.key.secretAccessKey, status: "Active" },
  });
}

// rp-t0 (AWS owned key): its policy, an aws.dynamodb.ResourcePolicy, lets rp-u1 (no identity policy)
// read, denies rp-u0 (AmazonDynamoDBFullAccess) PutItem, and lets the partner account's user read.
addResource(PLAN, {
  type: "aws:dynamodb/resourcePolicy:ResourcePolicy",
  urn: urn("aws:dynamodb/resourcePolicy:ResourcePolicy", "rp-t0-policy"),
  id: T0,
  inputs: {
    resourceArn: T0,
    policy: policy(
      { Sid: "U1Reads", Effect: "Allow", Principal: { AWS: U1 }, Action: "dynamodb:GetItem", Resource: T0 },
      { Sid: "NoPutForU0", Effect: "Deny", Principal: { AWS: U0 }, Action: "dynamodb:PutItem", Resource: T0 },
      {
        Sid: "PartnerReads",
        Effect: "Allow",
        Principal: { AWS: EXT },
        Action: "dynamodb:GetItem",
        Resource: T0,
      },
    ),
  },
  outputs: {},
});
// rp-t1 (on k0): its policy is the table's own `resourcePolicy` input; it lets the partner account read.
const t1 = resourceNamed(PLAN, "aws:dynamodb/table:Table", "rp-t1");
t1.inputs.resourcePolicy = policy({
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
  Action: "dynamodb:GetItem",
  Resource: T1,
});
// The partner: a user of another account (its ARN names it), allowed GetItem on both tables and
// kms:Decrypt on k0 by its own identity policy.
/**
 * A key policy statement letting `principal` use the key through DynamoDB only (kms:ViaService), as a
 * table on the key needs (KMS Developer Guide, "kms:ViaService"), with `conditions` beside it.
 */
export function keyThroughDynamoDb(
  sid: string,
  principal: string,
  conditions: Record<string, string> = {},
): Record<string, unknown> {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: principal },
    Action: ["kms:Decrypt", "kms:DescribeKey"],
    Resource: "*",
    Condition: { StringEquals: { ...conditions, "kms:ViaService": `dynamodb.${REGION}.amazonaws.com` } },
  };
}
const k0 = resourceNamed(PLAN, "aws:kms/key:Key", "rp-k0");
export const K0 = String(k0.outputs.arn);
addOutsideUser(
  PLAN,
  { name: "partner", arn: EXT, uniqueId: "AIDAPARTNEREXAMPLE001", key: EXT_KEY },
  { Effect: "Allow", Action: "dynamodb:GetItem", Resource: [T0, T1] },
  { Effect: "Allow", Action: "kms:Decrypt", Resource: K0 },
);
// k0's key policy lets the partner use the key through DynamoDB, as the account's key users.
appendStatements(k0, "policy", keyThroughDynamoDb("PartnerThroughDynamoDB", EXT));

/** The stack's plan; each call builds it anew. */
export function resourcePolicyPlan(): Plan {
  return structuredClone(PLAN);
}
