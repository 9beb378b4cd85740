/**
 * The key policy, built by a pure function from typed inputs so it can be tested without mocks and
 * changed in place (a new key user is a new policy document on the same key, never a new key).
 */
import type * as iam from "@pulumi/aws/iam";
import { KEY_ADMIN_ACTIONS, KEY_GRANT_ACTIONS, KEY_USE_ACTIONS, KEY_USER_ACTIONS } from "./actions";
import { PolicyDocument } from "./document";
import { accountRoot, keyPolicyPrincipal } from "./principals";

/**
 * `default`: the account root may use and administer the key, so any identity policy of the account can
 * allow its use (KMS's own default key policy). `strict`: only the key users can use it, whatever an
 * identity policy says; the account keeps administering it.
 */
export const KEY_POLICY_MODES = ["default", "strict"] as const;

export type KeyPolicyMode = (typeof KEY_POLICY_MODES)[number];

export interface KeyPolicyInputs {
  partition: string;
  accountId: string;
  region: string;
  /** Principal ARNs that manage the key (sessions are turned into their roles). */
  administrators: string[];
  /** Principal ARNs that may use the key, only through DynamoDB in this account. */
  keyUsers: string[];
  /** @default "default" */
  mode?: KeyPolicyMode;
}

export const KEY_POLICY_SIDS = {
  root: "EnableIamPoliciesThroughAccountRoot",
  admins: "AllowKeyAdministration",
  users: "AllowUseThroughDynamoDB",
  grants: "AllowGrantsForDynamoDB",
  /** Strict only: the root statement, kept to administration. */
  rootAdministration: "EnableIamPoliciesForKeyAdministration",
  /** Strict only: key use by anyone but the key users is refused. */
  denyOthers: "DenyKeyUseToAllButKeyUsers",
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
    inputs.mode === "strict" ? strictRootStatement(inputs) : defaultRootStatement(inputs),
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
  if (inputs.mode === "strict") {
    statements.push(denyKeyUseToOthers(users));
  }
  return { Version: "2012-10-17", Statement: statements };
}

function defaultRootStatement(inputs: KeyPolicyInputs): iam.PolicyStatement {
  return {
    // Without this statement no IAM policy can grant the key, and if the admins are deleted the key
    // is unmanageable for good; KMS's own default key policy has it.
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
    Sid: KEY_POLICY_SIDS.root,
    Effect: "Allow",
    Principal: { AWS: accountRoot(inputs.partition, inputs.accountId) },
    Action: "kms:*",
    Resource: "*",
  };
}

/**
 * The account keeps administering the key through IAM policies (no lockout: KMS Developer Guide, "Default
 * key policy", "Allows access to the AWS account and enables IAM policies": without the account's
 * statement the key becomes unmanageable once its administrators are gone), but no IAM policy can give
 * key use: the statement allows administrative actions only ("Key policies in AWS KMS": a principal may
 * use a key only as the key policy allows, directly or by delegating to IAM through the account).
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
 */
function strictRootStatement(inputs: KeyPolicyInputs): iam.PolicyStatement {
  return {
    Sid: KEY_POLICY_SIDS.rootAdministration,
    Effect: "Allow",
    Principal: { AWS: accountRoot(inputs.partition, inputs.accountId) },
    Action: KEY_ADMIN_ACTIONS,
    Resource: "*",
  };
}

/**
 * Key use by any principal but the key users is denied, whatever allows it: an IAM policy, a grant an
 * administrator makes (an explicit deny overrides any allow, grants included: IAM User Guide, "Policy
 * evaluation logic"; KMS Developer Guide, "Grants in AWS KMS").
 * - Who is a key user is told by aws:PrincipalArn, which for a role session is the role's ARN (IAM User
 *   Guide, "AWS global condition context keys"), with an ARN operator, as the IAM User Guide advises over
 *   NotPrincipal ("AWS JSON policy elements: NotPrincipal").
 * - DynamoDB's calls for a key user carry the key user's identity (kms:ViaService, kms:CallerAccount: "How
 *   Amazon DynamoDB uses AWS KMS"), so they pass; those it makes alone through the grant it creates for the
 *   table (background refresh of the table key, backups, point-in-time recovery) come from the service
 *   principal, for which aws:PrincipalIsAWSService is true: they pass too.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html
 */
function denyKeyUseToOthers(users: string[]): iam.PolicyStatement {
  return {
    Sid: KEY_POLICY_SIDS.denyOthers,
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: KEY_USE_ACTIONS,
    Resource: "*",
    Condition: {
      ...(users.length > 0 ? { ArnNotEquals: { "aws:PrincipalArn": users } } : {}),
      BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
    },
  };
}
