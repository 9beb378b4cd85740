/**
 * The DynamoDB API of the sandbox: each request is validated by dynalite's rules, authorized as AWS
 * authorizes it, then run by the in-process engine.
 *
 * Authorization follows the DynamoDB developer guide:
 * - IAM: `dynamodb:<Action>` on every table the request touches, or on `TABLE_ARN/index/NAME` for a Query
 *   or Scan of an index ("Using IAM policy conditions for fine-grained access control", resource types);
 *   ListTables on `*`, as the Service Authorization Reference lists it (it names no table).
 * - KMS: on a table encrypted with a customer-managed key, every item read and write needs the caller to be
 *   allowed kms:Decrypt on that key through DynamoDB ("Encryption at rest: how it works", "Authorizing use
 *   of your KMS key"); DescribeTable and ListTables do not touch items and need no key access.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../errors";
import { kmsAccessDeniedViaDynamoDbMessage, type KmsDecision } from "../iam";
import type { Caller, DeployedStack } from "../stack";
import { type DynamoOperation, DynaliteEngine } from "./engine";
import { ITEM_OPERATIONS } from "./item-operations";

export class DynamoDbService {
  constructor(private readonly engine: DynaliteEngine) {}

  async handle(
    operation: DynamoOperation,
    body: string,
    caller: Caller,
    stack: DeployedStack,
  ): Promise<Record<string, unknown>> {
    const request = this.engine.validate(operation, parseJsonObject(body));
    const tables = tablesOf(operation, request);
    const action = `dynamodb:${operation}`;
    for (const resource of resourcesOf(operation, request, tables, stack)) {
      const decision = await stack.authorizer.authorizeDynamoDb(caller.arn, action, resource);
      if (!decision.allowed) {
        throw new AwsError(
          "AccessDeniedException",
          decision.message ?? `access denied to ${action} on ${resource}`,
        );
      }
    }
    if (ITEM_OPERATIONS.has(operation)) {
      for (const tableName of tables) {
        await authorizeTableKey(caller, tableName, stack);
      }
    }
    const result = await this.engine.execute(operation, request);
    if (operation === "DescribeTable") {
      describeEncryption(result, stack);
    }
    return result;
  }
}

/** DynamoDB's answer to a body it cannot read as a JSON object. */
function parseJsonObject(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new AwsError(
      "SerializationException",
      `The request body is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new AwsError("SerializationException", "Start of structure or map found where not expected");
  }
  return parsed as Record<string, unknown>;
}

/** The names of the tables a validated request touches. */
function tablesOf(operation: DynamoOperation, request: Record<string, unknown>): string[] {
  if (operation === "BatchGetItem" || operation === "BatchWriteItem") {
    return Object.keys(request.RequestItems as Record<string, unknown>);
  }
  return typeof request.TableName === "string" ? [request.TableName] : [];
}

function resourcesOf(
  operation: DynamoOperation,
  request: Record<string, unknown>,
  tables: string[],
  stack: DeployedStack,
): string[] {
  if (operation === "ListTables") {
    return ["*"];
  }
  const indexName = typeof request.IndexName === "string" ? request.IndexName : undefined;
  return tables.map((table) =>
    indexName === undefined ? stack.tableArn(table) : `${stack.tableArn(table)}/index/${indexName}`,
  );
}

/**
 * kms:Decrypt on the table's key for the caller, with the context DynamoDB calls KMS with. DynamoDB
 * reports a refusal as AccessDeniedException (HTTP 400) wrapping KMS's own error.
 */
async function authorizeTableKey(caller: Caller, tableName: string, stack: DeployedStack): Promise<void> {
  const table = stack.table(tableName);
  if (table?.keyArn === undefined) {
    return;
  }
  const { region, accountId } = stack.model;
  let decision: KmsDecision;
  try {
    decision = await stack.authorizer.authorizeKmsViaDynamoDb(caller.arn, "kms:Decrypt", table.keyArn, {
      name: table.name,
      region,
      accountId,
    });
  } catch (err) {
    if (err instanceof AwsError) {
      // The key itself is gone (NotFoundException): DynamoDB still reports it as KMS access denied.
      decision = {
        allowed: false,
        outcome: "ImplicitlyDenied",
        keyStateError: { code: err.code, message: err.message },
      };
    } else {
      throw err;
    }
  }
  if (!decision.allowed) {
    throw new AwsError("AccessDeniedException", kmsAccessDeniedViaDynamoDbMessage(decision, randomUUID()));
  }
}

/**
 * dynalite accepts SSESpecification and drops it (field-notes); DynamoDB describes a table on a
 * customer-managed key with SSEDescription, and reports deletion protection.
 */
function describeEncryption(result: Record<string, unknown>, stack: DeployedStack): void {
  const description = result.Table as Record<string, unknown> | undefined;
  const table = typeof description?.TableName === "string" ? stack.table(description.TableName) : undefined;
  if (description === undefined || table === undefined) {
    return;
  }
  description.DeletionProtectionEnabled = table.deletionProtection;
  if (table.keyArn !== undefined) {
    description.SSEDescription = { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: table.keyArn };
  }
}
