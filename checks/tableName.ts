/**
 * How a principal names the stack's table. A bare table name names a table of the caller's own account,
 * so a principal of another account (its ARN names that account) names the table by its ARN, which
 * DynamoDB accepts wherever it takes a table name (DynamoDB API reference, e.g. GetItem's TableName: "You
 * can also provide the Amazon Resource Name (ARN) of the table in this parameter",
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html; DynamoDB Developer
 * Guide, "Cross-account access with resource-based policies in DynamoDB",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html).
 */
import type { StackOutputs, StackPrincipal } from "../infra/outputs";

/** The table's account: the one its ARN names, else the stack's. */
function tableAccount(outputs: StackOutputs): string {
  return outputs.tableArn.split(":")[4] || outputs.accountId;
}

/** The TableName `principal` sends: the table's name in its own account, the table's ARN from another. */
export function tableNameFor(principal: StackPrincipal, outputs: StackOutputs): string {
  return principal.accountId === tableAccount(outputs) ? outputs.tableName : outputs.tableArn;
}
