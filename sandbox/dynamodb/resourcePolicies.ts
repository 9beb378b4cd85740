/**
 * PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on a table, which dynalite lacks. The
 * policy takes part in every later decision on the table and its indexes (sandbox/iam/tableResourcePolicies.ts).
 *
 * DynamoDB API reference (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutResourcePolicy.html,
 * API_GetResourcePolicy.html, API_DeleteResourcePolicy.html):
 * - ResourceArn (1-1,283 characters) names the table (a stream's ARN names no table the sandbox serves);
 *   a table that does not exist is ResourceNotFoundException.
 * - Policy: "The maximum size supported for a resource-based policy document is 20 KB. DynamoDB counts
 *   whitespaces when calculating the size"; a document DynamoDB cannot read is ValidationException.
 * - ExpectedRevisionId: "if the revision ID of the existing policy on the resource doesn't match or if
 *   there's no policy attached to the resource, your request will be rejected with a
 *   PolicyNotFoundException. To conditionally attach a policy when no policy exists for the resource,
 *   specify NO_POLICY for the revision ID."
 * - ConfirmRemoveSelfResourceAccess: "Set this parameter to true to confirm that you want to remove your
 *   permissions to change the policy of this resource in the future": a policy under which the caller
 *   could no longer call PutResourcePolicy on the table is refused without it (ValidationException).
 * - PutResourcePolicy answers the new RevisionId; putting the same policy again keeps it ("running it
 *   multiple times on the same resource using the same policy document will return the same revision ID").
 * - GetResourcePolicy answers Policy and RevisionId, PolicyNotFoundException when the table has none.
 * - DeleteResourcePolicy answers the deleted policy's RevisionId, "empty if you make a request against a
 *   resource without a policy".
 * A policy put here lasts until the next deployment, which puts the table's policy back as the plan declares.
 */
import { AwsError } from "../errors";
import { sideOf, type TablePolicy } from "../iam/tableResourcePolicies";
import type { CloudTable } from "../deploy/model";
import { callerRequestKeys } from "../deploy/stack";
import { changeTableSettings } from "../deploy/tableSettings";
import type { ValidationRules } from "./engine";
import type { OperationContext } from "./operations";

const MAX_POLICY_BYTES = 20 * 1024;
const NO_POLICY = "NO_POLICY";

/** ResourceArn as the API reference bounds it (1 to 1,283 characters), for every operation that names a table by it. */
export const RESOURCE_ARN = {
  type: "String",
  required: true,
  lengthGreaterThanOrEqual: 1,
  lengthLessThanOrEqual: 1283,
} as const;
const EXPECTED_REVISION = {
  type: "String",
  lengthGreaterThanOrEqual: 1,
  lengthLessThanOrEqual: 255,
} as const;

export const PUT_RESOURCE_POLICY_RULES: ValidationRules = {
  types: {
    ResourceArn: RESOURCE_ARN,
    Policy: { type: "String", required: true },
    ExpectedRevisionId: EXPECTED_REVISION,
    ConfirmRemoveSelfResourceAccess: { type: "Boolean" },
  },
};
export const GET_RESOURCE_POLICY_RULES: ValidationRules = { types: { ResourceArn: RESOURCE_ARN } };
export const DELETE_RESOURCE_POLICY_RULES: ValidationRules = {
  types: { ResourceArn: RESOURCE_ARN, ExpectedRevisionId: EXPECTED_REVISION },
};

export async function putResourcePolicy(
  request: Record<string, unknown>,
  context: OperationContext,
): Promise<Record<string, unknown>> {
  const table = await tableOf(request, context);
  const document = request.Policy as string;
  if (Buffer.byteLength(document) > MAX_POLICY_BYTES) {
    throw new AwsError(
      "ValidationException",
      `Policy: ${Buffer.byteLength(document)} bytes; a resource-based policy is at most 20 KB (${MAX_POLICY_BYTES} bytes), whitespace counted`,
    );
  }
  checkExpectedRevision(request.ExpectedRevisionId, table.resourcePolicy, true);
  const current = table.resourcePolicy;
  if (current !== undefined && current.document === document) {
    return { RevisionId: current.revisionId };
  }
  const next: TablePolicy = { document, revisionId: nextRevision(current, context.now()) };
  // The policy is read (ValidationException) and the caller's own access to put a policy again decided
  // under it, before it is attached.
  const proposed = sideOf(table.arn, next);
  if (request.ConfirmRemoveSelfResourceAccess !== true) {
    const decision = await context.stack.authorizer.authorizeDynamoDb(
      context.caller.arn,
      "dynamodb:PutResourcePolicy",
      table.arn,
      callerRequestKeys(context.caller),
      proposed,
    );
    if (!decision.allowed) {
      throw new AwsError(
        "ValidationException",
        `Policy: it would remove your own permission to call dynamodb:PutResourcePolicy on ${table.arn}; set ConfirmRemoveSelfResourceAccess to true to confirm`,
      );
    }
  }
  changeTableSettings(context.stack, table, { resourcePolicy: next });
  return { RevisionId: next.revisionId };
}

export async function getResourcePolicy(
  request: Record<string, unknown>,
  context: OperationContext,
): Promise<Record<string, unknown>> {
  const table = await tableOf(request, context);
  if (table.resourcePolicy === undefined) {
    throw policyNotFound(table.arn);
  }
  return { Policy: table.resourcePolicy.document, RevisionId: table.resourcePolicy.revisionId };
}

export async function deleteResourcePolicy(
  request: Record<string, unknown>,
  context: OperationContext,
): Promise<Record<string, unknown>> {
  const table = await tableOf(request, context);
  checkExpectedRevision(request.ExpectedRevisionId, table.resourcePolicy, false);
  const deleted = table.resourcePolicy;
  if (deleted !== undefined) {
    changeTableSettings(context.stack, table, { resourcePolicy: null });
  }
  return deleted === undefined ? {} : { RevisionId: deleted.revisionId };
}

/** The table ResourceArn names, after IAM allowed the request on it. */
/** The table the request's ResourceArn names; ResourceNotFoundException when it names none of the stack's. */
export async function tableOf(
  request: Record<string, unknown>,
  context: OperationContext,
): Promise<CloudTable> {
  const [tableName] = context.tables;
  const table = context.stack.table(tableName);
  if (
    table === undefined ||
    table.arn !== request.ResourceArn ||
    (await context.engine.describeTable(tableName)) === undefined
  ) {
    throw new AwsError(
      "ResourceNotFoundException",
      `Requested resource not found: ${String(request.ResourceArn)} is not a table of this account and region`,
    );
  }
  return table;
}

function checkExpectedRevision(
  expected: unknown,
  current: TablePolicy | undefined,
  mayBeNoPolicy: boolean,
): void {
  if (expected === undefined) {
    return;
  }
  if (mayBeNoPolicy && expected === NO_POLICY) {
    if (current !== undefined) {
      throw new AwsError(
        "PolicyNotFoundException",
        `ExpectedRevisionId: NO_POLICY, but the table has a policy of revision ${current.revisionId}`,
      );
    }
    return;
  }
  if (current === undefined || current.revisionId !== expected) {
    throw new AwsError(
      "PolicyNotFoundException",
      `ExpectedRevisionId: ${String(expected)} is not the revision of the table's policy (${current === undefined ? "it has none" : `revision ${current.revisionId}`})`,
    );
  }
}

function policyNotFound(tableArn: string): AwsError {
  return new AwsError(
    "PolicyNotFoundException",
    `Resource-based policy not found for the provided ResourceArn: ${tableArn}`,
  );
}

/** A new revision: DynamoDB's are numbers that grow; the clock's milliseconds, past the last one. */
function nextRevision(current: TablePolicy | undefined, now: number): string {
  const last = current === undefined ? 0 : Number(current.revisionId);
  return String(Math.max(Math.floor(now), Number.isFinite(last) ? last + 1 : 0));
}
