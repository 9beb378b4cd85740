/**
 * Batches and transactions naming their tables by ARN, over real HTTP with AWS SDK v3 clients: the same
 * account's caller and a principal of another account (which must name the table by its ARN). Expectations
 * from the DynamoDB API reference:
 * - BatchGetItem (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html)
 *   and BatchWriteItem (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html):
 *   RequestItems is "a map of one or more table names or table ARNs"; "each table name or ARN can be used
 *   only once per request"; Responses is keyed by table.
 * - TransactGetItems (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html)
 *   and TransactWriteItems (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html),
 *   whose parts' TableName (API_Get.html, API_Put.html, ...) is the table's name, or "the Amazon Resource
 *   Name (ARN) of the table".
 * - DynamoDB Developer Guide, "Cross-account access with resource-based policies in DynamoDB"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-cross-account-access.html):
 *   another account names the table by its ARN.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { ACCOUNT_ID, REGION } from "../../support/accessStacks";
import { rejectionOf } from "../../support/errors";
import { EXT_KEY, resourcePolicyPlan, T0, T1 } from "../../support/resourcePolicyStack";
import { sandboxWithPlan, type Clients } from "../../support/sandbox";

const key = (pk: string) => ({ pk: { S: pk } });

describe("sandbox: batches and transactions naming tables by ARN", function () {
  this.timeout(60_000);
  const sandbox = sandboxWithPlan(resourcePolicyPlan);
  const admin = sandbox.admin;
  const partner = (): Clients => sandbox.as(EXT_KEY);

  it("writes and reads a batch keyed by table ARNs, answering under the same keys", async () => {
    const dynamodb = admin().dynamodb;
    const written = await dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [T0]: [{ PutRequest: { Item: { ...key("batch-arn"), n: { N: "1" } } } }],
          "rp-t1": [{ PutRequest: { Item: { ...key("batch-name"), n: { N: "2" } } } }],
        },
      }),
    );
    expect(written.UnprocessedItems ?? {}).to.deep.equal({});
    const read = await dynamodb.send(
      new BatchGetItemCommand({
        RequestItems: { [T0]: { Keys: [key("batch-arn")] }, [T1]: { Keys: [key("batch-name")] } },
      }),
    );
    expect(Object.keys(read.Responses ?? {}).sort()).to.deep.equal([T0, T1].sort());
    expect(read.Responses?.[T0]?.[0]?.n).to.deep.equal({ N: "1" });
    expect(read.Responses?.[T1]?.[0]?.n).to.deep.equal({ N: "2" });
  });

  it("runs transactions whose parts name their tables by ARN", async () => {
    const dynamodb = admin().dynamodb;
    await dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: T0, Item: { ...key("tx-arn"), n: { N: "3" } } } },
          { Put: { TableName: "rp-t1", Item: { ...key("tx-name"), n: { N: "4" } } } },
        ],
      }),
    );
    const read = await dynamodb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: "rp-t0", Key: key("tx-arn") } },
          { Get: { TableName: T1, Key: key("tx-name") } },
        ],
      }),
    );
    expect(read.Responses?.map((response) => response.Item?.n)).to.deep.equal([{ N: "3" }, { N: "4" }]);
  });

  it("authorizes another account's batch and transaction by ARN like its single-item requests", async () => {
    const dynamodb = partner().dynamodb;
    // Its identity policy and the tables' policies allow GetItem: a transaction's Get part is GetItem.
    const read = await dynamodb.send(
      new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: T0, Key: key("tx-arn") } }] }),
    );
    expect(read.Responses?.[0]?.Item?.n).to.deep.equal({ N: "3" });
    // dynamodb:BatchGetItem is allowed by neither: refused by IAM, not by validation.
    const batch = await rejectionOf(
      dynamodb.send(new BatchGetItemCommand({ RequestItems: { [T0]: { Keys: [key("tx-arn")] } } })),
    );
    expect(batch.name).to.equal("AccessDeniedException");
    // A bare name names a table of the partner's own account, which the sandbox does not serve.
    for (const command of [
      new BatchGetItemCommand({ RequestItems: { "rp-t0": { Keys: [key("tx-arn")] } } }),
      new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: "rp-t0", Key: key("tx-arn") } }] }),
    ]) {
      const error = await rejectionOf(dynamodb.send(command as BatchGetItemCommand));
      expect(error.name).to.equal("ResourceNotFoundException");
    }
  });

  it("refuses an ARN of a table it does not serve, and one table named twice", async () => {
    const dynamodb = admin().dynamodb;
    const elsewhere = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/no-such-table`;
    const otherRegion = T0.replace(`:${REGION}:`, ":eu-north-1:");
    for (const arn of [elsewhere, otherRegion]) {
      const batch = await rejectionOf(
        dynamodb.send(new BatchGetItemCommand({ RequestItems: { [arn]: { Keys: [key("x")] } } })),
      );
      expect(batch.name, arn).to.equal("ResourceNotFoundException");
      const transaction = await rejectionOf(
        dynamodb.send(
          new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: arn, Key: key("x") } }] }),
        ),
      );
      expect(transaction.name, arn).to.equal("ResourceNotFoundException");
    }
    const twice = await rejectionOf(
      dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: { [T0]: { Keys: [key("a")] }, "rp-t0": { Keys: [key("b")] } },
        }),
      ),
    );
    expect(twice.name).to.equal("ValidationException");
    expect(twice.message).to.contain("named twice");
  });
});
