/**
 * Auto-naming as the Pulumi AWS provider does it at Check (Pulumi docs, "Resource names: autonaming"):
 * the logical name, `-` and 7 hex characters, within the type's length, shaped per type.
 */
import { expect } from "chai";
import { withAutoName } from "../../plan/autoName";

const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;

describe("withAutoName", () => {
  it("names an IAM role, a table and an inline policy from the logical name and a 7-character suffix", () => {
    for (const type of ["aws:iam/role:Role", "aws:dynamodb/table:Table", "aws:iam/rolePolicy:RolePolicy"]) {
      const named = withAutoName(type, "orders", "dev", urn(type, "orders"), {});
      expect(named.name).to.match(/^orders-[0-9a-f]{7}$/);
    }
  });

  it("is deterministic per stack and URN, and keeps a name given or recorded", () => {
    const type = "aws:iam/user:User";
    const once = withAutoName(type, "u", "dev", urn(type, "u"), {});
    expect(withAutoName(type, "u", "dev", urn(type, "u"), {})).to.deep.equal(once);
    expect(withAutoName(type, "u", "prod", urn(type, "u"), {}).name).to.not.equal(once.name);
    expect(withAutoName(type, "u", "dev", urn(type, "u"), { name: "alice" }).name).to.equal("alice");
    expect(withAutoName(type, "u", "dev", urn(type, "u"), {}, { name: "u-1234567" }).name).to.equal(
      "u-1234567",
    );
  });

  it("shapes names per type: alias/ for KMS aliases, lower case for buckets, .fifo for FIFO queues, prefixes left to the provider", () => {
    expect(withAutoName("aws:kms/alias:Alias", "key", "dev", "u1", {}).name).to.match(
      /^alias\/key-[0-9a-f]{7}$/,
    );
    expect(withAutoName("aws:s3/bucket:Bucket", "Assets", "dev", "u2", {}).bucket).to.match(
      /^assets-[0-9a-f]{7}$/,
    );
    expect(withAutoName("aws:sqs/queue:Queue", "jobs", "dev", "u3", { fifoQueue: true }).name).to.match(
      /^jobs-[0-9a-f]{7}\.fifo$/,
    );
    expect(withAutoName("aws:iam/role:Role", "r", "dev", "u4", { namePrefix: "app-" })).to.deep.equal({
      namePrefix: "app-",
    });
    expect(withAutoName("aws:lambda/function:Function", "f".repeat(80), "dev", "u5", {}).name).to.have.length(
      64,
    );
    expect(withAutoName("aws:sqs/queue:Queue", "q", "dev", "u6", {}).name).to.match(/^q-[0-9a-f]{7}$/);
    expect(withAutoName("aws:kms/key:Key", "k", "dev", "u7", {})).to.deep.equal({});
  });
});
