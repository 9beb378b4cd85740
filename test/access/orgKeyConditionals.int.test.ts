/**
 * Cells that turn on an organization key the plan cannot tell, refused for sure by something else; both
 * found by the differential test (test/access/differential.slow.test.ts), with its org-keys stacks.
 *
 * A key policy whose decision turns on an organization key the plan cannot tell (aws:PrincipalOrgID of an
 * account whose membership is unknown), on a key that is disabled: the key refuses for sure, so the proof
 * calls the cells denied-by-kms (not conditional) and the sandbox refuses them at KMS, not as not modelled.
 * Found by the differential test (a stack of the org-keys kind with a disabled key). Expectations from:
 * - KMS Developer Guide, "Key states of AWS KMS keys"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html): a disabled key cannot be used in
 *   cryptographic operations (Decrypt fails with DisabledException), whatever its policy allows.
 * - IAM User Guide, "AWS global condition context keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 *   aws:PrincipalOrgID is in the context only if the principal's account is a member of an organization.
 */
import { type DynamoDBClient, GetItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { analyzePlan } from "../../access/analyze";
import type { Plan } from "../../plan/types";
import { Sandbox } from "../../sandbox";
import { ACCOUNT_ID, buildStackPlan, REGION } from "../support/accessStacks";
import { outcomeOf } from "../support/errors";
import { ClientPool, programUser } from "../support/sandbox";

describe("access: a cell that turns on an organization key the plan cannot tell", function () {
  this.timeout(60_000);
  const plan = () =>
    buildStackPlan({
      id: "od",
      users: [{ access: "readonly", extras: [], withAccessKey: true }],
      keys: [{ rootStatement: false, keyUsers: [], viaDynamoDbOnly: true, deniedUsers: [], enabled: false }],
      tables: [0],
      // No aws.organizations.Organization: the stack account's membership is unknown.
      orgKeys: { shape: "accounts", partnerMember: false, keyPolicy: "org-id", resourceOrgWriters: [] },
    });

  it("on a disabled key: denied by KMS in the proof, and by the sandbox over HTTP", async () => {
    const report = await analyzePlan(plan());
    const user = `arn:aws:iam::${ACCOUNT_ID}:user/od-u0`;
    for (const principal of [user, `arn:aws:iam::${ACCOUNT_ID}:root`]) {
      const cell = report.cells.find(
        (candidate) => candidate.principal === principal && candidate.operation === "GetItem",
      );
      expect(cell?.decision, principal).to.equal("denied-by-kms");
    }
    const answer = await answerOver(plan(), "od-u0", (dynamodb) =>
      dynamodb.send(new GetItemCommand({ TableName: "od-t0", Key: { pk: { S: "x" } } })),
    );
    expect(answer).to.not.match(/NotModelledBySandboxException/);
    expect(answer).to.match(/disabled/i);
  });
  /*
   * A write transaction whose Put part turns on aws:ResourceOrgID (the table's account's membership is
   * unknown) and whose Update part no policy allows: each part needs its own action (DynamoDB Developer
   * Guide, "Using IAM with DynamoDB transactions",
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html), so AWS
   * refuses the request whatever the key: the proof says denied-by-iam, the sandbox AccessDeniedException,
   * not a not-modelled refusal.
   */
  it("in one part of a transaction another part refuses: denied by IAM in the proof and over HTTP", async () => {
    const writerPlan = () =>
      buildStackPlan({
        id: "ot",
        users: [{ access: "none", extras: [], withAccessKey: true }],
        keys: [],
        tables: [undefined],
        orgKeys: { shape: "accounts", partnerMember: false, resourceOrgWriters: [0] },
      });
    const report = await analyzePlan(writerPlan());
    const cell = (operation: string) =>
      report.cells.find(
        (candidate) =>
          candidate.principal === `arn:aws:iam::${ACCOUNT_ID}:user/ot-u0` &&
          candidate.operation === operation,
      );
    expect(cell("PutItem")?.decision).to.equal("conditional");
    expect(cell("TransactWriteItems")?.decision).to.equal("denied-by-iam");
    const answer = await answerOver(writerPlan(), "ot-u0", (dynamodb) =>
      dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: "ot-t0", Item: { pk: { S: "a" } } } },
            {
              Update: {
                TableName: "ot-t0",
                Key: { pk: { S: "b" } },
                UpdateExpression: "SET v = :v",
                ExpressionAttributeValues: { ":v": { S: "1" } },
              },
            },
          ],
        }),
      ),
    );
    expect(answer).to.match(/^AccessDeniedException: .*dynamodb:UpdateItem/);
  });
  /*
   * A GetItem that only a table policy naming the organization (aws:PrincipalOrgID; the stack account's
   * membership unknown) could allow, on a key whose policy names no key user: DynamoDB fails the request
   * whatever that key is (IAM refuses it, or KMS refuses the table key: KMS Developer Guide, "How Amazon
   * DynamoDB uses AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html),
   * so the proof calls the cell denied-by-kms and the sandbox answers with KMS's refusal, not as not
   * modelled. Found by the differential test (a role session with a session policy, on an org-paths table
   * policy).
   */
  it("allowed only by a table policy on the organization, on a key that refuses: denied by KMS in both", async () => {
    const readerPlan = () =>
      buildStackPlan({
        id: "ok",
        users: [{ access: "none", extras: [], withAccessKey: true }],
        keys: [{ rootStatement: false, keyUsers: [], viaDynamoDbOnly: true, deniedUsers: [], enabled: true }],
        tables: [0],
        orgKeys: { shape: "accounts", partnerMember: false, resourceOrgWriters: [] },
        tablePolicies: [{ readers: [], writers: [], deniedGetItem: [], organizationReads: "org-id" }],
      });
    const report = await analyzePlan(readerPlan());
    const cell = report.cells.find(
      (candidate) =>
        candidate.principal === `arn:aws:iam::${ACCOUNT_ID}:user/ok-u0` && candidate.operation === "GetItem",
    );
    expect(cell?.decision).to.equal("denied-by-kms");
    const answer = await answerOver(readerPlan(), "ok-u0", (dynamodb) =>
      dynamodb.send(new GetItemCommand({ TableName: "ok-t0", Key: { pk: { S: "x" } } })),
    );
    expect(answer).to.match(/^AccessDeniedException: KMS key access denied error/);
  });
});

/** The answer to one DynamoDB request of `user` (a plan user with a key) over HTTP, on a sandbox of its own. */
async function answerOver(
  plan: Plan,
  user: string,
  send: (dynamodb: DynamoDBClient) => Promise<unknown>,
): Promise<string> {
  const sandbox = await Sandbox.start({ port: 0 });
  const pool = new ClientPool();
  try {
    await sandbox.apply(plan);
    return await outcomeOf(send(pool.open(sandbox.endpoint, programUser(sandbox, user), REGION).dynamodb));
  } finally {
    pool.destroy();
    await sandbox.stop();
  }
}
