/**
 * What a resource's tags put in the request context: aws:ResourceTag/KEY for each tag of the resource the
 * request acts on (IAM User Guide, "AWS global condition context keys", aws:ResourceTag/tag-key: "the tag
 * key-value pair ... attached to the resource"; "Controlling access to AWS resources using tags",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html), and for an IAM role or user also
 * iam:ResourceTag/KEY (Service Authorization Reference, AWS STS: the role resource's condition keys).
 *
 * - A DynamoDB index has its table's tags: "The indexes associated with a table inherit the tags you add to
 *   the table" (DynamoDB Developer Guide, "Using attribute-based access control with DynamoDB",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/attribute-based-access-control.html).
 *   A stream has tags of its own, which no plan gives: unknown.
 * - A KMS alias cannot be tagged (KMS Developer Guide, "Tags in AWS KMS"): none.
 * - A resource whose tags are not known (unknown until deployment, or not in the model) leaves every
 *   aws:ResourceTag/KEY unknown: a decision that reads one is Conditional, which the sandbox refuses and the
 *   static proof shows with the key named.
 */

/** A resource's tags: known (possibly none), or "unknown". */
export type ResourceTags = Readonly<Record<string, string>> | "unknown";

/** Where the authorizer reads the tags of tables and keys: their owner (deploy/stack.ts). */
export interface ResourceTagSource {
  /** The tags of the table (by its ARN) or key (by its ARN); undefined for a resource it does not hold. */
  tagsOf(resourceArn: string): ResourceTags | undefined;
}

/**
 * The tags of the resource an ARN names: a DynamoDB table's or index's (its table's), a KMS key's, an IAM
 * principal's (`principalTags`); {} for "*" and for a KMS alias; "unknown" for anything else.
 */
export function tagsOfResource(
  resourceArn: string,
  source: ResourceTagSource | undefined,
  principalTags: (arn: string) => ResourceTags | undefined,
): ResourceTags {
  if (resourceArn === "*") {
    return {};
  }
  const parts = resourceArn.split(":");
  const service = parts[2];
  const resource = parts.slice(5).join(":");
  if (service === "dynamodb") {
    const table = /^(table\/[^/]+)(\/index\/[^/]+)?$/.exec(resource);
    if (table === null) {
      return "unknown";
    }
    return source?.tagsOf([...parts.slice(0, 5), table[1]].join(":")) ?? "unknown";
  }
  if (service === "kms") {
    return resource.startsWith("alias/") ? {} : (source?.tagsOf(resourceArn) ?? "unknown");
  }
  if (service === "iam" && (resource.startsWith("role/") || resource.startsWith("user/"))) {
    return principalTags(resourceArn) ?? "unknown";
  }
  return "unknown";
}
