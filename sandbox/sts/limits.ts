/**
 * AssumeRole's RoleArn beyond its length (20-2,048, checked by the handler): a value that is not an ARN
 * at all is ValidationError "<value> is invalid"; an ARN that is not an IAM role's (a user, an
 * assumed-role session, an account id that is not 12 digits) names no role that can be assumed, which STS
 * answers as it answers any role the caller may not assume: AccessDenied, HTTP 403 (STS API reference,
 * AssumeRole, RoleArn and Errors; IAM User Guide, "Troubleshoot IAM roles"). Both are decided here, before
 * the authorizer, which reads a role's account from its ARN.
 */
import { parseRoleArn } from "../../infra/assumedRole";
import { AwsError } from "../errors";

/** arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, the shape every ARN has (IAM User Guide, "IAM ARNs"). */
const ARN = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/s;

export function checkRoleArn(roleArn: string, callerArn: string): void {
  if (!ARN.test(roleArn)) {
    throw new AwsError("ValidationError", `${roleArn} is invalid`);
  }
  if (parseRoleArn(roleArn) === undefined) {
    throw new AwsError(
      "AccessDenied",
      `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
}
