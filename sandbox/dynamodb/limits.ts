/**
 * DynamoDB's limits that dynalite does not enforce, checked before a request reaches it.
 *
 * Nesting: "DynamoDB supports nested attributes up to 32 levels deep" (DynamoDB developer guide,
 * "Service, account, and table quotas in Amazon DynamoDB", Nested attribute depth). An attribute's value
 * is level 1; each map (M) or list (L) puts its members one level deeper; AWS accepts a value wrapped in
 * 31 maps and refuses one wrapped in 32 with ValidationException "Nesting Levels have exceeded supported
 * limits: …" (observed against AWS: https://github.com/nubo-db/dynoxide/issues/110), in items and in expression attribute
 * values alike. dynalite checks attribute values recursively, so a value nested some thousands deep
 * overflowed its stack (HTTP 500); the check here is iterative and stops at the first level too deep.
 */
import { AwsError } from "../errors";

export const MAX_NESTING_LEVELS = 32;

/** Members that hold a map of attribute values (the item, a key, the expression values). */
const ATTRIBUTE_VALUE_MAPS: ReadonlySet<string> = new Set([
  "Item",
  "Key",
  "ExpressionAttributeValues",
  "ExclusiveStartKey",
]);
/** Members that map attribute names to conditions or updates holding `Value` or `AttributeValueList`. */
const CONDITION_MAPS: ReadonlySet<string> = new Set([
  "Expected",
  "AttributeUpdates",
  "KeyConditions",
  "QueryFilter",
  "ScanFilter",
]);
/** Members that are requests of their own (a batch's, a transaction's parts). */
const NESTED_REQUESTS: ReadonlySet<string> = new Set([
  "Put",
  "Update",
  "Delete",
  "ConditionCheck",
  "Get",
  "PutRequest",
  "DeleteRequest",
]);

/**
 * Refuses a request (of any operation served) with an attribute value nested deeper than 32 levels, as
 * DynamoDB does; returns the request, so a call site stays one line.
 */
export function checkNesting<T>(request: T): T {
  checkRequest(request);
  return request;
}

function checkRequest(request: unknown): void {
  if (!isObject(request)) {
    return;
  }
  for (const name of Object.keys(request)) {
    const member = request[name];
    if (ATTRIBUTE_VALUE_MAPS.has(name)) {
      checkValueMap(member);
    } else if (CONDITION_MAPS.has(name) && isObject(member)) {
      for (const condition of Object.values(member)) {
        if (isObject(condition)) {
          checkValue(condition.Value);
          if (Array.isArray(condition.AttributeValueList)) {
            condition.AttributeValueList.forEach((value) => checkValue(value));
          }
        }
      }
    } else if (name === "Keys" && Array.isArray(member)) {
      member.forEach(checkValueMap);
    } else if (name === "RequestItems" && isObject(member)) {
      // BatchWriteItem: a list of write requests per table; BatchGetItem: a structure with Keys.
      for (const perTable of Object.values(member)) {
        (Array.isArray(perTable) ? perTable : [perTable]).forEach(checkRequest);
      }
    } else if (name === "TransactItems" && Array.isArray(member)) {
      member.forEach(checkRequest);
    } else if (NESTED_REQUESTS.has(name)) {
      checkRequest(member);
    }
  }
}

function checkValueMap(map: unknown): void {
  if (isObject(map)) {
    for (const value of Object.values(map)) {
      checkValue(value);
    }
  }
}

/** Walks one attribute value without recursion, refusing the first value past MAX_NESTING_LEVELS. */
function checkValue(value: unknown): void {
  if (!isObject(value) || (value.M === undefined && value.L === undefined)) {
    // A scalar or a set (most values): nothing nested, nothing to walk.
    return;
  }
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, level] = next;
    if (!isObject(current)) {
      continue;
    }
    if (level > MAX_NESTING_LEVELS) {
      throw new AwsError(
        "ValidationException",
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
      );
    }
    if (isObject(current.M)) {
      for (const member of Object.values(current.M)) {
        pending.push([member, level + 1]);
      }
    }
    if (Array.isArray(current.L)) {
      for (const member of current.L as unknown[]) {
        pending.push([member, level + 1]);
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
