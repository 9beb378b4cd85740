import { expect } from "chai";
import { wildcardMatches } from "../../../policy-pack/lib/documents";
import { checkAllowedKey } from "../../../policy-pack/lib/keys";
import { ACCOUNT_ID, OTHER_ACCOUNT_ID } from "../../support/accounts";

// IAM User Guide, "IAM JSON policy elements: Action": action names are case-insensitive, and `*` and
// `?` are wildcards (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
describe("policy-pack wildcard patterns, compiled once per pattern", () => {
  it("matches the same pattern against different actions, each on its own", () => {
    expect(wildcardMatches("kms:ReEncrypt*", "kms:ReEncryptFrom")).to.equal(true);
    expect(wildcardMatches("kms:ReEncrypt*", "kms:Decrypt")).to.equal(false);
    expect(wildcardMatches("kms:ReEncrypt*", "KMS:reencryptto")).to.equal(true);
    expect(wildcardMatches("kms:De?rypt", "kms:Decrypt")).to.equal(true);
    expect(wildcardMatches("kms:De?rypt", "kms:Deccrypt")).to.equal(false);
    // The same pattern again after other values: no state carried from one test to the next.
    expect(wildcardMatches("kms:ReEncrypt*", "kms:ReEncryptFrom")).to.equal(true);
  });

  it("takes regular-expression characters of a pattern literally", () => {
    expect(wildcardMatches("kms:Decrypt.", "kms:Decrypt.")).to.equal(true);
    expect(wildcardMatches("kms:Decrypt.", "kms:DecryptX")).to.equal(false);
    expect(wildcardMatches("kms:(Decrypt)", "kms:(Decrypt)")).to.equal(true);
    expect(wildcardMatches("kms:[D]ecrypt", "kms:Decrypt")).to.equal(false);
  });

  it("still answers right once more distinct patterns were seen than it keeps compiled", () => {
    for (let i = 0; i < 1500; i++) {
      expect(wildcardMatches(`dynamodb:Action${i}*`, `dynamodb:Action${i}Suffix`)).to.equal(true);
      expect(wildcardMatches(`dynamodb:Action${i}*`, `dynamodb:Other${i}`)).to.equal(false);
    }
    expect(wildcardMatches("dynamodb:Action0*", "dynamodb:Action0")).to.equal(true);
    expect(wildcardMatches("dynamodb:Action0*", "dynamodb:Action1")).to.equal(false);
  });
});

describe("policy-pack allowedKeyPattern, compiled once per pattern", () => {
  const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  it("follows a pattern that changes between analyses (Configure sets a new one)", () => {
    const config = (allowedKeyPattern: string) => ({ allowedKeys: [], allowedKeyPattern });
    expect(checkAllowedKey(keyArn, config(`:${ACCOUNT_ID}:key/`))).to.equal(undefined);
    expect(checkAllowedKey(keyArn, config(`:${OTHER_ACCOUNT_ID}:key/`))).to.contain(
      `is not a match for allowedKeyPattern /:${OTHER_ACCOUNT_ID}:key//`,
    );
    expect(checkAllowedKey(keyArn, config(`:${ACCOUNT_ID}:key/`))).to.equal(undefined);
  });

  it("refuses an invalid pattern every time, not only the first", () => {
    const invalid = { allowedKeys: [], allowedKeyPattern: "([" };
    for (let i = 0; i < 2; i++) {
      expect(() => checkAllowedKey(keyArn, invalid)).to.throw(
        'policy config allowedKeyPattern: "([" is not a valid regular expression',
      );
    }
  });
});
