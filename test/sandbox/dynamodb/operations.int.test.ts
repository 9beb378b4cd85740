/**
 * Every operation of the DynamoDB operation table (sandbox/dynamodb/operations.ts), over real HTTP with
 * the AWS SDK v3 client's command of its name and the table's probe: served (routed and run) for a caller
 * allowed everything, refused by IAM with the entry's action on the entry's resource for a caller allowed
 * nothing, and refused by KMS exactly when the entry uses the table's key. An operation added to the table
 * is tested here without a line of this file changing.
 *
 * Expectations: DynamoDB developer guide, "Using IAM policy conditions for fine-grained access control"
 * (resources), "Using IAM with DynamoDB transactions" (a part's action), "Encryption at rest: how it
 * works" (which operations use the table's key); the denial message is IAM's ("User: ARN is not
 * authorized to perform: ACTION on resource: ARN because no identity-based policy allows the ACTION
 * action", IAM User Guide, "Troubleshoot access denied error messages").
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { classifyError } from "../../../checks/classify";
import {
  DYNAMODB_OPERATION_NAMES,
  iamActionsOf,
  operationSpec,
  type DynamoOperation,
  type ProbeTarget,
} from "../../../sandbox/dynamodb/operations";
import { ACCESS_MODEL_TABLE, accessModelSandbox } from "../../support/accessModelProgram";
import { rejectionOf } from "../../support/errors";
import { sdkCommand } from "../../support/prober";
import { sandboxWithDev, type Clients } from "../../support/sandbox";

const KEY = { pk: { S: "operations-table" } };

/** The probe target of a table whose hash key is `pk` (the access model's and the dev stack's). */
function targetOf(tableName: string, tableArn: string): ProbeTarget {
  return { tableName, tableArn, key: KEY, hashKey: "pk" };
}

describe("sandbox: every operation of the DynamoDB operation table, over HTTP", function () {
  this.timeout(60_000);

  describe("on the access model's table", () => {
    const model = accessModelSandbox();
    const tableArn = () =>
      `arn:aws:dynamodb:${model.outputs.region}:${model.outputs.accountId}:table/${ACCESS_MODEL_TABLE}`;

    const send = (client: DynamoDBClient, operation: DynamoOperation) =>
      client.send(sdkCommand(operation, targetOf(ACCESS_MODEL_TABLE, tableArn())));
    let deployer: Clients;
    let bob: Clients;
    before(() => {
      deployer = model.as(model.sandbox.deployerCredentials(), model.outputs.region);
      bob = model.user("bob");
    });

    for (const operation of DYNAMODB_OPERATION_NAMES) {
      it(`${operation}: served to the deploying identity (an administrator and a key administrator)`, async () => {
        const answer = (await send(deployer.dynamodb, operation)) as {
          $metadata: { httpStatusCode?: number };
        };
        expect(answer.$metadata.httpStatusCode).to.equal(200);
      });

      it(`${operation}: refused by IAM for a caller no policy allows, naming its action and resource`, async () => {
        const error = await rejectionOf(send(bob.dynamodb, operation));
        const spec = operationSpec(operation);
        const [action] = iamActionsOf(operation, spec.probe(targetOf(ACCESS_MODEL_TABLE, tableArn())));
        const resource = "action" in spec.iam && spec.iam.on === "account" ? "*" : tableArn();
        expect(error?.name).to.equal("AccessDeniedException");
        expect(error?.message).to.contain(
          `User: ${model.outputs.users.bob.arn} is not authorized to perform: ${action} on resource: ${resource}`,
        );
      });
    }
  });

  describe("on the dev stack's table, as a user allowed every DynamoDB action who is no key user", () => {
    // kms-test-user: AmazonDynamoDBFullAccess, not in the key policy (the seed scenario).
    const deployed = sandboxWithDev();
    let user: Clients;
    before(() => {
      user = deployed.user("kms-test-user");
    });

    for (const operation of DYNAMODB_OPERATION_NAMES) {
      const usesKey = operationSpec(operation).usesTableKey;
      it(`${operation}: ${usesKey ? "refused by KMS: it uses the table's key" : "served: it uses no key"}`, async () => {
        const outcome = await user.dynamodb
          .send(sdkCommand(operation, targetOf(deployed.outputs.tableName, deployed.outputs.tableArn)))
          .then(
            () => "allowed",
            (err: unknown) => classifyError(err).actual,
          );
        expect(outcome).to.equal(usesKey ? "denied-by-kms" : "allowed");
      });
    }
  });
});
