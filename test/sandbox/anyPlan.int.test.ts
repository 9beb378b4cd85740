/**
 * Sandbox.apply on plans of programs the sandbox serves only in part: what it does not serve is listed as
 * not deployed (returned and logged), a principal with an AWS managed policy it holds no copy of is denied
 * what that policy might allow, and two tables of one name fail as DynamoDB's CreateTable does.
 * The programs are written for the test.
 */
import * as aws from "@pulumi/aws";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { synthesize } from "../../plan/synth";
import { Sandbox } from "../../sandbox";
import { ACCOUNT_ID } from "../support/accounts";
import { rejectionOf } from "../support/errors";
import { useClientPool } from "../support/sandbox";

const REGION = "eu-west-1";

describe("Sandbox.apply on a plan it serves in part", () => {
  let sandbox: Sandbox;
  const log: string[] = [];
  const pool = useClientPool();

  before(async () => {
    sandbox = await Sandbox.start({ log: (line) => log.push(line) });
  });

  after(() => sandbox.stop());

  it("lists what it does not deploy, and denies what an unknown managed policy might allow", async () => {
    const plan = await synthesize({
      stack: "partial",
      config: { "aws:region": REGION },
      program: async () => {
        const user = new aws.iam.User("worker", { name: "worker" });
        const key = new aws.iam.AccessKey("worker", { user: user.name });
        new aws.iam.UserPolicyAttachment("worker", {
          user: user.name,
          policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        });
        new aws.dynamodb.Table("items", {
          name: "items",
          attributes: [{ name: "id", type: "S" }],
          hashKey: "id",
        });
        new aws.sqs.Queue("jobs", { name: "jobs" });
        return { region: REGION, accessKeyId: key.id, secret: key.secret };
      },
    });
    const result = await sandbox.apply(plan);
    expect(result.notDeployed.map((entry) => entry.type)).to.deep.equal(["aws:sqs/queue:Queue"]);
    expect(result.unknownPolicies).to.deep.equal([
      {
        principal: `arn:aws:iam::${ACCOUNT_ID}:user/worker`,
        policies: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
      },
    ]);
    expect(log.join("\n")).to.match(
      /not deployed: urn:pulumi:partial::kms-dynamodb::aws:sqs\/queue:Queue::jobs: /,
    );
    const outputs = sandbox.programOutputs() as { accessKeyId: string; secret: string };
    const { dynamodb } = pool.open(
      sandbox.endpoint,
      { accessKeyId: outputs.accessKeyId, secretAccessKey: outputs.secret },
      REGION,
    );
    const error = await rejectionOf(
      dynamodb.send(new GetItemCommand({ TableName: "items", Key: { id: { S: "1" } } })),
    );
    expect(error.name).to.equal("AccessDeniedException");
  });

  it("fails two tables of one name as CreateTable does, changing nothing", async () => {
    const plan = await synthesize({
      stack: "partial",
      config: { "aws:region": REGION },
      previousState: sandbox.state(),
      program: async () => {
        for (const logical of ["a", "b"]) {
          new aws.dynamodb.Table(logical, {
            name: "same",
            attributes: [{ name: "id", type: "S" }],
            hashKey: "id",
          });
        }
        return { region: REGION };
      },
    });
    const error = await rejectionOf(sandbox.apply(plan));
    expect(error.message).to.match(/ResourceInUseException: Table already exists: same/);
    expect(sandbox.state().resources.some((resource) => resource.type === "aws:sqs/queue:Queue")).to.equal(
      true,
    );
  });
});
