/**
 * The check item: one per user per run, keyed from the table's own key schema (the hash key name and
 * type are stack configuration, so they are read from DescribeTable, never assumed).
 */
import type { AttributeValue, TableDescription } from "@aws-sdk/client-dynamodb";

export interface KeyAttribute {
  name: string;
  type: "S" | "N" | "B";
}

export interface TableKeySchema {
  hash: KeyAttribute;
  range?: KeyAttribute;
}

export function keySchemaOf(table: TableDescription): TableKeySchema {
  const typeOf = (name: string): KeyAttribute["type"] => {
    const type = table.AttributeDefinitions?.find((def) => def.AttributeName === name)?.AttributeType;
    if (type !== "S" && type !== "N" && type !== "B") {
      throw new Error(
        `DescribeTable: AttributeDefinitions has no S, N or B type for key attribute "${name}" (got ${String(type)})`,
      );
    }
    return type;
  };
  const hashName = table.KeySchema?.find((key) => key.KeyType === "HASH")?.AttributeName;
  if (!hashName) {
    throw new Error(`DescribeTable: KeySchema has no HASH key (got ${JSON.stringify(table.KeySchema)})`);
  }
  const rangeName = table.KeySchema?.find((key) => key.KeyType === "RANGE")?.AttributeName;
  return {
    hash: { name: hashName, type: typeOf(hashName) },
    ...(rangeName ? { range: { name: rangeName, type: typeOf(rangeName) } } : {}),
  };
}

/**
 * A key no other run or user shares: the run id and the user's position in the outputs. For a number
 * key the run id is a random 12-digit number (`runNumber`), so numeric keys are unique too.
 */
export function checkItemKey(
  schema: TableKeySchema,
  run: { id: string; number: number },
  userIndex: number,
): Record<string, AttributeValue> {
  const text = `kms-dynamodb-check/${run.id}/${userIndex}`;
  const value = (type: KeyAttribute["type"]): AttributeValue => {
    switch (type) {
      case "S":
        return { S: text };
      case "N":
        return { N: String(run.number * 1000 + userIndex) };
      case "B":
        return { B: new TextEncoder().encode(text) };
    }
  };
  return {
    [schema.hash.name]: value(schema.hash.type),
    ...(schema.range ? { [schema.range.name]: value(schema.range.type) } : {}),
  };
}

/** An attribute name for the check's own data that is not one of the key attributes. */
export function dataAttributeName(schema: TableKeySchema): string {
  const taken = new Set([schema.hash.name, schema.range?.name]);
  let name = "kmsDynamodbCheck";
  while (taken.has(name)) {
    name = `${name}_`;
  }
  return name;
}

export function describeKey(key: Record<string, AttributeValue>): string {
  return Object.entries(key)
    .map(([name, value]) => `${name}=${value.S ?? value.N ?? (value.B ? `<${value.B.length} bytes>` : "?")}`)
    .join(", ");
}
