/**
 * DescribeTimeToLive, which dynalite lacks: a table's Time to Live as the stack deployed it
 * (aws.dynamodb.Table `ttl`: `enabled` and `attributeName`). DynamoDB API reference, DescribeTimeToLive and
 * TimeToLiveDescription
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTimeToLive.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TimeToLiveDescription.html):
 * TimeToLiveStatus is ENABLING, DISABLING, ENABLED or DISABLED, with AttributeName, "The name of the TTL
 * attribute for items in the table"; TableName is a name or the table's ARN; a table that does not exist is
 * ResourceNotFoundException. The sandbox's table is ENABLED or DISABLED at once (a deployment waits for
 * the change, as the provider does). It describes TTL only: it does not delete expired items.
 */
import { AwsError } from "../errors";
import type { ValidationRules } from "./engine";
import type { OperationContext } from "./operations";

/** TableName: 1 to 1,024 characters, a name or an ARN (API reference, DescribeTimeToLive). */
export const DESCRIBE_TIME_TO_LIVE_RULES: ValidationRules = {
  types: {
    TableName: { type: "String", required: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 1024 },
  },
};

export async function describeTimeToLive(
  _request: Record<string, unknown>,
  context: OperationContext,
): Promise<Record<string, unknown>> {
  const [tableName] = context.tables;
  const table = context.stack.table(tableName);
  if (table === undefined || (await context.engine.describeTable(tableName)) === undefined) {
    throw new AwsError(
      "ResourceNotFoundException",
      `Requested resource not found: Table: ${tableName} not found`,
    );
  }
  const ttl = table.timeToLive;
  return {
    TimeToLiveDescription:
      ttl === undefined
        ? { TimeToLiveStatus: "DISABLED" }
        : { TimeToLiveStatus: "ENABLED", AttributeName: ttl.attributeName },
  };
}
