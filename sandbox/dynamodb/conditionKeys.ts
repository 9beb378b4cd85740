/**
 * The dynamodb:* condition keys of a request, computed from it as the DynamoDB Developer Guide describes
 * them ("Using IAM policy conditions for fine-grained access control",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html; "Using IAM
 * with DynamoDB transactions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html):
 * - dynamodb:LeadingKeys: the partition-key values of the items the request touches (Scan: none, as the
 *   Service Authorization Reference lists no LeadingKeys for it). A binary key, and a Query whose key
 *   condition cannot be read, or of an index, are UNKNOWN: a policy that reads the key refuses the request.
 * - dynamodb:Attributes: "the attribute names in a request, or the attributes that are returned": the
 *   top-level names of the projection, the item, the update's targets, the conditions and filters, and the
 *   key. A read without a projection (the item's whole, data-dependent attributes) is UNKNOWN.
 * - dynamodb:Select: Query and Scan: the request's Select, else SPECIFIC_ATTRIBUTES with a projection,
 *   else ALL_ATTRIBUTES ("the Select parameter always has a value (ALL_ATTRIBUTES, unless otherwise
 *   specified)"); on an index ALL_PROJECTED_ATTRIBUTES. GetItem and BatchGetItem take no Select: with a
 *   projection SPECIFIC_ATTRIBUTES (what the IAM User Guide's attribute example needs), else UNKNOWN.
 * - dynamodb:ReturnValues: single-item writes: the request's ReturnValues, NONE by default ("the
 *   ReturnValues parameter always has a value (NONE unless otherwise specified)"); a transaction's part:
 *   its ReturnValuesOnConditionCheckFailure, NONE by default.
 * - dynamodb:ReturnConsumedCapacity: the request's, NONE by default.
 * - dynamodb:EnclosingOperation: TransactWriteItems or TransactGetItems for a transaction's parts.
 */
import { UNKNOWN, type ContextRecord } from "../iam/evaluation";

/** What the keys are computed from besides the request: the table's partition key attribute. */
export interface KeyTable {
  /** The partition (HASH) key attribute of the table, or of the index a Query names. */
  readonly hashKey: string | undefined;
}

const READS = new Set(["GetItem", "Query", "Scan", "BatchGetItem"]);
const SINGLE_WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem"]);

/**
 * The keys of one IAM check: `operation` the request's operation (a transaction part: the part's own
 * operation, `PutItem` for a Put part, with `enclosing` set), `body` the part of the request about one
 * table (a batch: that table's entry, with `items` its keys or items).
 */
export function dynamoDbConditionKeys(
  operation: string,
  body: Readonly<Record<string, unknown>>,
  table: KeyTable,
  options: {
    readonly enclosing?: "TransactWriteItems" | "TransactGetItems";
    /** The keys or items the check covers (batches); default the body's Key or Item. */
    readonly items?: readonly unknown[];
    /** The request's ReturnConsumedCapacity (a batch's or transaction's, at its top level). */
    readonly returnConsumedCapacity?: unknown;
  } = {},
): ContextRecord {
  const keys: Record<string, string | readonly string[] | typeof UNKNOWN> = {};
  const names = expressionNames(body);
  if (operation !== "Scan") {
    keys["dynamodb:LeadingKeys"] =
      operation === "Query"
        ? queryLeadingKeys(body, table, names)
        : leadingKeys(options.items ?? [body.Key ?? body.Item], table);
  }
  keys["dynamodb:Attributes"] = attributes(operation, body, names, options.items);
  if (operation === "Query" || operation === "Scan") {
    keys["dynamodb:Select"] =
      typeof body.Select === "string"
        ? body.Select
        : body.ProjectionExpression !== undefined || body.AttributesToGet !== undefined
          ? "SPECIFIC_ATTRIBUTES"
          : body.IndexName !== undefined
            ? "ALL_PROJECTED_ATTRIBUTES"
            : "ALL_ATTRIBUTES";
  } else if (operation === "GetItem" || operation === "BatchGetItem") {
    // No Select parameter: with a projection SPECIFIC_ATTRIBUTES, as the IAM User Guide's example
    // "DynamoDB: Allows access to specific attributes" needs for its GetItem to be allowed; without one
    // AWS documents no value.
    keys["dynamodb:Select"] =
      body.ProjectionExpression !== undefined || body.AttributesToGet !== undefined
        ? "SPECIFIC_ATTRIBUTES"
        : UNKNOWN;
  }
  if (options.enclosing !== undefined) {
    keys["dynamodb:EnclosingOperation"] = options.enclosing;
    if (options.enclosing === "TransactWriteItems") {
      keys["dynamodb:ReturnValues"] = stringOr(body.ReturnValuesOnConditionCheckFailure, "NONE");
    }
  } else if (SINGLE_WRITES.has(operation)) {
    keys["dynamodb:ReturnValues"] = stringOr(body.ReturnValues, "NONE");
  }
  keys["dynamodb:ReturnConsumedCapacity"] = stringOr(
    options.returnConsumedCapacity ?? body.ReturnConsumedCapacity,
    "NONE",
  );
  return keys;
}

function stringOr(value: unknown, otherwise: string): string {
  return typeof value === "string" ? value : otherwise;
}

/** The partition-key values of keys or items: S as is, N as its text; B (or no key) UNKNOWN. */
function leadingKeys(items: readonly unknown[], table: KeyTable): readonly string[] | typeof UNKNOWN {
  if (table.hashKey === undefined) {
    return UNKNOWN;
  }
  const values = new Set<string>();
  for (const item of items) {
    const value = valueOf(item, table.hashKey);
    if (value === undefined) {
      return UNKNOWN;
    }
    values.add(value);
  }
  return [...values];
}

function valueOf(item: unknown, attribute: string): string | undefined {
  if (typeof item !== "object" || item === null) {
    return undefined;
  }
  const value = (item as Record<string, unknown>)[attribute];
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const typed = value as Record<string, unknown>;
  return typeof typed.S === "string" ? typed.S : typeof typed.N === "string" ? typed.N : undefined;
}

/** A Query's partition-key value: KeyConditions' EQ, or `key = :value` in KeyConditionExpression. */
function queryLeadingKeys(
  body: Readonly<Record<string, unknown>>,
  table: KeyTable,
  names: Readonly<Record<string, string>>,
): readonly string[] | typeof UNKNOWN {
  if (table.hashKey === undefined || body.IndexName !== undefined) {
    return UNKNOWN;
  }
  const hashKey = table.hashKey;
  const conditions = body.KeyConditions as Record<string, { AttributeValueList?: unknown[] }> | undefined;
  if (conditions?.[hashKey] !== undefined) {
    const value = valueOf({ v: conditions[hashKey].AttributeValueList?.[0] }, "v");
    return value === undefined ? UNKNOWN : [value];
  }
  if (typeof body.KeyConditionExpression !== "string") {
    return UNKNOWN;
  }
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const equality = /(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)\s*=\s*(#?[A-Za-z0-9_]+)/g;
  for (const match of body.KeyConditionExpression.matchAll(equality)) {
    const name = match[1] ?? match[4];
    const placeholder = match[2] ?? match[3];
    if ((names[name] ?? name) === hashKey) {
      const value = valueOf({ v: values[placeholder] }, "v");
      return value === undefined ? UNKNOWN : [value];
    }
  }
  return UNKNOWN;
}

function expressionNames(body: Readonly<Record<string, unknown>>): Readonly<Record<string, string>> {
  const names = body.ExpressionAttributeNames;
  return typeof names === "object" && names !== null ? (names as Record<string, string>) : {};
}

/** Words of the expression grammar that are not attribute names (DynamoDB Developer Guide, "Expressions"). */
const EXPRESSION_WORDS = new Set(["and", "or", "not", "between", "in", "set", "remove", "add", "delete"]);

/** The top-level attribute names an expression reads or writes. */
function namesIn(expression: unknown, names: Readonly<Record<string, string>>): string[] {
  if (typeof expression !== "string") {
    return [];
  }
  const found: string[] = [];
  // A name starts a document path (not after "." or ":"), and is no function (not before "(").
  for (const match of expression.matchAll(/(^|[^.:#A-Za-z0-9_])(#?[A-Za-z_][A-Za-z0-9_]*)(?=\s*(\(?))/g)) {
    const token = match[2];
    if (match[3] === "(" || EXPRESSION_WORDS.has(token.toLowerCase())) {
      continue;
    }
    found.push(token.startsWith("#") ? (names[token] ?? token) : token);
  }
  return found;
}

/** dynamodb:Attributes of a check: the names the request names, or UNKNOWN where it reads whole items. */
function attributes(
  operation: string,
  body: Readonly<Record<string, unknown>>,
  names: Readonly<Record<string, string>>,
  items: readonly unknown[] | undefined,
): readonly string[] | typeof UNKNOWN {
  const projection = [
    ...namesIn(body.ProjectionExpression, names),
    ...(Array.isArray(body.AttributesToGet) ? body.AttributesToGet.map(String) : []),
  ];
  if (READS.has(operation) && projection.length === 0 && body.Select !== "COUNT") {
    return UNKNOWN;
  }
  const returnValues = body.ReturnValues;
  if (returnValues === "ALL_OLD" || returnValues === "ALL_NEW") {
    return UNKNOWN;
  }
  const found = new Set<string>(projection);
  for (const item of items ?? [body.Key, body.Item]) {
    if (typeof item === "object" && item !== null) {
      Object.keys(item).forEach((name) => found.add(name));
    }
  }
  for (const expression of [
    body.ConditionExpression,
    body.FilterExpression,
    body.KeyConditionExpression,
    body.UpdateExpression,
  ]) {
    namesIn(expression, names).forEach((name) => found.add(name));
  }
  for (const legacy of [
    body.Expected,
    body.AttributeUpdates,
    body.KeyConditions,
    body.QueryFilter,
    body.ScanFilter,
  ]) {
    if (typeof legacy === "object" && legacy !== null) {
      Object.keys(legacy).forEach((name) => found.add(name));
    }
  }
  return [...found].sort();
}
