/**
 * Fine-grained access in the generated stacks, and the requests that tell its conditions apart, for the
 * access differential test. A principal of a generated stack may hold one kind of fine-grained identity
 * policy, each from the DynamoDB Developer Guide, "Using IAM policy conditions for fine-grained access
 * control" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html),
 * and the IAM User Guide's "Amazon DynamoDB: Allows access to specific attributes"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_dynamodb_attributes.html):
 * - `leading-keys-userid`: the item actions where every partition key is the caller's `${aws:userid}`
 *   (ForAllValues:StringEquals on dynamodb:LeadingKeys);
 * - `leading-keys-literal`: the same with a fixed partition key, `tenant-a`;
 * - `attributes`: the item actions where every attribute named is one of pk, sk, v
 *   (ForAllValues:StringEquals on dynamodb:Attributes) and a read asks for specific attributes
 *   (StringEqualsIfExists dynamodb:Select SPECIFIC_ATTRIBUTES);
 * - `return-values`: the item actions, with a Deny of single-item writes and transaction parts that ask for
 *   old or new values back (StringEquals on dynamodb:ReturnValues).
 *
 * Each kind has two request shapes: one its conditions allow, one they refuse (a partition key equal or
 * not to the allowed value; a projection and item inside or outside the allowed attributes; ReturnValues
 * NONE or ALL_OLD). `probeRequest` builds the request of a matrix operation with a shape, every operation
 * naming the table's key attributes as the operation table's probe does (sandbox/dynamodb/operations.ts).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { operationSpec, type DynamoOperation, type ProbeTarget } from "../../sandbox/dynamodb/operations";

export const FINE_GRAINED_KINDS = [
  "leading-keys-userid",
  "leading-keys-literal",
  "attributes",
  "return-values",
] as const;

export type FineGrainedKind = (typeof FINE_GRAINED_KINDS)[number];

/** The partition key value `leading-keys-literal` allows. */
export const LITERAL_LEADING_KEY = "tenant-a";

/** The attributes `attributes` allows: the generated tables' key attributes and `v`. */
const ALLOWED_ATTRIBUTES = ["pk", "sk", "v"];

/**
 * The item actions a fine-grained policy allows: those of the guide's examples, plus Scan (which carries
 * no dynamodb:LeadingKeys, so a ForAllValues condition on it holds: the guide's warning) and the
 * transactions' ConditionCheckItem.
 */
const ITEM_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];

/** The statements of a fine-grained policy of `kind` on `tableArns`. */
export function fineGrainedStatements(
  kind: FineGrainedKind,
  tableArns: readonly string[],
): Record<string, unknown>[] {
  const allow = (condition?: Record<string, unknown>) => ({
    Sid: "FineGrained",
    Effect: "Allow",
    Action: ITEM_ACTIONS,
    Resource: [...tableArns],
    ...(condition === undefined ? {} : { Condition: condition }),
  });
  switch (kind) {
    case "leading-keys-userid":
      return [allow({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["${aws:userid}"] } })];
    case "leading-keys-literal":
      return [allow({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [LITERAL_LEADING_KEY] } })];
    case "attributes":
      return [
        allow({
          "ForAllValues:StringEquals": { "dynamodb:Attributes": ALLOWED_ATTRIBUTES },
          StringEqualsIfExists: { "dynamodb:Select": "SPECIFIC_ATTRIBUTES" },
        }),
      ];
    case "return-values":
      return [
        allow(),
        {
          Sid: "NoValuesBack",
          Effect: "Deny",
          Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
          Resource: [...tableArns],
          Condition: {
            StringEquals: { "dynamodb:ReturnValues": ["ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"] },
          },
        },
      ];
  }
}

/** What a probe request varies: the partition key value, whether it names an attribute outside pk/sk/v, ReturnValues. */
export interface RequestShape {
  readonly name: "default" | "satisfying" | "violating";
  readonly leadingKey: string;
  readonly projection: boolean;
  readonly outsideAttribute: boolean;
  readonly returnValues: boolean;
}

/** The shape of the matrix's probes: the operation table's own requests (no projection, key `access-probe`). */
export const DEFAULT_SHAPE: RequestShape = {
  name: "default",
  leadingKey: "access-probe",
  projection: false,
  outsideAttribute: false,
  returnValues: false,
};

/**
 * The request a principal's fine-grained policy allows, and one it refuses. `userId`: the caller's
 * aws:userid (GetCallerIdentity's UserId).
 */
export function shapesOf(kind: FineGrainedKind, userId: string): readonly [RequestShape, RequestShape] {
  const base = {
    leadingKey: "access-probe",
    projection: false,
    outsideAttribute: false,
    returnValues: false,
  };
  switch (kind) {
    case "leading-keys-userid":
      return [
        { ...base, name: "satisfying", leadingKey: userId },
        { ...base, name: "violating", leadingKey: `not-${userId}` },
      ];
    case "leading-keys-literal":
      return [
        { ...base, name: "satisfying", leadingKey: LITERAL_LEADING_KEY },
        { ...base, name: "violating", leadingKey: "tenant-b" },
      ];
    case "attributes":
      // Reads name their projection: a read of whole items has data-dependent attributes (the sandbox
      // refuses such a request where a policy reads them, sandbox/dynamodb/conditionKeys.ts).
      return [
        { ...base, name: "satisfying", projection: true },
        { ...base, name: "violating", projection: true, outsideAttribute: true },
      ];
    case "return-values":
      return [
        { ...base, name: "satisfying" },
        { ...base, name: "violating", returnValues: true },
      ];
  }
}

/**
 * The request of `operation` on `target` with `shape`. The target's key holds the table's key attributes;
 * its partition key (`target.hashKey`) takes the shape's leading key. A TransactWriteItems holds one part
 * of each kind (Put, Update, Delete, ConditionCheck), as the access matrix's transaction cell asks for
 * each kind ("Using IAM with DynamoDB transactions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html), on four
 * items: of one partition key where the table has a sort key, else of four.
 */
export function probeRequest(
  operation: DynamoOperation,
  target: ProbeTarget,
  shape: RequestShape,
  sortKey: string | undefined,
): Record<string, unknown> {
  const key = keyOf(target, shape.leadingKey, sortKey, "1");
  if (operation === "TransactWriteItems") {
    return { TransactItems: writeParts(target, shape, sortKey) };
  }
  if (shape === DEFAULT_SHAPE || shape.name === "default") {
    return operationSpec(operation).probe({ ...target, key });
  }
  const projection = shape.projection
    ? { ProjectionExpression: shape.outsideAttribute ? "v, secret" : "v" }
    : {};
  const item = { ...key, v: { S: "probe" }, ...(shape.outsideAttribute ? { secret: { S: "x" } } : {}) };
  const returnValues = shape.returnValues ? { ReturnValues: "ALL_OLD" } : {};
  const { tableName } = target;
  switch (operation) {
    case "GetItem":
      return { TableName: tableName, Key: key, ...projection };
    case "PutItem":
      return { TableName: tableName, Item: item, ...returnValues };
    case "UpdateItem":
      return { TableName: tableName, Key: key, ...update(shape), ...returnValues };
    case "DeleteItem":
      return {
        TableName: tableName,
        Key: key,
        ...(shape.outsideAttribute ? { ConditionExpression: NAMES_SECRET } : {}),
        ...returnValues,
      };
    case "Query":
      return {
        TableName: tableName,
        KeyConditionExpression: "#k = :k",
        ExpressionAttributeNames: { "#k": target.hashKey },
        ExpressionAttributeValues: { ":k": key[target.hashKey] },
        ...projection,
      };
    case "Scan":
      return { TableName: tableName, Limit: 1, ...projection };
    case "BatchGetItem":
      return { RequestItems: { [tableName]: { Keys: [key], ...projection } } };
    case "BatchWriteItem":
      return { RequestItems: { [tableName]: [{ PutRequest: { Item: item } }] } };
    case "TransactGetItems":
      return { TransactItems: [{ Get: { TableName: tableName, Key: key, ...projection } }] };
    default:
      return operationSpec(operation).probe({ ...target, key });
  }
}

/** A condition that names the attribute outside the allowed ones and holds whatever the item (earlier probes write some). */
const NAMES_SECRET = "attribute_not_exists(secret) OR attribute_exists(secret)";

function update(shape: RequestShape): Record<string, unknown> {
  return {
    UpdateExpression: shape.outsideAttribute ? "SET v = :v, secret = :v" : "SET v = :v",
    ExpressionAttributeValues: { ":v": { S: "probe" } },
  };
}

/** One part of each kind of a write transaction, each on its own item. */
function writeParts(
  target: ProbeTarget,
  shape: RequestShape,
  sortKey: string | undefined,
): Record<string, unknown>[] {
  const { tableName } = target;
  const onFailure = shape.returnValues ? { ReturnValuesOnConditionCheckFailure: "ALL_OLD" } : {};
  const outside = shape.outsideAttribute;
  const key = (part: string) => keyOf(target, shape.leadingKey, sortKey, part);
  return [
    {
      Put: {
        TableName: tableName,
        Item: { ...key("put"), v: { S: "probe" }, ...(outside ? { secret: { S: "x" } } : {}) },
        ...onFailure,
      },
    },
    { Update: { TableName: tableName, Key: key("update"), ...update(shape), ...onFailure } },
    {
      Delete: {
        TableName: tableName,
        Key: key("delete"),
        ...(outside ? { ConditionExpression: NAMES_SECRET } : {}),
        ...onFailure,
      },
    },
    {
      ConditionCheck: {
        TableName: tableName,
        Key: key("check"),
        ConditionExpression: outside ? NAMES_SECRET : "attribute_not_exists(v) OR attribute_exists(v)",
        ...onFailure,
      },
    },
  ];
}

/**
 * The key of one item: the partition key `leadingKey` (with `-part` where the table has no sort key, so
 * the parts of a transaction are distinct items), the sort key `part`, the other key attributes as given.
 */
function keyOf(
  target: ProbeTarget,
  leadingKey: string,
  sortKey: string | undefined,
  part: string,
): Record<string, AttributeValue> {
  const key = { ...(target.key as Record<string, AttributeValue>) };
  const hashType = Object.keys(key[target.hashKey] ?? { S: "" })[0];
  if (hashType === "S") {
    key[target.hashKey] = {
      S: sortKey === undefined && part !== "1" ? `${leadingKey}-${part}` : leadingKey,
    };
  } else if (sortKey === undefined && part !== "1") {
    // A numeric or binary partition key (the dev stack's tables may have one): distinct per part.
    key[target.hashKey] =
      hashType === "N" ? { N: String(PARTS.indexOf(part) + 2) } : { B: Buffer.from(part) };
  }
  if (sortKey !== undefined) {
    const sortType = Object.keys(key[sortKey] ?? { S: "" })[0];
    key[sortKey] =
      sortType === "N"
        ? { N: String(PARTS.indexOf(part) + 2) }
        : sortType === "B"
          ? { B: Buffer.from(part) }
          : { S: part };
  }
  return key;
}

const PARTS = ["1", "put", "update", "delete", "check"];

/**
 * The fine-grained kind a resource-based policy (its text) gives `principalArn`: `leading-keys-userid`
 * where a FineGrained statement names it (accessStacks.ts TablePolicySpec `ownItemsUsers`).
 */
export function resourcePolicyKindFor(document: string, principalArn: string): FineGrainedKind | undefined {
  const statements = (JSON.parse(document) as { Statement?: unknown }).Statement;
  for (const statement of Array.isArray(statements) ? (statements as Record<string, unknown>[]) : []) {
    if (
      statement.Sid === "FineGrained" &&
      JSON.stringify(statement.Principal).includes(JSON.stringify(principalArn))
    ) {
      return fineGrainedKindOf([JSON.stringify({ Statement: [statement] })]);
    }
  }
  return undefined;
}

/**
 * The fine-grained kind of a principal's identity policies (their texts), as fineGrainedStatements writes
 * them: read back from the statements, so the differential test needs no map from the stack's spec.
 */
export function fineGrainedKindOf(documents: readonly string[]): FineGrainedKind | undefined {
  for (const document of documents) {
    const statements = (JSON.parse(document) as { Statement?: unknown }).Statement;
    for (const statement of Array.isArray(statements) ? (statements as Record<string, unknown>[]) : []) {
      if (statement.Sid === "NoValuesBack") {
        return "return-values";
      }
      if (statement.Sid !== "FineGrained" || statement.Condition === undefined) {
        continue;
      }
      const text = JSON.stringify(statement.Condition);
      if (text.includes("dynamodb:Attributes")) {
        return "attributes";
      }
      if (text.includes("${aws:userid}")) {
        return "leading-keys-userid";
      }
      if (text.includes(LITERAL_LEADING_KEY)) {
        return "leading-keys-literal";
      }
    }
  }
  return undefined;
}
