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
import { kmsAccessDeniedViaDynamoDbMessage, type Decision, type KmsDecision } from "../iam";
import type { Caller, LiveStack } from "../deploy/stack";
import {
  type DynamoOperation,
  DynaliteEngine,
  isTransactionOperation,
  type TransactionOperation,
} from "./engine";
import { checkNesting } from "./limits";
import { TABLE_KEY_OPERATIONS } from "./operations";
import type { TableKeyCache } from "./tableKeyCache";
import type { TableAccess, TableLifecycle } from "./tableLifecycle";
import { executeGet, executeWrite, transactionParts } from "./transactions";

/** What DynamoDB keeps besides items: the table keys it cached per connection, and each table's status. */
export interface TableKeyState {
  readonly cache: TableKeyCache;
  readonly lifecycle: TableLifecycle;
}

export class DynamoDbService {
  /** Transactions run one at a time (transactions.ts). */
  private transactionQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: DynaliteEngine,
    private readonly keys: TableKeyState,
  ) {}

  /** `connection` identifies the client's TCP connection: DynamoDB caches table keys per connection. */
  async handle(
    operation: DynamoOperation,
    body: string,
    caller: Caller,
    stack: LiveStack,
    connection = 0,
  ): Promise<Record<string, unknown>> {
    if (isTransactionOperation(operation)) {
      return this.transaction(operation, checkNesting(parseJsonObject(body)), caller, stack, connection);
    }
    const request = this.engine.validate(operation, checkNesting(parseJsonObject(body)));
    const tables = tablesOf(operation, request);
    const action = `dynamodb:${operation}`;
    // Each check waits only when it has to ask: a decision made before, or a table key this connection
    // holds, is used at once (the same questions come with every request).
    for (const resource of resourcesOf(operation, request, tables, stack)) {
      const deciding = authorizeResource(caller, action, resource, stack);
      if (deciding !== undefined) {
        await deciding;
      }
    }
    if (TABLE_KEY_OPERATIONS.has(operation)) {
      for (const tableName of tables) {
        const fetching = this.authorizeTableKey(caller, tableName, stack, connection);
        if (fetching !== undefined) {
          await fetching;
        }
      }
    }
    const result = await this.engine.execute(operation, request);
    if (operation === "DescribeTable") {
      this.describeEncryption(result, stack);
    }
    return result;
  }

  /** The status of a table on a customer managed key, from its key's state (tableLifecycle.ts). */
  tableAccess(tableName: string, stack: LiveStack): TableAccess | undefined {
    const table = stack.table(tableName);
    if (table?.keyArn === undefined) {
      return undefined;
    }
    return this.keys.lifecycle.observe(table, stack.kms.registry.describe(table.keyArn));
  }

  /**
   * The table key for an item request: from this connection's cache while warm, else from KMS, which
   * must allow the caller kms:Decrypt through DynamoDB (tableKeyCache.ts). An archived table serves no
   * item until restored, whatever the key. Returns a promise only when KMS is asked.
   */
  private authorizeTableKey(
    caller: Caller,
    tableName: string,
    stack: LiveStack,
    connection: number,
  ): Promise<void> | undefined {
    const table = stack.table(tableName);
    const access = this.tableAccess(tableName, stack);
    if (table?.keyArn === undefined || access === undefined) {
      return undefined;
    }
    if (access.archival !== undefined && stack.kms.registry.describe(table.keyArn).exists) {
      const usable = stack.kms.registry.get(table.keyArn)?.state === "Enabled";
      if (usable) {
        // AWS documents no error for this case (an archived table is restored from its backup, never
        // used); the sandbox answers as DynamoDB answers a table that cannot serve a request.
        throw new AwsError(
          "ValidationException",
          `Table ${tableName} is ${access.status}: restore it from its archival backup ${access.archival.backupArn}`,
        );
      }
    }
    const keyArn = table.keyArn;
    if (this.keys.cache.use(connection, caller.arn, table.name, keyArn)) {
      return undefined;
    }
    return authorizeTableKey(caller, table.name, keyArn, stack).then(() =>
      this.keys.cache.store(connection, caller.arn, table.name, keyArn),
    );
  }

  /**
   * dynalite accepts SSESpecification and drops it (docs/fieldNotes.md); DynamoDB describes a table on a
   * customer-managed key with SSEDescription (and InaccessibleEncryptionDateTime while its key cannot be
   * used), its status and ArchivalSummary as tableLifecycle.ts models them, and deletion protection.
   */
  private describeEncryption(result: Record<string, unknown>, stack: LiveStack): void {
    const description = result.Table as Record<string, unknown> | undefined;
    const table = typeof description?.TableName === "string" ? stack.table(description.TableName) : undefined;
    if (description === undefined || table === undefined) {
      return;
    }
    description.DeletionProtectionEnabled = table.deletionProtection;
    const access = this.tableAccess(table.name, stack);
    if (table.keyArn === undefined || access === undefined) {
      return;
    }
    // JSON 1.0 timestamps are epoch seconds.
    description.SSEDescription = {
      Status: "ENABLED",
      SSEType: "KMS",
      KMSMasterKeyArn: table.keyArn,
      ...(access.inaccessibleSince && access.archival === undefined
        ? { InaccessibleEncryptionDateTime: access.inaccessibleSince.getTime() / 1000 }
        : {}),
    };
    description.TableStatus = access.status;
    if (access.archival !== undefined) {
      description.ArchivalSummary = {
        ArchivalDateTime: access.archival.date.getTime() / 1000,
        ArchivalReason: "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
        ArchivalBackupArn: access.archival.backupArn,
      };
    }
  }

  /**
   * TransactWriteItems / TransactGetItems: every part's own IAM action on its table ("Using IAM with
   * DynamoDB transactions": PutItem, UpdateItem, DeleteItem, ConditionCheckItem, GetItem) and the KMS check
   * of each table on a customer managed key, all before anything runs; one refusal refuses the request.
   */
  private async transaction(
    operation: TransactionOperation,
    request: Record<string, unknown>,
    caller: Caller,
    stack: LiveStack,
    connection: number,
  ): Promise<Record<string, unknown>> {
    const parts = await transactionParts(this.engine, operation, request);
    for (const part of parts) {
      await authorizeResource(caller, part.action, stack.tableArn(part.tableName), stack);
    }
    for (const tableName of new Set(parts.map((part) => part.tableName))) {
      await this.authorizeTableKey(caller, tableName, stack, connection);
    }
    if (operation === "TransactGetItems") {
      return executeGet(this.engine, parts);
    }
    const run = this.transactionQueue.then(() => executeWrite(this.engine, parts));
    this.transactionQueue = run.catch(() => undefined);
    await run;
    return {};
  }
}

/**
 * IAM's decision on `dynamodb:<Action>` on one resource, AccessDeniedException when it refuses: at once
 * when the same question was decided before (decisionCache.ts), else a promise of the evaluation.
 */
function authorizeResource(
  caller: Caller,
  action: string,
  resource: string,
  stack: LiveStack,
): Promise<void> | undefined {
  const known = stack.authorizer.knownDynamoDbDecision(caller.arn, action, resource);
  if (known !== undefined) {
    refuseUnlessAllowed(known, action, resource);
    return undefined;
  }
  return stack.authorizer
    .authorizeDynamoDb(caller.arn, action, resource)
    .then((decision) => refuseUnlessAllowed(decision, action, resource));
}

function refuseUnlessAllowed(decision: Decision, action: string, resource: string): void {
  if (!decision.allowed) {
    throw new AwsError(
      "AccessDeniedException",
      decision.message ?? `access denied to ${action} on ${resource}`,
    );
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
  stack: LiveStack,
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
 * reports a refusal as AccessDeniedException (HTTP 400) wrapping KMS's own error: an access denial, a
 * DisabledException, a KMSInvalidStateException (pending deletion) or a key that no longer exists.
 */
async function authorizeTableKey(
  caller: Caller,
  tableName: string,
  keyArn: string,
  stack: LiveStack,
): Promise<void> {
  const { region, accountId } = stack.model;
  let decision: KmsDecision;
  try {
    decision = await stack.authorizer.authorizeKmsViaDynamoDb(caller.arn, "kms:Decrypt", keyArn, {
      name: tableName,
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
