/**
 * The item app-user writes before the grant and reads after it: proof that the grant (a key policy
 * update) loses no data.
 */
import {
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { createUserClients, type UserClients } from "../checks/clients";
import { checkItemKey, dataAttributeName, keySchemaOf } from "../checks/item";
import type { StackOutputs } from "../infra/outputs";

const SEED_NOTE = "written before the grant";

/** The item app-user writes before the grant and reads after it: where it is, and what it holds. */
export interface SeedItem {
  key: Record<string, AttributeValue>;
  attribute: string;
}

/** Runs `use` with app-user's own fresh client: the seed item is written and read like any application's. */
async function asAppUser<T>(
  endpoint: string,
  outputs: StackOutputs,
  use: (dynamodb: UserClients["dynamodb"]) => Promise<T>,
): Promise<T> {
  const user = outputs.users["app-user"];
  if (!user?.keyUser) {
    throw new Error("the dev stack must have app-user as a key user");
  }
  const clients = createUserClients(user, outputs.region, endpoint);
  try {
    return await use(clients.dynamodb);
  } finally {
    clients.destroy();
  }
}

export function putSeedItem(endpoint: string, outputs: StackOutputs, runId: string): Promise<SeedItem> {
  return asAppUser(endpoint, outputs, async (dynamodb) => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: outputs.tableName }));
    if (Table === undefined) {
      throw new Error(`DescribeTable ${outputs.tableName} answered no table`);
    }
    // The same key and attribute rules as the checks' items: any key schema the config can give.
    const schema = keySchemaOf(Table);
    const seed = {
      key: checkItemKey(schema, { id: runId, number: Date.now() }, 0),
      attribute: dataAttributeName(schema),
    };
    await dynamodb.send(
      new PutItemCommand({
        TableName: outputs.tableName,
        Item: { ...seed.key, [seed.attribute]: { S: SEED_NOTE } },
      }),
    );
    return seed;
  });
}

export function readSeedItem(endpoint: string, outputs: StackOutputs, seed: SeedItem): Promise<boolean> {
  return asAppUser(endpoint, outputs, async (dynamodb) => {
    const item = await dynamodb.send(new GetItemCommand({ TableName: outputs.tableName, Key: seed.key }));
    return item.Item?.[seed.attribute]?.S === SEED_NOTE;
  });
}
