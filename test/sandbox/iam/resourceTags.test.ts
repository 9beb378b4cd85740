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
import { resourceTagKeys, tagsOfResource, withResourceTagsNotSet } from "../../../sandbox/iam/resourceTags";

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

  it("puts iam:ResourceTag beside aws:ResourceTag for IAM resources only", () => {
    expect(resourceTagKeys(ROLE, { team: "blue" })).to.deep.equal({
      "aws:ResourceTag/team": "blue",
      "iam:ResourceTag/team": "blue",
    });
    expect(resourceTagKeys(TABLE, { env: "prod" })).to.deep.equal({ "aws:ResourceTag/env": "prod" });
    expect(resourceTagKeys(KEY, "unknown")).to.deep.equal({});
  });

  it("leaves every tag of a resource of unknown tags unknown, and iam:ResourceTag to IAM resources", () => {
    const table = withResourceTagsNotSet(NOT_SET, TABLE, UNKNOWN);
    expect(table.get("aws:resourcetag/env")).to.equal(UNKNOWN);
    // Service Authorization Reference: iam:ResourceTag is a key of IAM's resources (a role), not a table's.
    expect(table.get("iam:resourcetag/env")).to.equal(ABSENT);
    const role = withResourceTagsNotSet(NOT_SET, ROLE, UNKNOWN);
    expect(role.get("iam:resourcetag/team")).to.equal(UNKNOWN);
    expect(withResourceTagsNotSet(NOT_SET, ROLE, ABSENT).get("aws:resourcetag/team")).to.equal(ABSENT);
  });
});
