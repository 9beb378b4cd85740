/**
 * The sandbox's authorization: IAM identity policies, KMS key policies and the KMS root-delegation rule,
 * evaluated by the project's evaluator (./evaluation), with a decision cache.
 *
 * Typical use by the server:
 *
 *   const authz = new Authorizer({ keys, grants }); // the KMS KeyRegistry and GrantStore: the owners of key state and grants
 *   authz.putPrincipal({ arn: userArn, inlinePolicies: [...], managedPolicyArns: [...] }); // NoSuchEntity on unknown ARN
 *   authz.validateKeyPolicy({ keyArn, policy, deployerArn, bypassPolicyLockoutSafetyCheck }); // MalformedPolicyDocument
 *   const d = authz.authorizeDynamoDb(callerArn, "dynamodb:GetItem", tableArn);
 *   if (!d.allowed) throw new AwsError("AccessDeniedException", d.message);
 *   const k = authz.authorizeKmsViaDynamoDb(callerArn, "kms:Decrypt", keyArn, tableName);
 *   if (!k.allowed) throw new AwsError("AccessDeniedException", kmsAccessDeniedViaDynamoDbMessage(...));
 *
 * Every put/delete bumps the version of what changed (the key owner does the same for keys), so the very
 * next decision sees it.
 */
export type {
  DecidingStatement,
  Decision,
  EvaluationOutcome,
  GrantQuery,
  GrantSource,
  InlinePolicy,
  KeySource,
  KeySpec,
  KeyState,
  KmsDecision,
  PolicyDocument,
  PolicyStatement,
  PrincipalSpec,
} from "./types";
export { Authorizer, type KmsRequestContext, type AuthorizerStats } from "./authorizer";
export type { PolicyIdentity } from "./policyIdentity";
export { textReadsEncryptionContext, textReadsPrincipal } from "./policyIdentity";
export { managedPolicyDocument, MANAGED_POLICY_ARNS } from "./managedPolicies";
export { parsePolicyDocument } from "./policyDocument";
export { kmsAccessDeniedViaDynamoDbMessage } from "./messages";
