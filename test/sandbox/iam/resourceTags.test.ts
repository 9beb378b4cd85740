/**
 * Which tags a resource ARN carries into aws:ResourceTag (sandbox/iam/resourceTags.ts):
 * - DynamoDB Developer Guide, "Using attribute-based access control with DynamoDB"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/attribute-based-access-control.html):
 *   "The indexes associated with a table inherit the tags you add to the table"; a stream is tagged on
 *   its own ("Using ABAC with DynamoDB Streams"), which no plan says: unknown.
 * - KMS Developer Guide, "Tags in AWS KMS"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html): "You cannot tag aliases".
 */
import { expect } from "chai";
import { NOT_SET } from "../../../sandbox/iam/conditionKeys";
import { ABSENT, UNKNOWN } from "../../../sandbox/iam/evaluation";
import { ResourceLayer } from "../../../sandbox/iam/layeredContext";
import { tagsOfResource, type ResourceTags } from "../../../sandbox/iam/resourceTags";

const TABLE = "arn:aws:dynamodb:us-east-1:111122223333:table/orders";
const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE = "arn:aws:iam::111122223333:role/app";

describe("sandbox/iam resource tags", () => {
  const source = {
    tagsOf: (arn: string) =>
      arn === TABLE ? { env: "prod" } : arn === KEY ? ("unknown" as const) : undefined,
  };
  const principals = (arn: string) => (arn === ROLE ? { team: "blue" } : undefined);

  it("gives a table's index the table's tags, and a stream unknown tags", () => {
    expect(tagsOfResource(TABLE, source, principals)).to.deep.equal({ env: "prod" });
    expect(tagsOfResource(`${TABLE}/index/byDate`, source, principals)).to.deep.equal({ env: "prod" });
    expect(tagsOfResource(`${TABLE}/stream/2026-01-01T00:00:00.000`, source, principals)).to.equal("unknown");
  });

  it("reads a key's tags from the source, none for an alias, a role's from the principals", () => {
    expect(tagsOfResource(KEY, source, principals)).to.equal("unknown");
    expect(tagsOfResource("arn:aws:kms:us-east-1:111122223333:alias/app", source, principals)).to.deep.equal(
      {},
    );
    expect(tagsOfResource(ROLE, source, principals)).to.deep.equal({ team: "blue" });
    expect(tagsOfResource("arn:aws:iam::111122223333:role/other", source, principals)).to.equal("unknown");
    expect(tagsOfResource("*", source, principals)).to.deep.equal({});
  });

  /** The keys of a request's resource layer (sandbox/iam/layeredContext.ts) on a resource of these tags. */
  const layer = (resourceArn: string, tags: ResourceTags) =>
    new ResourceLayer({
      resourceArn,
      resourceAccount: "111122223333",
      principalAccount: "111122223333",
      region: () => "us-east-1",
      tags: () => tags,
      organizationTree: undefined,
      caller: NOT_SET,
    });

  it("puts iam:ResourceTag beside aws:ResourceTag for IAM resources only, a tag the resource lacks absent", () => {
    const role = layer(ROLE, { team: "blue" });
    expect(role.get("aws:resourcetag/team")).to.equal("blue");
    expect(role.get("iam:resourcetag/team")).to.equal("blue");
    expect(role.get("aws:resourcetag/other")).to.equal(ABSENT);
    const table = layer(TABLE, { Env: "prod" });
    // Condition key names are case-insensitive (IAM User Guide, "IAM JSON policy elements: Condition").
    expect(table.get("aws:resourcetag/env")).to.equal("prod");
    expect(table.get("iam:resourcetag/env")).to.equal(ABSENT);
  });

  it("leaves every tag of a resource of unknown tags unknown, and iam:ResourceTag to IAM resources", () => {
    const table = layer(TABLE, "unknown");
    expect(table.get("aws:resourcetag/env")).to.equal(UNKNOWN);
    // Service Authorization Reference: iam:ResourceTag is a key of IAM's resources (a role), not a table's.
    expect(table.get("iam:resourcetag/env")).to.equal(ABSENT);
    expect(layer(ROLE, "unknown").get("iam:resourcetag/team")).to.equal(UNKNOWN);
  });

  it("reads a resource's tags only when a tag key is read, and once", () => {
    let reads = 0;
    const counted = new ResourceLayer({
      resourceArn: TABLE,
      resourceAccount: "111122223333",
      principalAccount: "111122223333",
      region: () => "us-east-1",
      tags: () => {
        reads++;
        return { env: "prod" };
      },
      organizationTree: undefined,
      caller: NOT_SET,
    });
    expect(counted.get("aws:resourceaccount")).to.equal("111122223333");
    expect(reads).to.equal(0);
    counted.get("aws:resourcetag/env");
    counted.get("aws:resourcetag/team");
    expect(reads).to.equal(1);
  });
});
