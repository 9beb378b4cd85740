import { expect } from "chai";
import { AwsMocks, DEFAULT_DEPLOYER, partitionOf } from "../../plan/mocks";
import { ACCOUNT_ID } from "../support/accounts";

describe("AwsMocks", () => {
  const mocks = new AwsMocks({ stack: "dev", region: "eu-west-1" });
  const create = (type: string, name: string, inputs: Record<string, unknown> = {}) =>
    mocks.newResource({ type, name, urn: `urn:pulumi:dev::p::${type}::${name}`, inputs });

  it("answers the caller identity, region and partition invokes", () => {
    expect(mocks.call("aws:index/getCallerIdentity:getCallerIdentity", {})).to.include(DEFAULT_DEPLOYER);
    expect(mocks.call("aws:index/getRegion:getRegion", {})).to.include({ name: "eu-west-1" });
    expect(mocks.call("aws:index/getPartition:getPartition", {})).to.include({ partition: "aws" });
    expect(partitionOf("cn-north-1").partition).to.equal("aws-cn");
    expect(partitionOf("us-gov-west-1").partition).to.equal("aws-us-gov");
  });

  it("refuses an invoke it does not model, naming the token", () => {
    expect(() => mocks.call("aws:ec2/getVpc:getVpc", {})).to.throw(
      "no mock for invoke aws:ec2/getVpc:getVpc",
    );
  });

  it("gives KMS keys UUID ids and key ARNs", () => {
    const { id, outputs } = create("aws:kms/key:Key", "k");
    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(outputs.arn).to.equal(`arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/${id}`);
  });

  it("gives tables, users and aliases ARNs in AWS's formats", () => {
    expect(create("aws:dynamodb/table:Table", "t", { name: "orders" }).outputs.arn).to.equal(
      `arn:aws:dynamodb:eu-west-1:${ACCOUNT_ID}:table/orders`,
    );
    expect(create("aws:iam/user:User", "u", { name: "bob" }).outputs.arn).to.equal(
      `arn:aws:iam::${ACCOUNT_ID}:user/bob`,
    );
    expect(create("aws:iam/user:User", "u2", { name: "eve", path: "/team/" }).outputs.arn).to.equal(
      `arn:aws:iam::${ACCOUNT_ID}:user/team/eve`,
    );
    expect(create("aws:kms/alias:Alias", "a", { name: "alias/x", targetKeyId: "k" }).outputs.arn).to.equal(
      `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:alias/x`,
    );
  });

  it("gives access keys a 20-character id and a fresh 40-character secret", () => {
    const first = create("aws:iam/accessKey:AccessKey", "k", { user: "bob" });
    const second = create("aws:iam/accessKey:AccessKey", "k", { user: "bob" });
    expect(first.id).to.match(/^AKIA[A-Z2-7]{16}$/);
    expect(first.id).to.equal(second.id);
    expect(first.outputs.secret).to.match(/^[A-Za-z0-9+/]{40}$/);
    expect(first.outputs.secret).to.not.equal(second.outputs.secret);
  });

  it("derives ids from the stack, so two stacks do not collide", () => {
    const other = new AwsMocks({ stack: "prod", region: "eu-west-1" });
    const urn = "urn:pulumi:x::p::aws:kms/key:Key::k";
    expect(other.newResource({ type: "aws:kms/key:Key", name: "k", urn, inputs: {} }).id).to.not.equal(
      mocks.newResource({ type: "aws:kms/key:Key", name: "k", urn, inputs: {} }).id,
    );
  });
});
