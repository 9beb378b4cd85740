/**
 * The DynamoDB operation table (sandbox/dynamodb/operations.ts) and the lists derived from it or held to
 * it: the table-key operations, the access matrix's operations and actions, the SDK command of each
 * operation, and the checks' own list of calls (checks/ runs against AWS and never imports the sandbox).
 */
import * as dynamodbSdk from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { DIRECT_DECRYPT, iamActionOf, TABLE_OPERATIONS } from "../../../access/operations";
import { IAM_ACTION, TABLE_KEY_CALLS } from "../../../checks/expectations";
import { OPERATIONS as CHECK_OPERATIONS } from "../../../checks/types";
import {
  ACCESS_MATRIX_OPERATIONS,
  DYNAMODB_OPERATION_NAMES,
  iamActionsOf,
  isDynamoOperation,
  operationSpec,
  TABLE_KEY_OPERATIONS,
} from "../../../sandbox/dynamodb/operations";
import { KMS_OPERATION_TABLE } from "../../../sandbox/kms/operations";

const TARGET = {
  tableName: "orders",
  tableArn: "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
  key: { pk: { S: "k" } },
  hashKey: "pk",
};

describe("the DynamoDB operation table", () => {
  it("names each operation's IAM action after the operation, and a transaction's per part", () => {
    // Service Authorization Reference, "Actions defined by Amazon DynamoDB": each action is named after
    // its API operation; transactions have none of their own ("Using IAM with DynamoDB transactions").
    for (const operation of DYNAMODB_OPERATION_NAMES) {
      const { iam, handler } = operationSpec(operation);
      // Only a transaction's handler runs parts, and only parts are authorized per part.
      expect("transaction" in handler, operation).to.equal("parts" in iam);
      if ("action" in iam) {
        expect(iam.action, operation).to.equal(`dynamodb:${operation}`);
      } else {
        expect(operation).to.match(/^Transact/);
        expect(Object.values(iam.parts).every((action) => action.startsWith("dynamodb:"))).to.equal(true);
      }
    }
    expect(
      iamActionsOf("TransactWriteItems", {
        TransactItems: [{ Put: {} }, { ConditionCheck: {} }, { Put: {} }, { Delete: {} }],
      }),
    ).to.deep.equal(["dynamodb:PutItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem"]);
    expect(iamActionsOf("TransactGetItems", { TransactItems: [{ Get: {} }] })).to.deep.equal([
      "dynamodb:GetItem",
    ]);
  });

  it("derives the table-key operations from usesTableKey", () => {
    expect([...TABLE_KEY_OPERATIONS]).to.deep.equal(
      DYNAMODB_OPERATION_NAMES.filter((operation) => operationSpec(operation).usesTableKey),
    );
    // The operations on the table's description touch no item (DynamoDB developer guide, "Encryption at
    // rest: how it works").
    expect(TABLE_KEY_OPERATIONS.has("DescribeTable")).to.equal(false);
    expect(TABLE_KEY_OPERATIONS.has("GetItem")).to.equal(true);
  });

  it("gives every operation an SDK v3 command of its name whose input is its probe", () => {
    const sdk = dynamodbSdk as unknown as Record<string, unknown>;
    for (const operation of DYNAMODB_OPERATION_NAMES) {
      expect(sdk[`${operation}Command`], `${operation}Command`).to.be.a("function");
      expect(operationSpec(operation).probe(TARGET), operation).to.be.an("object");
    }
  });

  it("gives the access matrix its operations, in the table's order, each authorized as its probe is", () => {
    expect(TABLE_OPERATIONS).to.deep.equal(ACCESS_MATRIX_OPERATIONS);
    expect(TABLE_OPERATIONS).to.deep.equal(
      DYNAMODB_OPERATION_NAMES.filter((operation) => operationSpec(operation).accessMatrix),
    );
    for (const operation of TABLE_OPERATIONS) {
      expect(iamActionsOf(operation, operationSpec(operation).probe(TARGET)), operation).to.deep.equal([
        iamActionOf(operation),
      ]);
    }
    expect(iamActionOf("TransactWriteItems")).to.equal("dynamodb:PutItem");
    expect(iamActionOf("TransactGetItems")).to.equal("dynamodb:GetItem");
  });

  it("gives the access matrix the one KMS operation it asks directly", () => {
    const direct = Object.entries(KMS_OPERATION_TABLE)
      .filter(([, spec]) => spec.accessMatrix)
      .map(([name]) => `kms:${name}`);
    expect(direct).to.deep.equal([DIRECT_DECRYPT]);
  });

  it("holds the checks' calls to the table: the same IAM action, and the table key for the same calls", () => {
    for (const call of CHECK_OPERATIONS) {
      if (call === "GetCallerIdentity") {
        continue;
      }
      expect(isDynamoOperation(call), call).to.equal(true);
      if (!isDynamoOperation(call)) {
        continue;
      }
      expect(IAM_ACTION[call], call).to.equal(iamActionsOf(call, operationSpec(call).probe(TARGET))[0]);
      expect(TABLE_KEY_CALLS.has(call), call).to.equal(TABLE_KEY_OPERATIONS.has(call));
    }
  });
});
