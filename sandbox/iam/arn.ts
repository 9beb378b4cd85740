/**
 * The few ARN shapes the sandbox's authorization needs to take apart.
 * Format: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (IAM reference, "IAM identifiers").
 */

export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") {
    return undefined;
  }
  const [, partition, service, region, accountId] = parts;
  return { partition, service, region, accountId, resource: parts.slice(5).join(":") };
}

/** The account id of an ARN, or an Error naming the field and the value when it has none. */
export function accountOf(arn: string, field: string): string {
  const parsed = parseArn(arn);
  if (!parsed || !/^\d{12}$/.test(parsed.accountId)) {
    throw new Error(`${field}: "${arn}" is not an ARN with a 12-digit account id`);
  }
  return parsed.accountId;
}
