/**
 * aws:UserAgent and aws:referer over real HTTP with AWS SDK v3 clients: the request's User-Agent and
 * Referer headers, each in the request context only when the request carries it. Expectations from:
 * - IAM User Guide, "AWS global condition context keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 *   aws:UserAgent "compare[s] the requester's client application with the application that you specify
 *   in your policy", aws:referer "who referred the request in the client browser"; for both,
 *   "Availability – This key is included in the request context only if the value was provided by the
 *   caller in an HTTP header"; a condition on a key the request lacks does not match (IAM User Guide,
 *   "IAM JSON policy elements: Condition operators": StringEquals on a missing key is false).
 * - IAM User Guide, "Forward access sessions"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html): names what a
 *   FAS request sets (aws:CalledVia*, aws:ViaAWSService), not its User-Agent or Referer, so in the KMS
 *   call DynamoDB makes for the caller the sandbox refuses a decision that depends on them.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { expect } from "chai";
import { ACCOUNT_ID, buildStackPlan, REGION } from "../../support/accessStacks";
import { outcomeOf, rejectionOf } from "../../support/errors";
import { resourceNamed, setInput } from "../../support/plan";
import { sandboxWithPlan, type Credentials } from "../../support/sandbox";

const PLAN = buildStackPlan({
  id: "ua",
  users: [{ access: "none", extras: ["allow-create-access-key"], withAccessKey: true }],
  keys: [{ rootStatement: true, keyUsers: [], viaDynamoDbOnly: false, deniedUsers: [], enabled: true }],
  // t0 AWS-owned, t1 on k0.
  tables: [undefined, 0],
});

const APP = "ua-app/1.0";
const REFERER = "https://app.example.com/";
const KEY_ARN = String(resourceNamed(PLAN, "aws:kms/key:Key", "ua-k0").outputs.arn);
{
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadFromTheApp",
        Effect: "Allow",
        Action: "dynamodb:GetItem",
        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/*`,
        Condition: { StringLike: { "aws:UserAgent": `*${APP}*` } },
      },
      {
        Sid: "WriteFromThePage",
        Effect: "Allow",
        Action: "dynamodb:PutItem",
        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/*`,
        Condition: { StringEquals: { "aws:referer": REFERER } },
      },
      {
        Sid: "KeyFromTheApp",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: KEY_ARN,
        Condition: { StringLike: { "aws:UserAgent": `*${APP}*` } },
      },
    ],
  });
  setInput(PLAN, "aws:iam/userPolicy:UserPolicy", "ua-u0", "policy", policy);
}
const USER = (PLAN.outputs.users as Record<string, Credentials>)["ua-u0"];

describe("sandbox: aws:UserAgent and aws:referer from the request's headers", function () {
  this.timeout(60_000);
  const deployed = sandboxWithPlan(PLAN);

  /** A client whose User-Agent names the app when `app`, and which sends `referer` as Referer. */
  function dynamodb(options: { app?: boolean; referer?: string } = {}): DynamoDBClient {
    const client = new DynamoDBClient({
      endpoint: deployed.sandbox.endpoint,
      region: REGION,
      credentials: USER,
      maxAttempts: 1,
      ...(options.app === true ? { customUserAgent: APP } : {}),
    });
    if (options.referer !== undefined) {
      const referer = options.referer;
      client.middlewareStack.add(
        (next) => (args) => {
          (args.request as { headers: Record<string, string> }).headers.referer = referer;
          return next(args);
        },
        { step: "build", name: "addReferer" },
      );
    }
    return deployed.track(client);
  }
  const outcome = (promise: Promise<unknown>) => outcomeOf(promise, { nameOnly: true });
  const getItem = (client: DynamoDBClient, table: string) =>
    outcome(client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "k" } } })));

  it("decides by aws:UserAgent: the app's client is allowed, another denied", async () => {
    expect(await getItem(dynamodb({ app: true }), "ua-t0")).to.equal("allowed");
    expect(await getItem(dynamodb(), "ua-t0")).to.equal("AccessDeniedException");
  });

  it("decides by aws:referer, absent from a request without a Referer header", async () => {
    const put = (client: DynamoDBClient) =>
      outcome(client.send(new PutItemCommand({ TableName: "ua-t0", Item: { pk: { S: "k" } } })));
    expect(await put(dynamodb({ referer: REFERER }))).to.equal("allowed");
    expect(await put(dynamodb({ referer: "https://elsewhere.example.com/" }))).to.equal(
      "AccessDeniedException",
    );
    expect(await put(dynamodb())).to.equal("AccessDeniedException");
  });

  it("decides a direct KMS call by aws:UserAgent", async () => {
    const kms = (app: boolean) => {
      const client = new KMSClient({
        endpoint: deployed.sandbox.endpoint,
        region: REGION,
        credentials: USER,
        maxAttempts: 1,
        ...(app ? { customUserAgent: APP } : {}),
      });
      return deployed.track(client);
    };
    expect(await outcome(kms(true).send(new DescribeKeyCommand({ KeyId: KEY_ARN })))).to.equal("allowed");
    expect(await outcome(kms(false).send(new DescribeKeyCommand({ KeyId: KEY_ARN })))).to.equal(
      "AccessDeniedException",
    );
  });

  it("refuses, naming the key, a decision on aws:UserAgent in the KMS call DynamoDB makes", async () => {
    const error = await rejectionOf(
      dynamodb({ app: true }).send(new GetItemCommand({ TableName: "ua-t1", Key: { pk: { S: "k" } } })),
    );
    expect(error.name).to.equal("NotModelledBySandboxException");
    expect(error.message).to.include("aws:UserAgent");
  });
});
