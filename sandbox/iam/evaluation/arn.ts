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

/**
 * The type and the names of an IAM or STS resource part: "user/path/name" gives type "user" and names
 * ["path", "name"]; a role session "TYPE/ROLE/SESSION" gives the role name and the session name.
 */
function resourceSegments(resource: string): { type: string; names: string[] } {
  const [type, ...names] = resource.split("/");
  return { type, names };
}

/**
 * The role ARN (without path: the session ARN does not carry it) of a role session ARN
 * (arn:PARTITION:sts::ACCOUNT:TYPE/ROLE_NAME/SESSION_NAME, IAM User Guide, "IAM identifiers").
 */
export function roleArnOfSession(sessionArn: string): string | undefined {
  const parts = splitArn(sessionArn);
  if (parts === undefined || parts.service !== "sts") {
    return undefined;
  }
  const { type, names } = resourceSegments(parts.resource);
  if (type !== SESSION_TYPE || names.length !== 2 || names[0] === "") {
    return undefined;
  }
  return `arn:${parts.partition}:iam::${parts.accountId}:role/${names[0]}`;
}

/** The IAM user ARN (without path) behind a federated user session ARN. */
export function userArnOfFederatedUser(sessionArn: string): string | undefined {
  const parts = splitArn(sessionArn);
  if (parts === undefined || parts.service !== "sts") {
    return undefined;
  }
  const { type, names } = resourceSegments(parts.resource);
  if (type !== FEDERATED_USER_TYPE || names.length !== 1) {
    return undefined;
  }
  return `arn:${parts.partition}:iam::${parts.accountId}:user/${names[0]}`;
}

/** The resource types of STS session ARNs. */
export const SESSION_TYPE = "assumed-role";
export const FEDERATED_USER_TYPE = "federated-user";

/** The kind of principal an IAM or STS ARN names, by its resource type. */
export function principalTypeOf(parts: ArnParts): "user" | "root" | "session" | "federated-user" | undefined {
  if (parts.service === "iam") {
    if (parts.resource === "root") {
      return "root";
    }
    return resourceSegments(parts.resource).type === "user" ? "user" : undefined;
  }
  if (parts.service === "sts") {
    const { type } = resourceSegments(parts.resource);
    return type === SESSION_TYPE ? "session" : type === FEDERATED_USER_TYPE ? "federated-user" : undefined;
  }
  return undefined;
}
