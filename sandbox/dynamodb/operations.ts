/**
 * The DynamoDB operations the sandbox serves: one table, as dynalite keeps one list of operations
 * (index.js, `validOperations`). Everything about an operation that another part of the project needs
 * is an entry here, and is read from here:
 * - the server routes `X-Amz-Target: DynamoDB_20120810.<Operation>` to the names of this table, and
 *   service.ts runs each through its `handler`, authorized by its `iam` entry;
 * - `TABLE_KEY_OPERATIONS`, the operations that need the table's key, are those with `usesTableKey`;
 * - the access matrix (`npm run access`, access/operations.ts) asks the operations with `accessMatrix`,
 *   and the prober of the differential test sends each one's `probe` with the SDK v3 command of its name;
 * - docs/sandbox.md's "What it serves" is generated from `docs` (`npm run docs`).
 * The checks (checks/), which run against AWS too and never import the sandbox, keep their own list of
 * calls; a test holds it to this table.
 *
 * Authorization, from the DynamoDB developer guide:
 * - IAM: the action on every table the request names, or on `TABLE_ARN/index/NAME` for a Query or Scan
 *   of an index ("Using IAM policy conditions for fine-grained access control", resource types); ListTables
 *   on `*`, as the Service Authorization Reference lists it (it names no table). A transaction has no action
 *   of its own: each part is authorized as the operation it resembles ("Using IAM with DynamoDB
 *   transactions": "Permissions for Put, Update, Delete, and Get actions are governed by the permissions
 *   used for the underlying PutItem, UpdateItem, DeleteItem, and GetItem operations"; ConditionCheck by
 *   dynamodb:ConditionCheckItem).
 * - KMS: an operation that reads or writes items uses the table's key, so on a table encrypted with a
 *   customer managed key the caller must also be allowed kms:Decrypt through DynamoDB ("Encryption at
 *   rest: how it works"; KMS developer guide, "Authorizing use of your KMS key"). Operations on the table's
 *   description and settings touch no item and need no key access.
 */
import type { Caller, LiveStack } from "../deploy/stack";
import type { RequestMembers } from "../http/requestMembers";
import {
  DESCRIBE_CONTINUOUS_BACKUPS_RULES,
  describeContinuousBackups,
  UPDATE_CONTINUOUS_BACKUPS_RULES,
  updateContinuousBackups,
} from "./continuousBackups";
import type { DynaliteEngine, StoreOperation, ValidationRules } from "./engine";
import {
  DELETE_RESOURCE_POLICY_RULES,
  deleteResourcePolicy,
  GET_RESOURCE_POLICY_RULES,
  getResourcePolicy,
  PUT_RESOURCE_POLICY_RULES,
  putResourcePolicy,
} from "./resourcePolicies";
import { describeTableAnswer } from "./tableDescription";
import { LIST_TAGS_OF_RESOURCE_RULES, listTagsOfResource } from "./tags";
import { DESCRIBE_TIME_TO_LIVE_RULES, describeTimeToLive } from "./timeToLive";
import { UPDATE_TABLE_RULES, updateTable } from "./updateTable";
import type { TableAccess } from "./tableLifecycle";

/** What a handler runs with, besides the request. */
export interface OperationContext {
  readonly engine: DynaliteEngine;
  /** The stack the request runs against (one for the whole request). */
  readonly stack: LiveStack;
  /** Who signed the request: an operation that calls KMS on the caller's behalf asks for this caller. */
  readonly caller: Caller;
  /** The names of the tables the request names, where it may also name one by its ARN. */
  readonly tables: readonly string[];
  /** The sandbox's clock, epoch milliseconds. */
  now(): number;
  /** The status of a table on a customer managed key, from its key's state (tableLifecycle.ts). */
  tableAccess(tableName: string): TableAccess | undefined;
}

/** How the sandbox runs an operation. */
export type OperationHandler =
  /** dynalite's own operation (engine.ts); `answer` completes what dynalite leaves out of its answer. */
  | {
      readonly store: StoreOperation;
      readonly answer?: (result: Record<string, unknown>, context: OperationContext) => void;
    }
  /** All-or-nothing over dynalite's store (transactions.ts): its parts are the entry's `iam.parts`. */
  | { readonly transaction: "read" | "write" }
  /** An operation dynalite lacks: the request checked against `rules` (in dynalite's terms), then `run`. */
  | {
      readonly rules: ValidationRules;
      readonly run: (
        request: Record<string, unknown>,
        context: OperationContext,
      ) => Promise<Record<string, unknown>>;
    };

/** Where IAM finds the resources a request is authorized on. */
export type ResourceScope =
  /** The table of `TableName`. */
  | "table"
  /** The table of `TableName`, or `TABLE_ARN/index/NAME` when the request names `IndexName`. */
  | "table-or-index"
  /** Every table of `RequestItems`. */
  | "batch"
  /** The table whose ARN is `ResourceArn` (the resource-based policy operations). */
  | "resource-arn"
  /** No table: `*`. */
  | "account";

export type IamAuthorization =
  /** One action on the resources of `on`. */
  | { readonly action: string; readonly on: ResourceScope }
  /** A transaction: each part (`TransactItems[i].<Kind>`) by its kind's action, on the part's table. */
  | { readonly parts: Readonly<Record<string, string>> };

/** What a probe is addressed to: a deployed table and a key of its schema, values as the SDK takes them. */
export interface ProbeTarget {
  readonly tableName: string;
  /** The table's ARN. */
  readonly tableArn: string;
  readonly key: Readonly<Record<string, unknown>>;
  /** The attribute name of the table's hash key. */
  readonly hashKey: string;
}

export interface DynamoDbOperationSpec {
  readonly handler: OperationHandler;
  readonly iam: IamAuthorization;
  /** Reads or writes items, so needs the table's key (kms:Decrypt through DynamoDB). */
  readonly usesTableKey: boolean;
  /** A column of the access matrix (`npm run access`): one per question "may this principal … this table". */
  readonly accessMatrix: boolean;
  /**
   * A request of this operation on `target`, as the AWS SDK v3 command named `<Operation>Command` takes
   * it (what the prober sends, and what the table's own test sends to every operation). An operation whose
   * probe writes writes only what it is given.
   */
  readonly probe: (target: ProbeTarget) => Record<string, unknown>;
  /** One line for docs/sandbox.md. */
  readonly docs: string;
  /**
   * Every input member of the operation in the DynamoDB API model, as modelled, answer-shaping or refused
   * (sandbox/http/requestMembers.ts; a test walks the AWS model against it).
   */
  readonly members: RequestMembers;
}

/** Members every single-item and batch operation shares. */
const CAPACITY = { ReturnConsumedCapacity: "shape" } as const;
/**
 * ReturnItemCollectionMetrics: the sandbox answers no ItemCollectionMetrics (they exist for tables with
 * local secondary indexes; API reference, PutItem), so only NONE, the default, is accepted.
 */
const COLLECTION_METRICS = {
  ReturnItemCollectionMetrics: {
    refused: "item collection metrics are not answered (only NONE is served)",
    inert: ["NONE"],
  },
} as const;
/**
 * ReturnValuesOnConditionCheckFailure on a single-item write: ALL_OLD returns the item with
 * ConditionalCheckFailedException (service.ts, executeStore; API reference, PutItem).
 */
const ON_CONDITION_FAILURE = { ReturnValuesOnConditionCheckFailure: "modelled" } as const;
/** The legacy and expression members of a conditional single-item write (API reference, PutItem). */
const CONDITIONAL_WRITE = {
  Expected: "modelled",
  ConditionalOperator: "modelled",
  ConditionExpression: "modelled",
  ExpressionAttributeNames: "modelled",
  ExpressionAttributeValues: "modelled",
  ReturnValues: "shape",
  ...CAPACITY,
  ...COLLECTION_METRICS,
  ...ON_CONDITION_FAILURE,
} as const;
/** A transaction's ConsumedCapacity is not answered, so only NONE, the default, is accepted. */
const TRANSACTION_CAPACITY = {
  ReturnConsumedCapacity: {
    refused: "a transaction's ConsumedCapacity is not answered (only NONE is served)",
    inert: ["NONE"],
  },
} as const;
/** The members of one TransactWriteItems part of `kind`. */
function writePart(kind: string, body: readonly string[]): Record<string, "modelled"> {
  const members: Record<string, "modelled"> = { [`TransactItems[].${kind}`]: "modelled" };
  for (const member of [
    ...body,
    "TableName",
    "ConditionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValuesOnConditionCheckFailure",
  ]) {
    members[`TransactItems[].${kind}.${member}`] = "modelled";
  }
  return members;
}

/** The parts of TransactWriteItems and the IAM action of each ("Using IAM with DynamoDB transactions"). */
const WRITE_PARTS = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
} as const;

/** The parts of TransactGetItems. */
const GET_PARTS = { Get: "dynamodb:GetItem" } as const;

/** Every path of `paths`, each refused with `why`: a member the sandbox does not model, and all below it. */
function refusedAll(why: string, paths: readonly string[]): Record<string, { readonly refused: string }> {
  return Object.fromEntries(paths.map((path) => [path, { refused: why }]));
}

/** The members of one global secondary index's throughput settings, below `at`. */
function indexThroughput(at: string): string[] {
  return [
    `${at}.ProvisionedThroughput`,
    `${at}.ProvisionedThroughput.ReadCapacityUnits`,
    `${at}.ProvisionedThroughput.WriteCapacityUnits`,
    `${at}.OnDemandThroughput`,
    `${at}.OnDemandThroughput.MaxReadRequestUnits`,
    `${at}.OnDemandThroughput.MaxWriteRequestUnits`,
    `${at}.WarmThroughput`,
    `${at}.WarmThroughput.ReadUnitsPerSecond`,
    `${at}.WarmThroughput.WriteUnitsPerSecond`,
  ];
}

/** The members of one ReplicaUpdates action (Create or Update), below `at`. */
function replicaAction(at: string): string[] {
  return [
    at,
    `${at}.RegionName`,
    `${at}.KMSMasterKeyId`,
    `${at}.ProvisionedThroughputOverride`,
    `${at}.ProvisionedThroughputOverride.ReadCapacityUnits`,
    `${at}.OnDemandThroughputOverride`,
    `${at}.OnDemandThroughputOverride.MaxReadRequestUnits`,
    `${at}.GlobalSecondaryIndexes`,
    `${at}.GlobalSecondaryIndexes[].IndexName`,
    `${at}.GlobalSecondaryIndexes[].ProvisionedThroughputOverride`,
    `${at}.GlobalSecondaryIndexes[].ProvisionedThroughputOverride.ReadCapacityUnits`,
    `${at}.GlobalSecondaryIndexes[].OnDemandThroughputOverride`,
    `${at}.GlobalSecondaryIndexes[].OnDemandThroughputOverride.MaxReadRequestUnits`,
    `${at}.TableClassOverride`,
  ];
}

/**
 * UpdateTable's members other than the encryption key and deletion protection (API reference,
 * UpdateTable): capacity, indexes, streams, replicas and table class, which the sandbox does not model
 * (dynalite's tables have no capacity, no streams and one region).
 */
const UPDATE_TABLE_REFUSED = {
  ...refusedAll("a table's capacity is not modelled", [
    "BillingMode",
    ...indexThroughput("").map((path) => path.slice(1)),
  ]),
  ...refusedAll("global secondary index updates are not modelled", [
    "AttributeDefinitions",
    "AttributeDefinitions[].AttributeName",
    "AttributeDefinitions[].AttributeType",
    "GlobalSecondaryIndexUpdates",
    "GlobalSecondaryIndexUpdates[].Update",
    "GlobalSecondaryIndexUpdates[].Update.IndexName",
    ...indexThroughput("GlobalSecondaryIndexUpdates[].Update"),
    "GlobalSecondaryIndexUpdates[].Create",
    "GlobalSecondaryIndexUpdates[].Create.IndexName",
    "GlobalSecondaryIndexUpdates[].Create.KeySchema",
    "GlobalSecondaryIndexUpdates[].Create.KeySchema[].AttributeName",
    "GlobalSecondaryIndexUpdates[].Create.KeySchema[].KeyType",
    "GlobalSecondaryIndexUpdates[].Create.Projection",
    "GlobalSecondaryIndexUpdates[].Create.Projection.ProjectionType",
    "GlobalSecondaryIndexUpdates[].Create.Projection.NonKeyAttributes",
    ...indexThroughput("GlobalSecondaryIndexUpdates[].Create"),
    "GlobalSecondaryIndexUpdates[].Delete",
    "GlobalSecondaryIndexUpdates[].Delete.IndexName",
  ]),
  ...refusedAll("DynamoDB Streams are not modelled", [
    "StreamSpecification",
    "StreamSpecification.StreamEnabled",
    "StreamSpecification.StreamViewType",
  ]),
  ...refusedAll("global tables are not modelled (the sandbox serves one region)", [
    "ReplicaUpdates",
    ...replicaAction("ReplicaUpdates[].Create"),
    ...replicaAction("ReplicaUpdates[].Update"),
    "ReplicaUpdates[].Delete",
    "ReplicaUpdates[].Delete.RegionName",
    "MultiRegionConsistency",
    "GlobalTableWitnessUpdates",
    "GlobalTableWitnessUpdates[].Create",
    "GlobalTableWitnessUpdates[].Create.RegionName",
    "GlobalTableWitnessUpdates[].Delete",
    "GlobalTableWitnessUpdates[].Delete.RegionName",
    "GlobalTableSettingsReplicationMode",
  ]),
  ...refusedAll("table classes are not modelled", ["TableClass"]),
};

/** The item a probe writes: the target's key and one attribute. */
const probeItem = (target: ProbeTarget) => ({ ...target.key, v: { S: "probe" } });

/**
 * The table, in the order the access matrix shows its operations (reads and writes of one item, then
 * of many, then transactions, then the table's description; DynamoDB API reference, "Actions").
 */
export const DYNAMODB_OPERATIONS = {
  GetItem: {
    handler: { store: "GetItem" },
    iam: { action: "dynamodb:GetItem", on: "table" },
    usesTableKey: true,
    accessMatrix: true,
    probe: ({ tableName, key }) => ({ TableName: tableName, Key: key }),
    docs: "Reads one item by its key.",
    members: {
      TableName: "modelled",
      Key: "modelled",
      AttributesToGet: "shape",
      ConsistentRead: "shape",
      ProjectionExpression: "shape",
      ExpressionAttributeNames: "modelled",
      ...CAPACITY,
    },
  },
  PutItem: {
    handler: { store: "PutItem" },
    iam: { action: "dynamodb:PutItem", on: "table" },
    usesTableKey: true,
    accessMatrix: true,
    probe: (target) => ({ TableName: target.tableName, Item: probeItem(target) }),
    docs: "Writes one item, replacing any item of the same key.",
    members: { TableName: "modelled", Item: "modelled", ...CONDITIONAL_WRITE },
  },
  UpdateItem: {
    handler: { store: "UpdateItem" },
    iam: { action: "dynamodb:UpdateItem", on: "table" },
    usesTableKey: true,
    accessMatrix: true,
    probe: ({ tableName, key }) => ({
      TableName: tableName,
      Key: key,
      UpdateExpression: "SET v = :v",
      ExpressionAttributeValues: { ":v": { S: "probe" } },
    }),
    docs: "Changes attributes of one item, creating it if absent.",
    members: {
      TableName: "modelled",
      Key: "modelled",
      AttributeUpdates: "modelled",
      UpdateExpression: "modelled",
      ...CONDITIONAL_WRITE,
    },
  },
  DeleteItem: {
    handler: { store: "DeleteItem" },
    iam: { action: "dynamodb:DeleteItem", on: "table" },
    usesTableKey: true,
    accessMatrix: true,
    probe: ({ tableName, key }) => ({ TableName: tableName, Key: key }),
    docs: "Deletes one item by its key.",
    members: { TableName: "modelled", Key: "modelled", ...CONDITIONAL_WRITE },
  },
  Query: {
    handler: { store: "Query" },
    iam: { action: "dynamodb:Query", on: "table-or-index" },
    usesTableKey: true,
    accessMatrix: true,
    probe: ({ tableName, key, hashKey }) => ({
      TableName: tableName,
      KeyConditionExpression: "#k = :k",
      ExpressionAttributeNames: { "#k": hashKey },
      ExpressionAttributeValues: { ":k": key[hashKey] },
    }),
    docs: "Reads the items of one partition key, from the table or one of its indexes.",
    members: {
      TableName: "modelled",
      IndexName: "modelled",
      Select: "shape",
      AttributesToGet: "shape",
      Limit: "shape",
      ConsistentRead: "shape",
      KeyConditions: "modelled",
      QueryFilter: "shape",
      ConditionalOperator: "modelled",
      ScanIndexForward: "shape",
      ExclusiveStartKey: "shape",
      ProjectionExpression: "shape",
      FilterExpression: "shape",
      KeyConditionExpression: "modelled",
      ExpressionAttributeNames: "modelled",
      ExpressionAttributeValues: "modelled",
      ...CAPACITY,
    },
  },
  Scan: {
    handler: { store: "Scan" },
    iam: { action: "dynamodb:Scan", on: "table-or-index" },
    usesTableKey: true,
    accessMatrix: true,
    probe: ({ tableName }) => ({ TableName: tableName, Limit: 1 }),
    docs: "Reads every item of the table or of one of its indexes.",
    members: {
      TableName: "modelled",
      IndexName: "modelled",
      AttributesToGet: "shape",
      Limit: "shape",
      Select: "shape",
      ScanFilter: "shape",
      ConditionalOperator: "modelled",
      ExclusiveStartKey: "shape",
      TotalSegments: "shape",
      Segment: "shape",
      ProjectionExpression: "shape",
      FilterExpression: "shape",
      ExpressionAttributeNames: "modelled",
      ExpressionAttributeValues: "modelled",
      // dynalite's scans read the current items: a consistent read, whatever is asked.
      ConsistentRead: "shape",
      ...CAPACITY,
    },
  },
  BatchGetItem: {
    handler: { store: "BatchGetItem" },
    iam: { action: "dynamodb:BatchGetItem", on: "batch" },
    usesTableKey: true,
    accessMatrix: true,
    probe: ({ tableName, key }) => ({ RequestItems: { [tableName]: { Keys: [key] } } }),
    docs: "Reads up to 100 items by key, from one or more tables.",
    members: {
      RequestItems: "modelled",
      "RequestItems{}.Keys": "modelled",
      "RequestItems{}.AttributesToGet": "shape",
      "RequestItems{}.ConsistentRead": "shape",
      "RequestItems{}.ProjectionExpression": "shape",
      "RequestItems{}.ExpressionAttributeNames": "modelled",
      ...CAPACITY,
    },
  },
  BatchWriteItem: {
    handler: { store: "BatchWriteItem" },
    iam: { action: "dynamodb:BatchWriteItem", on: "batch" },
    usesTableKey: true,
    accessMatrix: true,
    probe: (target) => ({
      RequestItems: { [target.tableName]: [{ PutRequest: { Item: probeItem(target) } }] },
    }),
    docs: "Writes or deletes up to 25 items, in one or more tables.",
    members: {
      RequestItems: "modelled",
      "RequestItems{}[].PutRequest": "modelled",
      "RequestItems{}[].PutRequest.Item": "modelled",
      "RequestItems{}[].DeleteRequest": "modelled",
      "RequestItems{}[].DeleteRequest.Key": "modelled",
      ...CAPACITY,
      ...COLLECTION_METRICS,
    },
  },
  TransactGetItems: {
    handler: { transaction: "read" },
    iam: { parts: GET_PARTS },
    usesTableKey: true,
    accessMatrix: true,
    probe: ({ tableName, key }) => ({ TransactItems: [{ Get: { TableName: tableName, Key: key } }] }),
    docs: "Reads up to 100 items as one consistent snapshot.",
    members: {
      TransactItems: "modelled",
      "TransactItems[].Get": "modelled",
      "TransactItems[].Get.Key": "modelled",
      "TransactItems[].Get.TableName": "modelled",
      "TransactItems[].Get.ProjectionExpression": "shape",
      "TransactItems[].Get.ExpressionAttributeNames": "modelled",
      ...TRANSACTION_CAPACITY,
    },
  },
  TransactWriteItems: {
    handler: { transaction: "write" },
    iam: { parts: WRITE_PARTS },
    usesTableKey: true,
    accessMatrix: true,
    probe: (target) => ({
      TransactItems: [{ Put: { TableName: target.tableName, Item: probeItem(target) } }],
    }),
    docs: "Writes up to 100 items all or nothing (Put, Update, Delete, ConditionCheck).",
    members: {
      TransactItems: "modelled",
      ...writePart("ConditionCheck", ["Key"]),
      ...writePart("Put", ["Item"]),
      ...writePart("Delete", ["Key"]),
      ...writePart("Update", ["Key", "UpdateExpression"]),
      ...TRANSACTION_CAPACITY,
      ...COLLECTION_METRICS,
      // The SDKs fill it on every call (an idempotency token): a retry within 10 minutes is not run again.
      ClientRequestToken: "modelled",
    },
  },
  DescribeTable: {
    handler: { store: "DescribeTable", answer: describeTableAnswer },
    iam: { action: "dynamodb:DescribeTable", on: "table" },
    usesTableKey: false,
    accessMatrix: true,
    probe: ({ tableName }) => ({ TableName: tableName }),
    docs: "Describes the table: its status, keys, indexes, SSEDescription (its KMS key) and deletion protection.",
    members: { TableName: "modelled" },
  },
  DescribeContinuousBackups: {
    handler: { rules: DESCRIBE_CONTINUOUS_BACKUPS_RULES, run: describeContinuousBackups },
    iam: { action: "dynamodb:DescribeContinuousBackups", on: "table" },
    usesTableKey: false,
    accessMatrix: false,
    probe: ({ tableName }) => ({ TableName: tableName }),
    docs: "Describes the table's continuous backups and point-in-time recovery (status, recovery period, restorable window).",
    members: { TableName: "modelled" },
  },
  UpdateContinuousBackups: {
    handler: { rules: UPDATE_CONTINUOUS_BACKUPS_RULES, run: updateContinuousBackups },
    iam: { action: "dynamodb:UpdateContinuousBackups", on: "table" },
    usesTableKey: false,
    accessMatrix: false,
    probe: ({ tableName }) => ({
      TableName: tableName,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
    docs: "Turns the table's point-in-time recovery on (with its recovery period, 1 to 35 days) or off.",
    members: {
      TableName: "modelled",
      PointInTimeRecoverySpecification: "modelled",
      "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled": "modelled",
      "PointInTimeRecoverySpecification.RecoveryPeriodInDays": "modelled",
    },
  },
  DescribeTimeToLive: {
    handler: { rules: DESCRIBE_TIME_TO_LIVE_RULES, run: describeTimeToLive },
    iam: { action: "dynamodb:DescribeTimeToLive", on: "table" },
    usesTableKey: false,
    accessMatrix: false,
    probe: ({ tableName }) => ({ TableName: tableName }),
    docs: "Describes the table's Time to Live: ENABLED with its attribute, or DISABLED (expired items are not deleted).",
    members: { TableName: "modelled" },
  },
  UpdateTable: {
    handler: { rules: UPDATE_TABLE_RULES, run: updateTable },
    iam: { action: "dynamodb:UpdateTable", on: "table" },
    usesTableKey: false,
    accessMatrix: false,
    // Deletion protection turned off: the one setting a probe may change without touching the table's key.
    probe: ({ tableName }) => ({ TableName: tableName, DeletionProtectionEnabled: false }),
    docs: "Switches the table's encryption key (SSESpecification: a customer managed key, which the caller must be allowed kms:DescribeKey and kms:CreateGrant on through DynamoDB, or the AWS owned or AWS managed key) and its deletion protection.",
    members: {
      TableName: "modelled",
      SSESpecification: "modelled",
      "SSESpecification.Enabled": "modelled",
      "SSESpecification.SSEType": "modelled",
      "SSESpecification.KMSMasterKeyId": "modelled",
      DeletionProtectionEnabled: "modelled",
      ...UPDATE_TABLE_REFUSED,
    },
  },
  PutResourcePolicy: {
    handler: { rules: PUT_RESOURCE_POLICY_RULES, run: putResourcePolicy },
    iam: { action: "dynamodb:PutResourcePolicy", on: "resource-arn" },
    usesTableKey: false,
    accessMatrix: false,
    // A policy that changes nothing: the account's own principal, whose identity policies decide anyway
    // within the account. The entries after it (Get, Delete) find it, then remove it.
    probe: ({ tableArn }) => ({
      ResourceArn: tableArn,
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${tableArn.split(":")[4]}:root` },
            Action: "dynamodb:DescribeTable",
            Resource: tableArn,
          },
        ],
      }),
    }),
    docs: "Attaches a resource-based policy to the table (ExpectedRevisionId, ConfirmRemoveSelfResourceAccess): same-account access by it alone, cross-account access with the other account's identity policy, its Deny over every allow.",
    members: {
      ResourceArn: "modelled",
      Policy: "modelled",
      ExpectedRevisionId: "modelled",
      ConfirmRemoveSelfResourceAccess: "modelled",
    },
  },
  GetResourcePolicy: {
    handler: { rules: GET_RESOURCE_POLICY_RULES, run: getResourcePolicy },
    iam: { action: "dynamodb:GetResourcePolicy", on: "resource-arn" },
    usesTableKey: false,
    accessMatrix: false,
    probe: ({ tableArn }) => ({ ResourceArn: tableArn }),
    docs: "Answers the table's resource-based policy and its RevisionId.",
    members: { ResourceArn: "modelled" },
  },
  DeleteResourcePolicy: {
    handler: { rules: DELETE_RESOURCE_POLICY_RULES, run: deleteResourcePolicy },
    iam: { action: "dynamodb:DeleteResourcePolicy", on: "resource-arn" },
    usesTableKey: false,
    accessMatrix: false,
    probe: ({ tableArn }) => ({ ResourceArn: tableArn }),
    docs: "Removes the table's resource-based policy (ExpectedRevisionId).",
    members: { ResourceArn: "modelled", ExpectedRevisionId: "modelled" },
  },
  ListTagsOfResource: {
    handler: { rules: LIST_TAGS_OF_RESOURCE_RULES, run: listTagsOfResource },
    iam: { action: "dynamodb:ListTagsOfResource", on: "resource-arn" },
    usesTableKey: false,
    accessMatrix: false,
    probe: ({ tableArn }) => ({ ResourceArn: tableArn }),
    docs: "Lists the table's tags as the stack deployed them (its tagsAll), in one page.",
    members: {
      ResourceArn: "modelled",
      NextToken: { refused: "the sandbox answers every tag in one page and gives no NextToken to pass back" },
    },
  },
  ListTables: {
    handler: { store: "ListTables" },
    iam: { action: "dynamodb:ListTables", on: "account" },
    usesTableKey: false,
    accessMatrix: false,
    probe: () => ({ Limit: 10 }),
    docs: "Lists the names of the tables.",
    members: { ExclusiveStartTableName: "shape", Limit: "shape" },
  },
} as const satisfies Record<string, DynamoDbOperationSpec>;

/** The name of an operation the sandbox serves. */
export type DynamoOperation = keyof typeof DYNAMODB_OPERATIONS;

/** The table's entries by name, typed as entries (the table itself keeps its literal types). */
const SPECS: Readonly<Record<DynamoOperation, DynamoDbOperationSpec>> = DYNAMODB_OPERATIONS;

/** The operations, in the table's order. */
export const DYNAMODB_OPERATION_NAMES = Object.keys(DYNAMODB_OPERATIONS) as DynamoOperation[];

export function isDynamoOperation(name: string): name is DynamoOperation {
  return Object.prototype.hasOwnProperty.call(DYNAMODB_OPERATIONS, name);
}

/** The entry of an operation. */
export function operationSpec(operation: DynamoOperation): DynamoDbOperationSpec {
  return SPECS[operation];
}

/**
 * The operations that read or write items, and so use the table's key: on a table encrypted with a
 * customer-managed key each needs kms:Decrypt for the caller through DynamoDB, besides its own IAM
 * action. One list for the sandbox's request path and for `npm run access`, so the two cannot disagree.
 */
export const TABLE_KEY_OPERATIONS: ReadonlySet<string> = new Set(
  DYNAMODB_OPERATION_NAMES.filter((operation) => SPECS[operation].usesTableKey),
);

/** Whether an operation reads or writes items, and so needs the table's key. */
export function usesTableKey(operation: string): boolean {
  return TABLE_KEY_OPERATIONS.has(operation);
}

type Table = typeof DYNAMODB_OPERATIONS;

/** An operation the access matrix asks about. */
export type AccessMatrixOperation = {
  [Name in keyof Table]: Table[Name]["accessMatrix"] extends true ? Name : never;
}[keyof Table];

/** The access matrix's DynamoDB operations, in the table's order. */
export const ACCESS_MATRIX_OPERATIONS = DYNAMODB_OPERATION_NAMES.filter(
  (operation) => SPECS[operation].accessMatrix,
) as readonly AccessMatrixOperation[];

/**
 * The IAM actions a request of `operation` is authorized as: the operation's action, or for a
 * transaction the action of each of its parts (`TransactItems[i].<Kind>`), each once, in order.
 */
export function iamActionsOf(operation: DynamoOperation, request: Record<string, unknown>): string[] {
  const iam = SPECS[operation].iam;
  if ("action" in iam) {
    return [iam.action];
  }
  const items = Array.isArray(request.TransactItems) ? (request.TransactItems as unknown[]) : [];
  const actions = items.flatMap((item) =>
    typeof item === "object" && item !== null
      ? Object.keys(item).flatMap((kind) => (Object.hasOwn(iam.parts, kind) ? [iam.parts[kind]] : []))
      : [],
  );
  return [...new Set(actions)];
}

/** The IAM check of one kind of part of a transaction, for a static question about a transaction. */
export interface PartCheck {
  /** The part's own IAM action ("Using IAM with DynamoDB transactions"). */
  readonly action: string;
  /** dynamodb:EnclosingOperation of the part. */
  readonly enclosing: "TransactWriteItems" | "TransactGetItems";
}

/**
 * The IAM checks of a request of `operation` with every kind of part it may hold: one per kind for a
 * transaction (TransactWriteItems: PutItem, UpdateItem, DeleteItem, ConditionCheckItem, each inside the
 * transaction), the operation's own action otherwise.
 */
export function partChecksOf(
  operation: DynamoOperation,
): readonly (PartCheck | { readonly action: string })[] {
  const iam = SPECS[operation].iam;
  if ("action" in iam) {
    return [{ action: iam.action }];
  }
  const enclosing = operation === "TransactGetItems" ? "TransactGetItems" : "TransactWriteItems";
  return Object.values(iam.parts).map((action) => ({ action, enclosing }));
}

/** A probe target naming no table: enough to read which parts a probe is made of. */
const NO_TARGET: ProbeTarget = { tableName: "", tableArn: "", key: {}, hashKey: "" };

/** The matrix asks each operation's action once per cell: each probe is read once. */
const matrixActions = new Map<DynamoOperation, string>();

/**
 * The IAM action the access matrix asks for an operation: the one action its probe is authorized as. A
 * transaction's probe is one part (TransactWriteItems one Put, so dynamodb:PutItem). Limit: the
 * dynamodb:EnclosingOperation condition key is not set, so a policy conditioned on it is evaluated as if
 * the call were not a transaction.
 */
export function matrixActionOf(operation: DynamoOperation): string {
  let action = matrixActions.get(operation);
  if (action === undefined) {
    const actions = iamActionsOf(operation, SPECS[operation].probe(NO_TARGET));
    if (actions.length !== 1) {
      throw new Error(`${operation}: its probe is authorized as ${actions.length} actions, not one`);
    }
    action = actions[0];
    matrixActions.set(operation, action);
  }
  return action;
}
