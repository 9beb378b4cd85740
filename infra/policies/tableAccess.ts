/**
 * Identity policies for a data user's DynamoDB access level, as pure functions.
 */
import { DynamodbAccess } from "../outputs";
import { PolicyDocument } from "./document";
import { DYNAMODB_LIST_ACTIONS, DYNAMODB_READ_ACTIONS, DYNAMODB_WRITE_ACTIONS } from "./actions";

/**
 * The inline policy for `readonly` or `readwrite`, scoped to the table and its indexes (Query and
 * Scan on an index are authorized on `TABLE_ARN/index/NAME`). `full` uses the AWS managed policy.
 */
export function tableAccessPolicy(access: Exclude<DynamodbAccess, "full">, tableArn: string): PolicyDocument {
  const actions =
    access === "readwrite" ? [...DYNAMODB_READ_ACTIONS, ...DYNAMODB_WRITE_ACTIONS] : DYNAMODB_READ_ACTIONS;
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "TableItems", Effect: "Allow", Action: actions, Resource: [tableArn, `${tableArn}/index/*`] },
      { Sid: "ListTables", Effect: "Allow", Action: DYNAMODB_LIST_ACTIONS, Resource: "*" },
    ],
  };
}
