/**
 * ARNs as IAM reads them: arn:partition:service:region:account-id:resource, the resource part being
 * everything after the fifth colon, colons included (IAM User Guide, "IAM identifiers", ARNs).
 */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

/** The six parts of an ARN, or undefined for a string with fewer than six colon-separated parts. */
export function splitArn(arn: string): ArnParts | undefined {
  if (!arn.startsWith("arn:")) {
    return undefined;
  }
  let start = 4;
  const parts: string[] = [];
  for (let field = 0; field < 4; field++) {
    const colon = arn.indexOf(":", start);
    if (colon < 0) {
      return undefined;
    }
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  return {
    partition: parts[0],
    service: parts[1],
    region: parts[2],
    accountId: parts[3],
    resource: arn.slice(start),
  };
}

/** The role ARN (without path: the session ARN does not carry it) of an assumed-role session ARN. */
export function roleArnOfSession(sessionArn: string): string | undefined {
  const parts = splitArn(sessionArn);
  if (parts === undefined || parts.service !== "sts" || !parts.resource.startsWith("assumed-role/")) {
    return undefined;
  }
  const rest = parts.resource.slice("assumed-role/".length);
  const slash = rest.indexOf("/");
  if (slash <= 0) {
    return undefined;
  }
  return `arn:${parts.partition}:iam::${parts.accountId}:role/${rest.slice(0, slash)}`;
}

/** The IAM user ARN (without path) behind a federated-user session ARN. */
export function userArnOfFederatedUser(sessionArn: string): string | undefined {
  const parts = splitArn(sessionArn);
  if (parts === undefined || parts.service !== "sts" || !parts.resource.startsWith("federated-user/")) {
    return undefined;
  }
  return `arn:${parts.partition}:iam::${parts.accountId}:user/${parts.resource.slice("federated-user/".length)}`;
}
