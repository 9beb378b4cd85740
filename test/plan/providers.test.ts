/**
 * Other providers' outputs in a full plan: random's results by their inputs (pulumi-random / the
 * Terraform random provider's documented arguments) and tls private keys in the documented forms.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { expect } from "chai";
import { providerOutputs } from "../../plan/providers";

const urn = (type: string) => `urn:pulumi:dev::p::${type}::x`;

describe("providerOutputs", () => {
  it("draws a RandomString from the character classes its inputs allow, the same for the same URN", () => {
    const type = "random:index/randomString:RandomString";
    const out = providerOutputs(type, "dev", urn(type), {
      length: 12,
      special: false,
      upper: false,
      minNumeric: 3,
    })!;
    expect(out.result).to.match(/^[a-z0-9]{12}$/);
    expect((out.result as string).replace(/[^0-9]/g, "").length).to.be.at.least(3);
    expect(
      providerOutputs(type, "dev", urn(type), { length: 12, special: false, upper: false, minNumeric: 3 }),
    ).to.deep.equal(out);
    expect(out.id).to.equal(out.result);
  });

  it("gives RandomId its encodings, RandomInteger a value in range and RandomPet words", () => {
    const id = providerOutputs("random:index/randomId:RandomId", "dev", "u", { byteLength: 4 })!;
    expect(id.hex).to.match(/^[0-9a-f]{8}$/);
    expect(Buffer.from(id.b64Std as string, "base64").toString("hex")).to.equal(id.hex);
    expect(BigInt(`0x${id.hex}`).toString()).to.equal(id.dec);
    const integer = providerOutputs("random:index/randomInteger:RandomInteger", "dev", "u", {
      min: 5,
      max: 7,
    })!;
    expect(integer.result).to.be.within(5, 7);
    expect(providerOutputs("random:index/randomPet:RandomPet", "dev", "u", { length: 3 })!.id).to.match(
      /^\w+-\w+-\w+$/,
    );
  });

  it("makes tls private keys that parse, with their public forms", () => {
    for (const inputs of [{ algorithm: "ED25519" }, { algorithm: "ECDSA", ecdsaCurve: "P384" }]) {
      const out = providerOutputs("tls:index/privateKey:PrivateKey", "dev", "u", inputs)!;
      const key = createPrivateKey(out.privateKeyPemPkcs8 as string);
      expect(createPublicKey(key).export({ format: "pem", type: "spki" })).to.equal(out.publicKeyPem);
      expect(out.publicKeyOpenssh).to.match(/^(ssh-ed25519|ecdsa-sha2-nistp384) [A-Za-z0-9+/=]+\n$/);
      expect(out.publicKeyFingerprintSha256).to.match(/^SHA256:[A-Za-z0-9+/]+$/);
    }
  });

  it("models no other provider", () => {
    expect(providerOutputs("command:local:Command", "dev", "u", { create: "true" })).to.equal(undefined);
  });
});
