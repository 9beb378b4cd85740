/**
 * DynamoDB transactions in the sandbox, over real HTTP with the AWS SDK v3 client: TransactWriteItems (Put,
 * Update, Delete, ConditionCheck) all-or-nothing, TransactGetItems, each part's own IAM action and the
 * table key's KMS check. Expectations from the DynamoDB API reference (TransactWriteItems,
 * TransactGetItems) and the developer guide ("Amazon DynamoDB Transactions: how it works"; "Using IAM with
 * DynamoDB transactions").
 */
import {
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { ACCESS_MODEL_TABLE, accessModelSandbox } from "../../support/accessModelProgram";
import { failureOf, type Clients } from "../../support/sandbox";
import { rejectionOf } from "../../support/errors";

const TableName = ACCESS_MODEL_TABLE;
const key = (pk: string) => ({ pk: { S: pk } });

describe("sandbox: DynamoDB transactions", function () {
  this.timeout(60_000);
  const deployed = accessModelSandbox();

  before(async () => {
    const alice = user("alice").dynamodb;
    await alice.send(new PutItemCommand({ TableName, Item: { ...key("account-a"), balance: { N: "100" } } }));
    await alice.send(new PutItemCommand({ TableName, Item: { ...key("account-b"), balance: { N: "0" } } }));
    await alice.send(new PutItemCommand({ TableName, Item: { ...key("gone"), note: { S: "delete me" } } }));
    await alice.send(new PutItemCommand({ TableName, Item: key("transfers-open") }));
  });

  const user = (name: string): Clients => deployed.user(name);
  const balance = async (pk: string) =>
    (await user("alice").dynamodb.send(new GetItemCommand({ TableName, Key: key(pk) }))).Item?.balance?.N;

  function transfer(amount: number, guard: string) {
    return new TransactWriteItemsCommand({
      TransactItems: [
        {
          Update: {
            TableName,
            Key: key("account-a"),
            UpdateExpression: "SET balance = balance - :amount",
            ConditionExpression: "balance >= :amount",
            ExpressionAttributeValues: { ":amount": { N: String(amount) } },
          },
        },
        {
          Update: {
            TableName,
            Key: key("account-b"),
            UpdateExpression: "SET balance = balance + :amount",
            ExpressionAttributeValues: { ":amount": { N: String(amount) } },
          },
        },
        { ConditionCheck: { TableName, Key: key(guard), ConditionExpression: "attribute_exists(pk)" } },
        { Put: { TableName, Item: { ...key(`log-${amount}`), amount: { N: String(amount) } } } },
      ],
    });
  }

  it("applies every part when every condition holds", async () => {
    await user("alice").dynamodb.send(transfer(30, "transfers-open"));
    expect(await balance("account-a")).to.equal("70");
    expect(await balance("account-b")).to.equal("30");
    const log = await user("alice").dynamodb.send(new GetItemCommand({ TableName, Key: key("log-30") }));
    expect(log.Item?.amount?.N).to.equal("30");
  });

  it("changes nothing and names each part's reason when one condition fails", async () => {
    const caught = await rejectionOf(user("alice").dynamodb.send(transfer(10, "no-such-account")));
    // API reference, TransactWriteItems: TransactionCanceledException, with CancellationReasons in the
    // order of TransactItems, "None" for the parts that would have succeeded.
    expect(caught).to.be.instanceOf(TransactionCanceledException);
    const reasons = (caught as TransactionCanceledException).CancellationReasons?.map(
      (reason) => reason.Code,
    );
    expect(reasons).to.deep.equal(["None", "None", "ConditionalCheckFailed", "None"]);
    expect((caught as Error).message).to.equal(
      "Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed, None]",
    );
    expect(await balance("account-a")).to.equal("70");
    expect(await balance("account-b")).to.equal("30");
    const log = await user("alice").dynamodb.send(new GetItemCommand({ TableName, Key: key("log-10") }));
    expect(log.Item).to.equal(undefined);
  });

  it("deletes with Delete, and reads several items with TransactGetItems", async () => {
    await user("alice").dynamodb.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Delete: { TableName, Key: key("gone") } }] }),
    );
    const read = await user("alice").dynamodb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName, Key: key("account-a") } },
          { Get: { TableName, Key: key("gone") } },
        ],
      }),
    );
    expect(read.Responses?.[0].Item?.balance?.N).to.equal("70");
    expect(read.Responses?.[1].Item).to.equal(undefined);
  });

  it("refuses two operations on one item", async () => {
    const failure = await failureOf(
      user("alice").dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: key("twice") } },
            { Delete: { TableName, Key: key("twice") } },
          ],
        }),
      ),
    );
    expect(failure.name).to.equal("ValidationException");
    expect(failure.message).to.equal("Transaction request cannot include multiple operations on one item");
  });

  it("needs each part's own IAM action: PutItem alone does not cover a ConditionCheck", async () => {
    // "Using IAM with DynamoDB transactions": ConditionCheck needs dynamodb:ConditionCheckItem.
    const writer = user("writer").dynamodb;
    await writer.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: key("by-writer") } }] }),
    );
    const failure = await failureOf(
      writer.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: key("by-writer-2") } },
            {
              ConditionCheck: {
                TableName,
                Key: key("account-a"),
                ConditionExpression: "attribute_exists(pk)",
              },
            },
          ],
        }),
      ),
    );
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain("dynamodb:ConditionCheckItem");
    const notWritten = await user("alice").dynamodb.send(
      new GetItemCommand({ TableName, Key: key("by-writer-2") }),
    );
    expect(notWritten.Item).to.equal(undefined);
  });

  it("needs the table key: a user IAM allows but the key does not is refused by KMS", async () => {
    // DynamoDB developer guide, "Encryption at rest: how it works": items are read and written with the
    // table key, which the caller must be allowed to use through DynamoDB.
    const failure = await failureOf(
      user("carol").dynamodb.send(
        new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName, Key: key("account-a") } }] }),
      ),
    );
    expect(failure.name).to.equal("AccessDeniedException");
    expect(failure.message).to.contain("KMS key access denied");
  });

  it("runs a TransactWriteItems retried with the same ClientRequestToken once, and refuses the token reused", async () => {
    // API reference, TransactWriteItems, ClientRequestToken
    // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html): "A client
    // request token is valid for 10 minutes after the first request that uses it is completed ... If you
    // submit a request with the same client token but a change in other parameters within the 10-minute
    // idempotency window, DynamoDB returns an IdempotentParameterMismatch exception."
    const add = (amount: number) =>
      new TransactWriteItemsCommand({
        ClientRequestToken: "retry-token-1",
        TransactItems: [
          {
            Update: {
              TableName,
              Key: key("idempotent"),
              UpdateExpression: "ADD tally :n",
              ExpressionAttributeValues: { ":n": { N: String(amount) } },
            },
          },
        ],
      });
    const alice = user("alice").dynamodb;
    await alice.send(add(1));
    await alice.send(add(1));
    const item = await alice.send(new GetItemCommand({ TableName, Key: key("idempotent") }));
    expect(item.Item?.tally?.N).to.equal("1");
    const failure = await failureOf(alice.send(add(2)));
    expect(failure.name).to.equal("IdempotentParameterMismatchException");
  });
});
