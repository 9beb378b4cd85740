/**
 * The sandbox's KMS operations with real AES-256-GCM and real policy evaluation, called as the server
 * calls them after SigV4: operation name, parsed JSON 1.1 body, authenticated caller.
 */
import { expect } from "chai";
import { AwsError } from "../../../sandbox/errors";
import { KmsService } from "../../../sandbox/kms";
import {
  ACCOUNT_ID,
  APP_USER,
  DEPLOYER,
  IAM_KEY_USER,
  KEY_ARN,
  KEY_ID,
  KMS_TEST_USER,
  REGION,
  keyPolicy,
  seedAuthorizer,
} from "../../support/seedAuthorizer";
import { GrantStore } from "../../../sandbox/kms/grants";
import { KeyRegistry } from "../../../sandbox/kms/keyRegistry";
import { rejectionOf } from "../../support/errors";

const ALIAS = "alias/app-data";
const ALIAS_ARN = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:${ALIAS}`;

function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function newService(options: { state?: "Enabled" | "Disabled" | "PendingDeletion" } = {}): KmsService {
  const keys = new KeyRegistry();
  const grants = new GrantStore();
  const kms = new KmsService(seedAuthorizer({}, keys, grants), keys, grants);
  kms.putKey({
    arn: KEY_ARN,
    policy: JSON.stringify(keyPolicy([APP_USER])),
    description: "app data key",
    state: options.state,
  });
  kms.putAlias(ALIAS, KEY_ARN);
  return kms;
}

const failure = (promise: Promise<unknown>): Promise<AwsError> => rejectionOf(promise, AwsError);

const as = (arn: string) => ({ arn, region: REGION });

describe("sandbox/kms KmsService", () => {
  it("encrypts and decrypts, finding the key from the ciphertext blob", async () => {
    const kms = newService();
    const encrypted = await kms.handle(
      "Encrypt",
      { KeyId: KEY_ID, Plaintext: b64("secret") },
      as(IAM_KEY_USER),
    );
    expect(encrypted).to.include({ KeyId: KEY_ARN, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
    expect(encrypted.CiphertextBlob).to.be.a("string").and.not.contain(b64("secret"));
    const decrypted = await kms.handle(
      "Decrypt",
      { CiphertextBlob: encrypted.CiphertextBlob },
      as(IAM_KEY_USER),
    );
    expect(decrypted).to.deep.equal({
      KeyId: KEY_ARN,
      Plaintext: b64("secret"),
      EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
    });
  });

  it("accepts a key id, key ARN, alias name and alias ARN as KeyId", async () => {
    const kms = newService();
    for (const keyId of [KEY_ID, KEY_ARN, ALIAS, ALIAS_ARN]) {
      const described = await kms.handle("DescribeKey", { KeyId: keyId }, as(IAM_KEY_USER));
      expect((described.KeyMetadata as { Arn: string }).Arn, keyId).to.equal(KEY_ARN);
    }
  });

  it("binds the encryption context: Decrypt with another context is InvalidCiphertextException", async () => {
    const kms = newService();
    const context = { "aws:dynamodb:tableName": "app-data", purpose: "test" };
    const { CiphertextBlob } = await kms.handle(
      "Encrypt",
      { KeyId: ALIAS, Plaintext: b64("x"), EncryptionContext: context },
      as(IAM_KEY_USER),
    );
    const reordered = { purpose: "test", "aws:dynamodb:tableName": "app-data" };
    const decrypted = await kms.handle(
      "Decrypt",
      { CiphertextBlob, EncryptionContext: reordered },
      as(IAM_KEY_USER),
    );
    expect(decrypted.Plaintext).to.equal(b64("x"));
    for (const wrong of [{}, { ...context, purpose: "other" }, { ...context, extra: "1" }]) {
      const error = await failure(
        kms.handle("Decrypt", { CiphertextBlob, EncryptionContext: wrong }, as(IAM_KEY_USER)),
      );
      expect(error.code).to.equal("InvalidCiphertextException");
    }
  });

  it("refuses a tampered or foreign ciphertext with InvalidCiphertextException", async () => {
    const kms = newService();
    const { CiphertextBlob } = await kms.handle(
      "Encrypt",
      { KeyId: KEY_ARN, Plaintext: b64("abc") },
      as(IAM_KEY_USER),
    );
    const bytes = Buffer.from(CiphertextBlob as string, "base64");
    bytes[bytes.length - 1] ^= 1;
    const tampered = await failure(
      kms.handle("Decrypt", { CiphertextBlob: bytes.toString("base64") }, as(IAM_KEY_USER)),
    );
    expect(tampered.code).to.equal("InvalidCiphertextException");
    const foreign = await failure(
      kms.handle("Decrypt", { CiphertextBlob: b64("not a blob at all") }, as(IAM_KEY_USER)),
    );
    expect(foreign.code).to.equal("InvalidCiphertextException");
  });

  it("checks a Decrypt KeyId against the key of the blob", async () => {
    const kms = newService();
    const other = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/99999999-0000-0000-0000-000000000000`;
    kms.putKey({ arn: other, policy: JSON.stringify(keyPolicy([APP_USER])) });
    const { CiphertextBlob } = await kms.handle(
      "Encrypt",
      { KeyId: KEY_ARN, Plaintext: b64("abc") },
      as(IAM_KEY_USER),
    );
    expect(
      (await kms.handle("Decrypt", { CiphertextBlob, KeyId: ALIAS }, as(IAM_KEY_USER))).Plaintext,
    ).to.equal(b64("abc"));
    const error = await failure(kms.handle("Decrypt", { CiphertextBlob, KeyId: other }, as(IAM_KEY_USER)));
    expect(error.code).to.equal("IncorrectKeyException");
  });

  it("refuses the key user direct use (its key policy statement requires kms:ViaService DynamoDB)", async () => {
    const kms = newService();
    const error = await failure(kms.handle("Encrypt", { KeyId: KEY_ARN, Plaintext: b64("x") }, as(APP_USER)));
    expect(error.code).to.equal("AccessDeniedException");
    expect(error.message).to.equal(
      `User: ${APP_USER} is not authorized to perform: kms:Encrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Encrypt action`,
    );
  });

  it("refuses kms-test-user Decrypt but lets it DescribeKey (AmazonDynamoDBFullAccess has kms:DescribeKey)", async () => {
    const kms = newService();
    const { CiphertextBlob } = await kms.handle(
      "Encrypt",
      { KeyId: KEY_ARN, Plaintext: b64("x") },
      as(IAM_KEY_USER),
    );
    expect((await failure(kms.handle("Decrypt", { CiphertextBlob }, as(KMS_TEST_USER)))).code).to.equal(
      "AccessDeniedException",
    );
    const described = await kms.handle("DescribeKey", { KeyId: ALIAS }, as(KMS_TEST_USER));
    expect(described.KeyMetadata).to.include({
      AWSAccountId: ACCOUNT_ID,
      KeyId: KEY_ID,
      Arn: KEY_ARN,
      Enabled: true,
      KeyState: "Enabled",
      Description: "app data key",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeyManager: "CUSTOMER",
    });
  });

  it("generates data keys of the asked size whose ciphertext decrypts to the plaintext", async () => {
    const kms = newService();
    for (const [request, bytes] of [
      [{ KeySpec: "AES_256" }, 32],
      [{ KeySpec: "AES_128" }, 16],
      [{ NumberOfBytes: 64 }, 64],
    ] as const) {
      const generated = await kms.handle("GenerateDataKey", { KeyId: KEY_ARN, ...request }, as(IAM_KEY_USER));
      expect(Buffer.from(generated.Plaintext as string, "base64")).to.have.length(bytes);
      const decrypted = await kms.handle(
        "Decrypt",
        { CiphertextBlob: generated.CiphertextBlob },
        as(IAM_KEY_USER),
      );
      expect(decrypted.Plaintext).to.equal(generated.Plaintext);
    }
    const neither = await failure(kms.handle("GenerateDataKey", { KeyId: KEY_ARN }, as(IAM_KEY_USER)));
    expect(neither).to.include({
      code: "ValidationException",
      message: "Please specify either number of bytes or key spec.",
    });
    const badSpec = await failure(
      kms.handle("GenerateDataKey", { KeyId: KEY_ARN, KeySpec: "AES_512" }, as(IAM_KEY_USER)),
    );
    expect(badSpec.message).to.contain("'AES_512' at 'keySpec'");
  });

  it("returns the key policy text as deployed", async () => {
    const kms = newService();
    const policy = await kms.handle("GetKeyPolicy", { KeyId: KEY_ARN, PolicyName: "default" }, as(DEPLOYER));
    expect(policy).to.deep.equal({ Policy: JSON.stringify(keyPolicy([APP_USER])), PolicyName: "default" });
    expect((await failure(kms.handle("GetKeyPolicy", { KeyId: KEY_ARN }, as(KMS_TEST_USER)))).code).to.equal(
      "AccessDeniedException",
    );
    // GetKeyPolicy takes a key id or key ARN only, never an alias.
    for (const alias of [ALIAS, ALIAS_ARN]) {
      const error = await failure(kms.handle("GetKeyPolicy", { KeyId: alias }, as(DEPLOYER)));
      expect(error).to.include({ code: "NotFoundException", message: `Invalid keyId ${alias}` });
    }
    expect((await kms.handle("GetKeyPolicy", { KeyId: KEY_ID }, as(DEPLOYER))).PolicyName).to.equal(
      "default",
    );
  });

  it("answers NotFoundException for unknown keys and aliases, naming them", async () => {
    const kms = newService();
    const missingKey = await failure(
      kms.handle("DescribeKey", { KeyId: "00000000-0000-0000-0000-000000000000" }, as(DEPLOYER)),
    );
    expect(missingKey).to.include({
      code: "NotFoundException",
      message: `Key 'arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/00000000-0000-0000-0000-000000000000' does not exist`,
    });
    const missingAlias = await failure(
      kms.handle("Encrypt", { KeyId: "alias/nope", Plaintext: b64("x") }, as(DEPLOYER)),
    );
    expect(missingAlias).to.include({
      code: "NotFoundException",
      message: `Alias arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/nope is not found.`,
    });
  });

  it("answers DisabledException and KMSInvalidStateException for a key that cannot be used", async () => {
    const disabled = newService({ state: "Disabled" });
    const error = await failure(
      disabled.handle("Encrypt", { KeyId: KEY_ARN, Plaintext: b64("x") }, as(IAM_KEY_USER)),
    );
    expect(error).to.include({ code: "DisabledException", message: `${KEY_ARN} is disabled.` });
    const described = await disabled.handle("DescribeKey", { KeyId: KEY_ARN }, as(IAM_KEY_USER));
    expect(described.KeyMetadata).to.include({ Enabled: false, KeyState: "Disabled" });

    const pending = newService({ state: "PendingDeletion" });
    const pendingError = await failure(
      pending.handle("GenerateDataKey", { KeyId: KEY_ARN, KeySpec: "AES_256" }, as(IAM_KEY_USER)),
    );
    expect(pendingError.code).to.equal("KMSInvalidStateException");
    const metadata = (await pending.handle("DescribeKey", { KeyId: KEY_ARN }, as(IAM_KEY_USER)))
      .KeyMetadata as Record<string, unknown>;
    expect(metadata).to.include({ KeyState: "PendingDeletion", PendingDeletionWindowInDays: 30 });
    expect(metadata.DeletionDate).to.be.a("number");
    await new Promise((resolve) => setTimeout(resolve, 5)); // so a recomputed date would differ
    pending.putKey({ arn: KEY_ARN, policy: JSON.stringify(keyPolicy([APP_USER])), state: "PendingDeletion" });
    const again = (await pending.handle("DescribeKey", { KeyId: KEY_ARN }, as(IAM_KEY_USER)))
      .KeyMetadata as Record<string, unknown>;
    expect(again.DeletionDate).to.equal(metadata.DeletionDate);
  });

  it("validates requests with KMS's error codes", async () => {
    const kms = newService();
    const missing = await failure(kms.handle("Encrypt", { Plaintext: b64("x") }, as(IAM_KEY_USER)));
    expect(missing).to.include({
      code: "ValidationException",
      message:
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });
    const tooBig = await failure(
      kms.handle(
        "Encrypt",
        { KeyId: KEY_ARN, Plaintext: Buffer.alloc(4097).toString("base64") },
        as(IAM_KEY_USER),
      ),
    );
    expect(tooBig.code).to.equal("ValidationException");
    const notBase64 = await failure(
      kms.handle("Encrypt", { KeyId: KEY_ARN, Plaintext: "***" }, as(IAM_KEY_USER)),
    );
    expect(notBase64.code).to.equal("SerializationException");
    const algorithm = await failure(
      kms.handle(
        "Encrypt",
        { KeyId: KEY_ARN, Plaintext: b64("x"), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" },
        as(IAM_KEY_USER),
      ),
    );
    expect(algorithm.code).to.equal("InvalidKeyUsageException");
    const notAMap = await failure(
      kms.handle(
        "Encrypt",
        { KeyId: KEY_ARN, Plaintext: b64("x"), EncryptionContext: { a: 1 } },
        as(IAM_KEY_USER),
      ),
    );
    expect(notAMap.message).to.contain("EncryptionContext.a");
    expect((await failure(kms.handle("Encrypt", [], as(IAM_KEY_USER)))).code).to.equal(
      "SerializationException",
    );
    expect((await failure(kms.handle("CreateKey", {}, as(DEPLOYER)))).code).to.equal(
      "UnknownOperationException",
    );
  });

  it("exports key material and imports it into a new service, where old ciphertexts still decrypt", async () => {
    const first = newService();
    const { CiphertextBlob } = await first.handle(
      "Encrypt",
      { KeyId: KEY_ARN, Plaintext: b64("kept") },
      as(IAM_KEY_USER),
    );
    const saved = JSON.parse(JSON.stringify(first.exportKeyMaterial())) as ReturnType<
      KmsService["exportKeyMaterial"]
    >;

    const keys = new KeyRegistry();
    const grants = new GrantStore();
    const restarted = new KmsService(seedAuthorizer({}, keys, grants), keys, grants);
    restarted.importKeyMaterial(saved);
    restarted.putKey({ arn: KEY_ARN, policy: JSON.stringify(keyPolicy([APP_USER])) });
    expect((await restarted.handle("Decrypt", { CiphertextBlob }, as(IAM_KEY_USER))).Plaintext).to.equal(
      b64("kept"),
    );
    expect(restarted.exportKeyMaterial()).to.deep.equal(saved);

    const fresh = newService();
    expect((await failure(fresh.handle("Decrypt", { CiphertextBlob }, as(IAM_KEY_USER)))).code).to.equal(
      "InvalidCiphertextException",
    );
    expect(() => fresh.importKeyMaterial([{ ...saved[0], material: "AAAA" }])).to.throw(
      /3 bytes, expected 32/,
    );
  });

  it("refuses a ciphertext whose key was deleted as KMS does, and forgets a deleted alias", async () => {
    const kms = newService();
    const { CiphertextBlob } = await kms.handle(
      "Encrypt",
      { KeyId: KEY_ARN, Plaintext: b64("x") },
      as(IAM_KEY_USER),
    );
    kms.deleteAlias(ALIAS_ARN);
    expect((await failure(kms.handle("DescribeKey", { KeyId: ALIAS }, as(IAM_KEY_USER)))).code).to.equal(
      "NotFoundException",
    );
    kms.deleteKey(KEY_ARN);
    const error = await failure(kms.handle("Decrypt", { CiphertextBlob }, as(IAM_KEY_USER)));
    expect(error.code).to.equal("AccessDeniedException");
    expect(error.message).to.contain("The ciphertext refers to a customer master key that does not exist");
  });

  it("keeps the material when a key's policy is updated in place", async () => {
    const kms = newService();
    const { CiphertextBlob } = await kms.handle(
      "Encrypt",
      { KeyId: KEY_ARN, Plaintext: b64("same key") },
      as(IAM_KEY_USER),
    );
    kms.putKey({ arn: KEY_ARN, policy: JSON.stringify(keyPolicy([APP_USER, KMS_TEST_USER])) });
    expect((await kms.handle("Decrypt", { CiphertextBlob }, as(IAM_KEY_USER))).Plaintext).to.equal(
      b64("same key"),
    );
  });
});
