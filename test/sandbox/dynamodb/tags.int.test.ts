/**
 * ListTagsOfResource over real HTTP with the AWS SDK v3 client, against the plan's aws.dynamodb.Table
 * tags. Expectations from the DynamoDB API reference, ListTagsOfResource
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTagsOfResource.html: ResourceArn
 * "The Amazon DynamoDB resource with tags to be listed"; the answer's Tags, a list of Key and Value;
 * errors: ResourceNotFoundException) and the Developer Guide's "Tagging restrictions in DynamoDB"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Tagging.html: at most 50 tags per
 * resource, so one page holds them all). The IAM action is dynamodb:ListTagsOfResource on the table
 * (Service Authorization Reference, "Actions, resources, and condition keys for Amazon DynamoDB").
 */
import { ListTagsOfResourceCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { ACCOUNT_ID, buildStackPlan, REGION } from "../../support/accessStacks";
import { rejectionOf } from "../../support/errors";
import { resourceNamed, setInput } from "../../support/plan";
import { sandboxWithPlan, type Clients } from "../../support/sandbox";

const PLAN = buildStackPlan({
  id: "tg",
  users: [
    { access: "full", extras: [], withAccessKey: true },
    { access: "none", extras: [], withAccessKey: true },
  ],
  keys: [],
  tables: [undefined, undefined],
});
// t0 as deployed: tagsAll holds the program's tags and the provider's default tags. t1 has none.
setInput(PLAN, "aws:dynamodb/table:Table", "tg-t0", "tagsAll", { env: "prod", team: "data" });
const USERS = PLAN.outputs.users as Record<string, { accessKeyId: string; secretAccessKey: string }>;
const arnOf = (name: string) => String(resourceNamed(PLAN, "aws:dynamodb/table:Table", name).outputs.arn);

describe("sandbox: DynamoDB ListTagsOfResource", function () {
  this.timeout(60_000);
  const { as } = sandboxWithPlan(PLAN);
  let full: Clients;
  let none: Clients;

  before(() => {
    full = as(USERS["tg-u0"]);
    none = as(USERS["tg-u1"]);
  });

  it("lists the table's deployed tags (tagsAll) in one page", async () => {
    const answer = await full.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arnOf("tg-t0") }));
    expect(answer.Tags).to.have.deep.members([
      { Key: "env", Value: "prod" },
      { Key: "team", Value: "data" },
    ]);
    expect(answer.NextToken).to.equal(undefined);
  });

  it("lists no tags for a table without any", async () => {
    const answer = await full.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arnOf("tg-t1") }));
    expect(answer.Tags).to.deep.equal([]);
  });

  it("answers ResourceNotFoundException for an ARN that names no table of the stack", async () => {
    const error = await rejectionOf(
      full.dynamodb.send(
        new ListTagsOfResourceCommand({
          ResourceArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/no-such-table`,
        }),
      ),
    );
    expect(error.name).to.equal("ResourceNotFoundException");
  });

  it("refuses a caller whose policies do not allow dynamodb:ListTagsOfResource on the table", async () => {
    const error = await rejectionOf(
      none.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arnOf("tg-t0") })),
    );
    expect(error.name).to.equal("AccessDeniedException");
    expect(error.message).to.contain("dynamodb:ListTagsOfResource").and.contain(arnOf("tg-t0"));
  });

  it("refuses a NextToken, which it never gives, as not modelled rather than ignoring it", async () => {
    const error = await rejectionOf(
      full.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arnOf("tg-t0"), NextToken: "abc" })),
    );
    expect(error.name).to.equal("NotModelledBySandboxException");
    expect(error.message).to.contain("NextToken");
  });
});
