/**
 * Principal ARN helpers for key policies.
 */
import { roleOfSession } from "../assumedRole";

/**
 * Returns the ARN a key policy can name for `arn`. A key policy cannot name an STS session
 * (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`: KMS answers MalformedPolicyDocumentException),
 * so a session becomes its role. The session ARN does not carry the role's path: a role with a path
 * must be given in `keyAdmins` explicitly.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export function keyPolicyPrincipal(arn: string): string {
  return roleOfSession(arn) ?? arn;
}

/** The account root principal, which delegates the key to IAM policies. */
export function accountRoot(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}
