/**
 * ListTagsOfResource, which dynalite lacks: a table's tags as the stack deployed them (aws.dynamodb.Table
 * `tagsAll`: the program's tags and the provider's default tags), the same tags aws:ResourceTag/KEY reads
 * in a decision on the table (sandbox/iam/resourceTags.ts). DynamoDB API reference, ListTagsOfResource
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTagsOfResource.html):
 * - ResourceArn, 1 to 1,283 characters, "The Amazon DynamoDB resource with tags to be listed"; a resource
 *   that does not exist is ResourceNotFoundException.
 * - The answer is `Tags`, a list of `{ Key, Value }`, and a `NextToken` when more remain. A table has at
 *   most 50 tags ("Tagging restrictions in DynamoDB"), so the sandbox answers them in one page and never
 *   gives a NextToken; a request that carries one is refused (operations.ts lists the member as such).
 * TagResource and UntagResource are not served: tags change only with the plan.
 */
import { AwsError } from "../errors";
import { NOT_MODELLED } from "../http/requestMembers";
import type { ValidationRules } from "./engine";
import type { OperationContext } from "./operations";
import { RESOURCE_ARN, tableOf } from "./resourcePolicies";

export const LIST_TAGS_OF_RESOURCE_RULES: ValidationRules = {
  types: { ResourceArn: RESOURCE_ARN, NextToken: { type: "String" } },
};

export async function listTagsOfResource(
  request: Record<string, unknown>,
  context: OperationContext,
): Promise<Record<string, unknown>> {
  const table = await tableOf(request, context);
  if (table.tags === "unknown") {
    // A preview's tags may be computed at deployment: answering none would be a guess.
    throw new AwsError(
      NOT_MODELLED,
      `ListTagsOfResource: the tags of ${table.arn} are not known until the stack is deployed`,
    );
  }
  return { Tags: Object.entries(table.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
}
