/**
 * The assumed-role session ARN, `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE_NAME/SESSION_NAME`: the one
 * definition of its pattern (the program's validation, key policies, the sandbox's STS and authorizer,
 * and the checks all use it; test/infra/constants.test.ts fails if another copy appears).
 *
 * IAM User Guide, "IAM identifiers" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html):
 * the session ARN names the role by its name only, never its path. Role names are 1-64 characters of
 * [\w+=,.@-] (IAM API reference, CreateRole); session names 2-64 of the same (STS API reference,
 * AssumeRole, RoleSessionName).
 */
const ASSUMED_ROLE_ARN =
  /^arn:(aws(?:-[a-z]+)*):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;

/** An IAM role ARN, with or without a path: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
const ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;

export interface AssumedRoleArn {
  partition: string;
  accountId: string;
  roleName: string;
  sessionName: string;
}

/** The parts of an assumed-role session ARN, or undefined for any other ARN. */
export function parseAssumedRoleArn(arn: string): AssumedRoleArn | undefined {
  const match = ASSUMED_ROLE_ARN.exec(arn);
  if (match === null) {
    return undefined;
  }
  const [, partition, accountId, roleName, sessionName] = match;
  return { partition, accountId, roleName, sessionName };
}

/** The parts of an IAM role ARN (its path dropped), or undefined for any other ARN. */
export function parseRoleArn(
  arn: string,
): { partition: string; accountId: string; roleName: string } | undefined {
  const match = ROLE_ARN.exec(arn);
  if (match === null) {
    return undefined;
  }
  const [, partition, accountId, roleName] = match;
  return { partition, accountId, roleName };
}

/** The session ARN STS gives a session of `roleArn` (a role ARN, its path dropped) named `sessionName`. */
export function assumedRoleArn(roleArn: string, sessionName: string): string | undefined {
  const role = parseRoleArn(roleArn);
  return role === undefined
    ? undefined
    : `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
}

/**
 * The role ARN of an assumed-role session ARN (without the role's path, which the session ARN does not
 * carry), or undefined for any other ARN.
 */
export function roleOfSession(arn: string): string | undefined {
  const session = parseAssumedRoleArn(arn);
  return session === undefined
    ? undefined
    : `arn:${session.partition}:iam::${session.accountId}:role/${session.roleName}`;
}

/** Whether `arn` is a session of the role `roleArn` (whose path, if any, the session ARN omits). */
export function isSessionOf(arn: string, roleArn: string): boolean {
  const session = parseAssumedRoleArn(arn);
  const role = parseRoleArn(roleArn);
  return (
    session !== undefined &&
    role !== undefined &&
    session.partition === role.partition &&
    session.accountId === role.accountId &&
    session.roleName === role.roleName
  );
}
