/**
 * The DynamoDB API of the sandbox: each request is validated, authorized as AWS authorizes it, then run,
 * all as its entry of the operation table says (operations.ts: the handler, the IAM action and where it
 * applies, whether it uses the table's key).
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../admin/clock";
import { displayValue } from "../../common/display";
import { AwsError } from "../errors";
import { checkJsonMembers, NOT_MODELLED } from "../http/requestMembers";
import { kmsAccessDeniedViaDynamoDbMessage, type Decision, type KmsDecision } from "../iam";
import type { RequestKeys } from "../iam/authorizer";
import { callerRequestKeys, type Caller, type LiveStack } from "../deploy/stack";
import type { DynaliteEngine, StoreOperation } from "./engine";
import { type DynamoOperation, type OperationContext, type ResourceScope, operationSpec } from "./operations";
import { checkNesting } from "./limits";
import type { TableKeyCache } from "./tableKeyCache";
import type { TableAccess, TableLifecycle } from "./tableLifecycle";
import { executeGet, executeWrite, transactionParts } from "./transactions";
import { dynamoDbConditionKeys } from "./conditionKeys";
import type { ContextRecord } from "../iam/evaluation";

/** The single-item writes that take ReturnValuesOnConditionCheckFailure (DynamoDB API reference). */
const SINGLE_ITEM_WRITES: ReadonlySet<StoreOperation> = new Set<StoreOperation>([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
]);

/** What DynamoDB keeps besides items: the table keys it cached per connection, and each table's status. */
export interface TableKeyState {
  readonly cache: TableKeyCache;
  readonly lifecycle: TableLifecycle;
  /** The sandbox's clock, which handlers read. */
  readonly clock: Clock;
}

/** "A client request token is valid for 10 minutes" (API reference, TransactWriteItems). */
const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;
/** Tokens kept at most; the expired go first, then the oldest. */
const MAX_TOKENS = 100_000;

export class DynamoDbService {
  /** Transactions run one at a time (transactions.ts). */
  private transactionQueue: Promise<unknown> = Promise.resolve();
  /** TransactWriteItems' client request tokens within their idempotency window, by account and token. */
  private readonly tokens = new Map<string, { readonly identity: string; readonly until: number }>();

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
    const spec = operationSpec(operation);
    const { handler, iam } = spec;
    const parsed = checkNesting(parseJsonObject(body));
    // A member the sandbox does not model is refused before anything else (requestMembers.ts).
    checkJsonMembers("dynamodb", operation, parsed, spec.members);
    if ("transaction" in handler) {
      if (!("parts" in iam)) {
        throw new Error(`${operation}: a transaction's entry must name its parts' actions`);
      }
      return this.transaction(handler.transaction, iam.parts, parsed, caller, stack, connection);
    }
    if (!("action" in iam)) {
      throw new Error(`${operation}: only a transaction is authorized by parts`);
    }
    // Read before dynalite's validation, which drops the members it does not know from the request.
    const returnOnFailure = onConditionFailure(parsed);
    // A batch may name its tables by ARN too: dynalite's validation takes names (batchTableNames).
    const batch = iam.on === "batch" ? batchByTableName(parsed, stack, caller) : undefined;
    const request =
      "store" in handler
        ? this.engine.validate(handler.store, batch?.request ?? byTableName(parsed, stack, caller))
        : this.engine.validateWith(handler.rules, byTableName(parsed, stack, caller, false));
    const tables = tablesOf(iam.on, request, stack);
    // Each check waits only when it has to ask: a decision made before, or a table key this connection
    // holds, is used at once (the same questions come with every request).
    const resources = resourcesOf(iam.on, request, tables, stack);
    let notModelled: AwsError | undefined;
    for (const [index, resource] of resources.entries()) {
      // Item operations carry the dynamodb:* condition keys of the request (conditionKeys.ts).
      // The caller's own keys (aws:SourceIp, aws:TokenIssueTime) beside them, read only when a policy reads a key.
      const keys = spec.usesTableKey
        ? () => ({ ...callerRequestKeys(caller), ...requestKeysOf(operation, parsed, tables[index], stack) })
        : callerRequestKeys(caller);
      try {
        const deciding = authorizeResource(caller, iam.action, resource, stack, keys);
        if (deciding !== undefined) {
          await deciding;
        }
      } catch (err) {
        notModelled = notModelledOrThrow(err, notModelled);
      }
    }
    if (notModelled !== undefined) {
      await refuseForSureByKeys(notModelled, caller, spec.usesTableKey ? tables : [], stack);
    }
    if (spec.usesTableKey) {
      for (const tableName of tables) {
        const fetching = this.authorizeTableKey(caller, tableName, stack, connection);
        if (fetching !== undefined) {
          await fetching;
        }
      }
    }
    if ("run" in handler) {
      return handler.run(request, this.context(stack, tables, caller));
    }
    const result = await this.executeStore(handler.store, request, returnOnFailure);
    handler.answer?.(result, this.context(stack, tables, caller));
    return batch === undefined ? result : batch.answer(result);
  }

  /**
   * A store operation as dynalite runs it, but for what dynalite leaves out: a single-item write whose
   * condition fails answers, with ReturnValuesOnConditionCheckFailure ALL_OLD, the item as it is (DynamoDB
   * API reference, PutItem, UpdateItem, DeleteItem: "ConditionalCheckFailedException ... Item: Item which
   * caused the ConditionalCheckFailedException"; none when there is no item).
   */
  private async executeStore(
    store: StoreOperation,
    request: Record<string, unknown>,
    returnOnFailure: "ALL_OLD" | "NONE",
  ): Promise<Record<string, unknown>> {
    try {
      return await this.engine.execute(store, request);
    } catch (err) {
      if (
        !(err instanceof AwsError) ||
        err.code !== "ConditionalCheckFailedException" ||
        returnOnFailure !== "ALL_OLD" ||
        !SINGLE_ITEM_WRITES.has(store)
      ) {
        throw err;
      }
      const tableName = String(request.TableName);
      const key =
        store === "PutItem"
          ? await this.engine.keyOf(tableName, request.Item as Record<string, unknown>)
          : (request.Key as Record<string, unknown>);
      const item = await this.engine.currentItem(tableName, key);
      throw item === undefined
        ? err
        : new AwsError(err.code, err.message, err.status, { ...err.details, Item: item });
    }
  }

  /** The status of a table on a customer managed key, from its key's state (tableLifecycle.ts). */
  tableAccess(tableName: string, stack: LiveStack): TableAccess | undefined {
    const table = stack.table(tableName);
    if (table?.keyArn === undefined) {
      return undefined;
    }
    return this.keys.lifecycle.observe(table, stack.kms.registry.describe(table.keyArn));
  }

  private context(stack: LiveStack, tables: readonly string[], caller: Caller): OperationContext {
    return {
      engine: this.engine,
      stack,
      caller,
      tables,
      now: () => this.keys.clock.now(),
      tableAccess: (tableName) => this.tableAccess(tableName, stack),
    };
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
    return authorizeTableKey(caller, table.name, keyArn, stack).then(() => {
      // DynamoDB's kms:Decrypt of the table key for the caller is a use of the key (GetKeyLastUsage).
      stack.kms.registry.recordUse(keyArn);
      this.keys.cache.store(connection, caller.arn, table.name, keyArn);
    });
  }

  /**
   * TransactWriteItems / TransactGetItems: every part's own IAM action on its table and the KMS check of
   * each table on a customer managed key, all before anything runs; one refusal refuses the request.
   */
  private async transaction(
    kind: "read" | "write",
    actions: Readonly<Record<string, string>>,
    given: Record<string, unknown>,
    caller: Caller,
    stack: LiveStack,
    connection: number,
  ): Promise<Record<string, unknown>> {
    // A part may name its table by ARN, as AWS accepts (API reference, TransactWriteItems and
    // TransactGetItems, TableName); dynalite's validation takes names.
    const request = transactionByTableName(given, stack, caller);
    const parts = await transactionParts(this.engine, actions, request);
    const items = request.TransactItems as Record<string, Record<string, unknown>>[];
    // A part whose decision turns on a key the sandbox does not model is refused only when no other part
    // is refused for sure: AWS refuses the whole request then, whatever that key is ("Using IAM with
    // DynamoDB transactions": each part needs its own permission).
    let notModelled: AwsError | undefined;
    for (const [index, part] of parts.entries()) {
      // Each part with its own keys, inside its transaction ("Using IAM with DynamoDB transactions").
      const keys = () => ({
        ...callerRequestKeys(caller),
        ...dynamoDbConditionKeys(
          part.action.slice("dynamodb:".length),
          items[index][part.kind],
          { hashKey: hashKeyOf(part.tableName, stack) },
          {
            enclosing: kind === "read" ? "TransactGetItems" : "TransactWriteItems",
            returnConsumedCapacity: request.ReturnConsumedCapacity,
          },
        ),
      });
      try {
        await authorizeResource(caller, part.action, stack.tableArn(part.tableName), stack, keys);
      } catch (err) {
        notModelled = notModelledOrThrow(err, notModelled);
      }
    }
    if (notModelled !== undefined) {
      await refuseForSureByKeys(
        notModelled,
        caller,
        [...new Set(parts.map((part) => part.tableName))],
        stack,
      );
    }
    for (const tableName of new Set(parts.map((part) => part.tableName))) {
      await this.authorizeTableKey(caller, tableName, stack, connection);
    }
    if (kind === "read") {
      return executeGet(this.engine, parts);
    }
    const token = this.idempotency(request, caller);
    if (token?.repeat === true) {
      return {};
    }
    const run = this.transactionQueue.then(() => executeWrite(this.engine, parts));
    this.transactionQueue = run.catch(() => undefined);
    await run;
    token?.record();
    return {};
  }

  /**
   * TransactWriteItems' ClientRequestToken (API reference, TransactWriteItems): "A client request token
   * is valid for 10 minutes after the first request that uses it is completed"; within that window the
   * same request again succeeds without running again, and the same token with other parameters is
   * IdempotentParameterMismatchException. The SDKs fill the token on every call.
   */
  private idempotency(
    request: Record<string, unknown>,
    caller: Caller,
  ): { readonly repeat: boolean; record(): void } | undefined {
    const { ClientRequestToken: token, ...rest } = request;
    if (token === undefined) {
      return undefined;
    }
    if (typeof token !== "string" || token.length < 1 || token.length > 36) {
      throw new AwsError(
        "ValidationException",
        "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: " +
          "Member must have length between 1 and 36",
      );
    }
    const now = this.keys.clock.now();
    const key = `${caller.accountId}\n${token}`;
    const identity = JSON.stringify(rest);
    const known = this.tokens.get(key);
    if (known !== undefined && known.until > now) {
      if (known.identity !== identity) {
        throw new AwsError(
          "IdempotentParameterMismatchException",
          "The request uses the same client token as a previous, but non-identical request.",
        );
      }
      return { repeat: true, record: () => undefined };
    }
    return {
      repeat: false,
      record: () => {
        if (this.tokens.size >= MAX_TOKENS) {
          for (const [old, entry] of this.tokens) {
            if (entry.until <= now || this.tokens.size >= MAX_TOKENS) {
              this.tokens.delete(old);
            }
          }
        }
        this.tokens.set(key, { identity, until: now + IDEMPOTENCY_WINDOW_MS });
      },
    };
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
  keys: RequestKeys = {},
): Promise<void> | undefined {
  const known = stack.authorizer.knownDynamoDbDecision(caller.arn, action, resource, keys);
  if (known !== undefined) {
    refuseUnlessAllowed(known, action, resource);
    return undefined;
  }
  return stack.authorizer
    .authorizeDynamoDb(caller.arn, action, resource, keys)
    .then((decision) => refuseUnlessAllowed(decision, action, resource));
}

/** Keeps the first NotModelledBySandboxException of a request's checks; any other error is thrown at once. */
function notModelledOrThrow(err: unknown, first: AwsError | undefined): AwsError {
  if (!(err instanceof AwsError) || err.code !== NOT_MODELLED) {
    throw err;
  }
  return first ?? err;
}

/**
 * A request whose IAM decision turns on a key the sandbox does not model is refused as not modelled,
 * unless a table key refuses the caller for sure: DynamoDB then fails the request whether IAM allows it
 * (KMS refuses the table key) or not (IAM refuses), so the sandbox answers with KMS's refusal, as the
 * static proof does (denied-by-kms). Only asks KMS (no table key is cached for the connection: IAM has
 * not allowed the request). Always throws.
 */
async function refuseForSureByKeys(
  notModelled: AwsError,
  caller: Caller,
  tableNames: readonly string[],
  stack: LiveStack,
): Promise<never> {
  for (const tableName of tableNames) {
    const keyArn = stack.table(tableName)?.keyArn;
    if (keyArn === undefined) {
      continue;
    }
    try {
      await authorizeTableKey(caller, tableName, keyArn, stack);
    } catch (err) {
      notModelledOrThrow(err, notModelled);
    }
  }
  throw notModelled;
}

function refuseUnlessAllowed(decision: Decision, action: string, resource: string): void {
  if (decision.notModelledKeys !== undefined) {
    throw new AwsError(NOT_MODELLED, decision.message ?? `${action} on ${resource} is not modelled`);
  }
  if (!decision.allowed) {
    throw new AwsError(
      "AccessDeniedException",
      decision.message ?? `access denied to ${action} on ${resource}`,
    );
  }
}

/**
 * The dynamodb:* keys of an item request's check on one table: a batch's entry for that table, with its
 * keys or items; any other request whole.
 */
function requestKeysOf(
  operation: string,
  request: Record<string, unknown>,
  tableName: string | undefined,
  stack: LiveStack,
): ContextRecord {
  const table = { hashKey: tableName === undefined ? undefined : hashKeyOf(tableName, stack) };
  if (operation !== "BatchGetItem" && operation !== "BatchWriteItem") {
    return dynamoDbConditionKeys(operation, request, table);
  }
  const entries = (request.RequestItems ?? {}) as Record<string, unknown>;
  const entry = entries[tableName ?? ""] ?? entries[stack.tableArn(tableName ?? "")];
  if (operation === "BatchGetItem") {
    const body = (entry ?? {}) as Record<string, unknown>;
    return dynamoDbConditionKeys(operation, body, table, {
      items: Array.isArray(body.Keys) ? body.Keys : [],
      returnConsumedCapacity: request.ReturnConsumedCapacity,
    });
  }
  const writes = (Array.isArray(entry) ? entry : []) as Record<string, Record<string, unknown> | undefined>[];
  return dynamoDbConditionKeys(operation, {}, table, {
    items: writes.map((write) => write.PutRequest?.Item ?? write.DeleteRequest?.Key),
    returnConsumedCapacity: request.ReturnConsumedCapacity,
  });
}

/** The partition (HASH) key attribute of a deployed table. */
function hashKeyOf(tableName: string, stack: LiveStack): string | undefined {
  const schema = stack.table(tableName)?.createRequest.KeySchema;
  if (!Array.isArray(schema)) {
    return undefined;
  }
  const hash = (schema as { AttributeName?: unknown; KeyType?: unknown }[]).find(
    (key) => key.KeyType === "HASH",
  );
  return typeof hash?.AttributeName === "string" ? hash.AttributeName : undefined;
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

/**
 * The names of the tables a validated request touches. `TableName` may also be the table's ARN where the
 * API reference allows one: the table of that ARN in this account and region.
 */
function tablesOf(scope: ResourceScope, request: Record<string, unknown>, stack: LiveStack): string[] {
  switch (scope) {
    case "account":
      return [];
    case "batch":
      // Already names: batchByTableName resolved each ARN and refused another account's bare name.
      return Object.keys(request.RequestItems as Record<string, unknown>);
    case "resource-arn": {
      const arn = String(request.ResourceArn);
      // A table's ARN (or a stream's, which the sandbox serves none of): anything else names no resource.
      if (!/^arn:[^:]+:dynamodb:[^:]+:\d{12}:table\/[^/]+(\/stream\/.+)?$/.test(arn)) {
        throw new AwsError(
          "ValidationException",
          `ResourceArn: ${displayValue(arn)} is not a DynamoDB table or stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME)`,
        );
      }
      return [tableNameOf(arn, stack)];
    }
    default:
      return typeof request.TableName === "string" ? [tableNameOf(request.TableName, stack)] : [];
  }
}

/**
 * The table a TableName names for this caller: a bare name names a table of the caller's own account
 * (DynamoDB Developer Guide, "Using resource-based policies for DynamoDB", cross-account access: another
 * account's table is named by its ARN), and the sandbox serves the stack's account's tables only.
 */
function tableNameFor(nameOrArn: string, stack: LiveStack, caller: Caller): string {
  if (!nameOrArn.startsWith("arn:") && caller.accountId !== stack.model.accountId) {
    throw new AwsError(
      "ResourceNotFoundException",
      `Requested resource not found: Table: ${nameOrArn} not found in account ${caller.accountId}; name another account's table by its ARN`,
    );
  }
  return tableNameOf(nameOrArn, stack);
}

/**
 * The request with a TableName given as the table's ARN (which DynamoDB accepts wherever it takes a table
 * name, and which another account must use: "Using resource-based policies for DynamoDB") given as its
 * name, as dynalite's validation takes it. An ARN of a table the sandbox does not serve names no table.
 */
function byTableName(
  request: Record<string, unknown>,
  stack: LiveStack,
  caller: Caller,
  rename = true,
): Record<string, unknown> {
  const name = request.TableName;
  if (typeof name === "string" && !name.startsWith("arn:")) {
    tableNameFor(name, stack, caller);
  }
  if (typeof name !== "string" || !name.startsWith("arn:") || !rename) {
    return request;
  }
  return { ...request, TableName: servedTableName(name, stack, caller) };
}

/**
 * The name of the table a TableName (a name or an ARN) names for this caller; an ARN of a table the
 * sandbox does not serve names no table (ResourceNotFoundException).
 */
function servedTableName(nameOrArn: string, stack: LiveStack, caller: Caller): string {
  const resolved = tableNameFor(nameOrArn, stack, caller);
  if (nameOrArn.startsWith("arn:") && (resolved === nameOrArn || resolved.includes("/"))) {
    throw new AwsError(
      "ResourceNotFoundException",
      `Requested resource not found: ${displayValue(nameOrArn)} is not a table of account ${stack.model.accountId} in ${stack.model.region}`,
    );
  }
  return resolved;
}

/**
 * BatchGetItem / BatchWriteItem with their RequestItems keyed by table name, and the way back: the API
 * reference's RequestItems is "a map of one or more table names or table ARNs", "each table name or ARN
 * can be used only once per request" (BatchGetItem, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html;
 * BatchWriteItem, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html).
 * The answer's maps (Responses, UnprocessedKeys, UnprocessedItems) are keyed as the request named each
 * table. A table named twice (by name and by ARN) is refused, as a key given twice is.
 */
function batchByTableName(
  request: Record<string, unknown>,
  stack: LiveStack,
  caller: Caller,
): {
  readonly request: Record<string, unknown>;
  answer(result: Record<string, unknown>): Record<string, unknown>;
} {
  const items = request.RequestItems;
  if (typeof items !== "object" || items === null || Array.isArray(items)) {
    // dynalite's validation says what is wrong with it.
    return { request, answer: (result) => result };
  }
  const asGiven = new Map<string, string>();
  const renamed: Record<string, unknown> = {};
  for (const [given, entry] of Object.entries(items as Record<string, unknown>)) {
    const name = servedTableName(given, stack, caller);
    if (asGiven.has(name)) {
      throw new AwsError(
        "ValidationException",
        `RequestItems: table ${displayValue(name)} is named twice (${displayValue(asGiven.get(name) ?? name)} and ${displayValue(given)}); name each table once`,
      );
    }
    asGiven.set(name, given);
    renamed[name] = entry;
  }
  const back = (map: unknown): unknown =>
    typeof map !== "object" || map === null || Array.isArray(map)
      ? map
      : Object.fromEntries(
          Object.entries(map as Record<string, unknown>).map(([name, value]) => [
            asGiven.get(name) ?? name,
            value,
          ]),
        );
  return {
    request: { ...request, RequestItems: renamed },
    answer: (result) => {
      const answered = { ...result };
      for (const member of ["Responses", "UnprocessedKeys", "UnprocessedItems", "ItemCollectionMetrics"]) {
        if (member in answered) {
          answered[member] = back(answered[member]);
        }
      }
      return answered;
    },
  };
}

/**
 * TransactWriteItems / TransactGetItems with each part's TableName a name: a part may name its table by
 * ARN ("The name of the table ... You can also provide the Amazon Resource Name (ARN) of the table",
 * API reference, TransactWriteItems' Put/Update/Delete/ConditionCheck and TransactGetItems' Get:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Put.html and its siblings).
 */
function transactionByTableName(
  request: Record<string, unknown>,
  stack: LiveStack,
  caller: Caller,
): Record<string, unknown> {
  const items = request.TransactItems;
  if (!Array.isArray(items)) {
    return request;
  }
  const renamed = items.map((entry: unknown) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      return entry;
    }
    return Object.fromEntries(
      Object.entries(entry as Record<string, unknown>).map(([kind, part]) => [
        kind,
        typeof part === "object" && part !== null && !Array.isArray(part)
          ? byTableName(part as Record<string, unknown>, stack, caller)
          : part,
      ]),
    );
  });
  return { ...request, TransactItems: renamed };
}

/** A table name, or the name in a table ARN of the stack's account and region. */
function tableNameOf(nameOrArn: string, stack: LiveStack): string {
  if (!nameOrArn.startsWith("arn:")) {
    return nameOrArn;
  }
  const prefix = stack.tableArn("");
  return nameOrArn.startsWith(prefix) ? nameOrArn.slice(prefix.length) : nameOrArn;
}

function resourcesOf(
  scope: ResourceScope,
  request: Record<string, unknown>,
  tables: string[],
  stack: LiveStack,
): string[] {
  if (scope === "account") {
    return ["*"];
  }
  if (scope === "resource-arn") {
    return typeof request.ResourceArn === "string" ? [request.ResourceArn] : [];
  }
  if (scope !== "table-or-index") {
    return tables.map((table) => stack.tableArn(table));
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
    decision = await stack.authorizer.authorizeKmsViaDynamoDb(
      caller.arn,
      "kms:Decrypt",
      keyArn,
      { name: tableName, region, accountId },
      callerRequestKeys(caller),
    );
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
  if (decision.notModelledKeys !== undefined) {
    throw new AwsError(NOT_MODELLED, decision.message ?? `kms:Decrypt on ${keyArn} is not modelled`);
  }
  if (!decision.allowed) {
    throw new AwsError("AccessDeniedException", kmsAccessDeniedViaDynamoDbMessage(decision, randomUUID()));
  }
}

/**
 * ReturnValuesOnConditionCheckFailure of a request (dynalite's validation does not know it): ALL_OLD or
 * NONE, the default; any other value is AWS's ValidationException (API reference, PutItem).
 */
function onConditionFailure(request: Record<string, unknown>): "ALL_OLD" | "NONE" {
  const value = request.ReturnValuesOnConditionCheckFailure;
  if (value === undefined || value === "NONE" || value === "ALL_OLD") {
    return value ?? "NONE";
  }
  throw new AwsError(
    "ValidationException",
    `1 validation error detected: Value ${JSON.stringify(String(value).slice(0, 64))} at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
  );
}
