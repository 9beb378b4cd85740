/**
 * The key policy, built by a pure function from typed inputs so it can be tested without mocks and
 * changed in place (a new key user is a new policy document on the same key, never a new key).
 */
import type * as iam from "@pulumi/aws/iam";
import { KEY_ADMIN_ACTIONS, KEY_GRANT_ACTIONS, KEY_USER_ACTIONS } from "./actions";
import { PolicyDocument } from "./document";
import { accountRoot, keyPolicyPrincipal } from "./principals";

export interface KeyPolicyInputs {
  partition: string;
  accountId: string;
  region: string;
  /** Principal ARNs that manage the key (sessions are turned into their roles). */
  administrators: string[];
  /** Principal ARNs that may use the key, only through DynamoDB in this account. */
  keyUsers: string[];
}

export const KEY_POLICY_SIDS = {
  root: "EnableIamPoliciesThroughAccountRoot",
  admins: "AllowKeyAdministration",
  users: "AllowUseThroughDynamoDB",
  grants: "AllowGrantsForDynamoDB",
} as const;

/** Sorted, de-duplicated: the same users in any order give the same policy (no spurious update). */
function principals(arns: string[]): string[] {
  return [...new Set(arns.map(keyPolicyPrincipal))].sort();
}

export function buildKeyPolicy(inputs: KeyPolicyInputs): PolicyDocument {
  const viaDynamoDb = {
    "kms:ViaService": `dynamodb.${inputs.region}.amazonaws.com`,
    "kms:CallerAccount": inputs.accountId,
  };
  const statements: iam.PolicyStatement[] = [
    {
      // Without this statement no IAM policy can grant the key, and if the admins are deleted the key
      // is unmanageable for good; KMS's own default key policy has it.
      // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
      Sid: KEY_POLICY_SIDS.root,
      Effect: "Allow",
      Principal: { AWS: accountRoot(inputs.partition, inputs.accountId) },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: KEY_POLICY_SIDS.admins,
      Effect: "Allow",
      Principal: { AWS: principals(inputs.administrators) },
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
  ];
  const users = principals(inputs.keyUsers);
  if (users.length > 0) {
    statements.push(
      {
        Sid: KEY_POLICY_SIDS.users,
        Effect: "Allow",
        Principal: { AWS: users },
        Action: KEY_USER_ACTIONS,
        Resource: "*",
        Condition: { StringEquals: viaDynamoDb },
      },
      {
        // DynamoDB creates grants on the key for the table; the condition keeps users from granting
        // the key to anything that is not an AWS resource.
        Sid: KEY_POLICY_SIDS.grants,
        Effect: "Allow",
        Principal: { AWS: users },
        Action: KEY_GRANT_ACTIONS,
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" }, StringEquals: viaDynamoDb },
      },
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}
