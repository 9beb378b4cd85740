/**
 * Checkpoints in every form the engine writes them (pulumi/pulumi pkg/resource/stack/deployment.go:
 * versions 1 to 4, `features`, `null` property-dependency lists; pkg/secrets: plaintext, `b64`,
 * passphrase and cloud-provider ciphertext). The files under test/fixtures/state/written-for-tests were
 * written for these tests (README there).
 */
import { expect } from "chai";
import { CheckpointError, parseDeployment, readCheckpoint, type Checkpoint } from "../../plan/checkpoint";
import { openSymmetric } from "../../plan/stateSecrets";
import { isSecret, SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN_VALUE } from "../../plan/values";
import { EXAMPLE_SECRET_ACCESS_KEY } from "../support/accounts";
import { fixturePath } from "../support/paths";

const state = (name: string) => fixturePath("state", "written-for-tests", name);
const PASSPHRASE = "offline-preview-test-passphrase";
// The fixture states hold the IAM User Guide's example secret key.
const SECRET_VALUE = EXAMPLE_SECRET_ACCESS_KEY;

function accessKeySecret(checkpoint: Checkpoint): unknown {
  return checkpoint.resources.find((resource) => resource.type === "aws:iam/accessKey:AccessKey")?.outputs
    .secret;
}

describe("readCheckpoint: the engine's formats", () => {
  it("reads a version 1 checkpoint (no property dependencies, `defaults`)", () => {
    const checkpoint = readCheckpoint(state("checkpoint-v1.json"));
    expect(checkpoint.resources).to.have.length(7);
    expect(checkpoint.resources[3].propertyDependencies).to.deep.equal({});
    expect(accessKeySecret(checkpoint)).to.deep.equal({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: SECRET_VALUE });
  });

  it("reads `null` property-dependency lists as empty ones, and b64 secrets", () => {
    const checkpoint = readCheckpoint(state("checkpoint-v3-b64.json"));
    const table = checkpoint.resources.find((resource) => resource.urn.endsWith("::orders"))!;
    expect(table.propertyDependencies.name).to.deep.equal([]);
    expect(table.propertyDependencies.serverSideEncryption).to.deep.equal([checkpoint.resources[2].urn]);
    expect(accessKeySecret(checkpoint)).to.deep.equal({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: SECRET_VALUE });
    expect(checkpoint.unreadableSecrets).to.equal(undefined);
  });

  it("reads version 4 with a feature the engine supports, and refuses one it does not, in the engine's words", () => {
    expect(readCheckpoint(state("checkpoint-v4.json")).resources).to.have.length(7);
    expect(() => readCheckpoint(state("checkpoint-v4-unsupported-feature.json"))).to.throw(
      CheckpointError,
      "this stack's deployment needs support for the following features: time-travel",
    );
  });

  it("refuses a secret whose plaintext is not JSON in one line naming the field, never the plaintext", () => {
    // `pulumi stack export --show-secrets` writes a secret's plaintext as JSON text
    // (https://www.pulumi.com/docs/iac/concepts/secrets/): anything else is a corrupt or hand-made state.
    const resource = {
      urn: "urn:pulumi:dev::p::aws:iam/accessKey:AccessKey::k",
      type: "aws:iam/accessKey:AccessKey",
      custom: true,
      inputs: {},
      outputs: { secret: { [SPECIAL_SIG_KEY]: SECRET_SIG, plaintext: "wJalrXUtnFEMI/K7MDENG {" } },
    };
    expect(() =>
      parseDeployment({ version: 3, deployment: { resources: [resource] } }, "state.json"),
    ).to.throw(
      CheckpointError,
      "state.json: deployment.resources[0].outputs.secret is a secret whose plaintext is not JSON",
    );
    try {
      parseDeployment({ version: 3, deployment: { resources: [resource] } }, "state.json");
    } catch (err) {
      expect((err as Error).message).to.not.contain("wJalrXUtnFEMI");
    }
  });

  it("reads `pulumi stack export` v3 with plaintext secrets (--show-secrets)", () => {
    const checkpoint = readCheckpoint(state("stack-export-v3-show-secrets.json"));
    expect(accessKeySecret(checkpoint)).to.deep.equal({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: SECRET_VALUE });
  });

  it("opens passphrase secrets with the passphrase; without it they are unknown and named", function () {
    this.timeout(20_000); // PBKDF2 with 1,000,000 iterations, as the CLI derives the key
    const opened = readCheckpoint(state("stack-export-v3-passphrase.json"), { passphrase: PASSPHRASE });
    expect(accessKeySecret(opened)).to.deep.equal({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: SECRET_VALUE });
    const closed = readCheckpoint(state("stack-export-v3-passphrase.json"));
    expect(accessKeySecret(closed)).to.deep.equal({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: UNKNOWN_VALUE });
    expect(closed.unreadableSecrets).to.deep.include({
      urn: "urn:pulumi:dev::shop::aws:iam/accessKey:AccessKey::app-key",
      property: "outputs.secret",
      provider: "passphrase (set PULUMI_CONFIG_PASSPHRASE)",
    });
    expect(() => readCheckpoint(state("stack-export-v3-passphrase.json"), { passphrase: "wrong" })).to.throw(
      CheckpointError,
      "incorrect passphrase",
    );
  });

  it("leaves a cloud KMS or service secret unknown, named after its provider", () => {
    const kms = readCheckpoint(state("stack-export-v4-awskms.json"));
    expect(isSecret(accessKeySecret(kms))).to.equal(true);
    expect(kms.unreadableSecrets?.map((secret) => secret.provider)).to.deep.equal([
      "cloud awskms://alias/pulumi-secrets",
      "cloud awskms://alias/pulumi-secrets",
    ]);
    const service = readCheckpoint(state("stack-export-v3-service.json"));
    expect(service.unreadableSecrets?.[0].provider).to.equal("service https://api.pulumi.com");
  });

  it("opens only what AES-256-GCM authenticates", () => {
    expect(openSymmetric(Buffer.alloc(32), "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA==")).to.equal(
      undefined,
    );
    expect(openSymmetric(Buffer.alloc(32), "v2:x:y")).to.equal(undefined);
  });
});
