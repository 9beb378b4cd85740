import { expect } from "chai";
import { buildUrn, nameOfUrn, parseUrn } from "../../plan/urn";

describe("urn", () => {
  const child =
    "urn:pulumi:dev::kms-dynamodb::kms-dynamodb:kms:EncryptionKey$aws:kms/key:Key::kms-dynamodb-key";

  it("parses the stack, project, type chain, own type and name", () => {
    expect(parseUrn(child)).to.deep.equal({
      stack: "dev",
      project: "kms-dynamodb",
      qualifiedType: "kms-dynamodb:kms:EncryptionKey$aws:kms/key:Key",
      type: "aws:kms/key:Key",
      name: "kms-dynamodb-key",
    });
  });

  it("keeps a name that contains ::, and round-trips through buildUrn", () => {
    const urn = buildUrn("dev", "p", "aws:iam/user:User", "a::b");
    expect(parseUrn(urn)?.name).to.equal("a::b");
    expect(nameOfUrn(urn)).to.equal("a::b");
  });

  it("refuses what is not a URN, and names it as it is", () => {
    expect(parseUrn("arn:aws:iam::1:user/x")).to.equal(undefined);
    expect(parseUrn("urn:pulumi:dev::p")).to.equal(undefined);
    expect(nameOfUrn("not-a-urn")).to.equal("not-a-urn");
  });
});
