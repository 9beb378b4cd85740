import { expect } from "chai";
import { classifyKeyReference } from "../../../policy-pack/lib/keys";
import { ACCOUNT_ID } from "../../support/accounts";

describe("policy-pack KMS key references", () => {
  it("recognises customer-managed keys in the four forms DynamoDB accepts", () => {
    expect(classifyKeyReference("1234abcd-12ab-34cd-56ef-1234567890ab")).to.deep.equal({
      kind: "customer",
      form: "key id",
    });
    expect(classifyKeyReference("mrk-1234abcd12ab34cd56ef1234567890ab")).to.deep.equal({
      kind: "customer",
      form: "key id",
    });
    expect(
      classifyKeyReference(`arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
    ).to.deep.equal({
      kind: "customer",
      form: "key ARN",
    });
    expect(
      classifyKeyReference(
        `arn:aws-us-gov:kms:us-gov-west-1:${ACCOUNT_ID}:key/mrk-1234abcd12ab34cd56ef1234567890ab`,
      ),
    ).to.deep.equal({
      kind: "customer",
      form: "key ARN",
    });
    expect(classifyKeyReference("alias/orders")).to.deep.equal({ kind: "customer", form: "alias name" });
    expect(classifyKeyReference(`arn:aws:kms:eu-west-1:${ACCOUNT_ID}:alias/team/orders`)).to.deep.equal({
      kind: "customer",
      form: "alias ARN",
    });
  });

  it("recognises AWS managed keys by alias name and alias ARN", () => {
    expect(classifyKeyReference("alias/aws/dynamodb")).to.deep.equal({
      kind: "aws-managed",
      form: "alias name",
      alias: "alias/aws/dynamodb",
    });
    expect(classifyKeyReference(`arn:aws:kms:us-east-1:${ACCOUNT_ID}:alias/aws/dynamodb`)).to.deep.equal({
      kind: "aws-managed",
      form: "alias ARN",
      alias: "alias/aws/dynamodb",
    });
    expect(classifyKeyReference("alias/aws/s3")).to.deep.equal({
      kind: "aws-managed",
      form: "alias name",
      alias: "alias/aws/s3",
    });
  });

  it("does not take look-alikes for keys", () => {
    for (const text of [
      "",
      "alias/",
      "key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "arn:aws:kms:us-east-1:1111:key/x",
      "arn:aws:s3:::bucket",
      "alias/aws dynamodb",
    ]) {
      expect(classifyKeyReference(text), text).to.deep.equal({ kind: "malformed" });
    }
    // An alias merely starting with "aws" is a customer alias: AWS reserves the "aws/" prefix only.
    expect(classifyKeyReference("alias/awsome")).to.deep.equal({ kind: "customer", form: "alias name" });
  });
});
