/**
 * The pack end to end: what the rules' unit tests (test/policy-pack/rules/*.test.ts) decide in process,
 * here through the pack's own process and the Analyzer gRPC service as the Pulumi engine drives it
 * (test/support/ruleHarness.ts): the engine's unknown sentinel reaching @pulumi/policy's proxy, its
 * downgrade of a rule that reads an unknown to the advisory "can't run ... during preview", notApplicable
 * reasons, stack rules over the engine's property dependencies and URNs, and a config error.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { harnessOn, type AnalyzeInput, type HarnessResource } from "../../guard/harness";
import { synthesize } from "../../plan/synth";
import {
  dynamodbTableCustomerManagedKey,
  dynamodbTableKeyFromStackAtPreview,
  kmsKeyPolicyNoPublicPrincipal,
  kmsKeyRotationEnabled,
} from "../../policy-pack/rules";
import { ACCOUNT_ID } from "../support/accounts";
import {
  KMS_ALIAS,
  KMS_EXTERNAL_KEY,
  KMS_KEY,
  TABLE,
  externalKey,
  kmsKey,
  table,
} from "../support/compliantResources";
import { rejectionOf } from "../support/errors";
import { UNKNOWN, runResourceRule, runStackRule, usePolicyHarness } from "../support/ruleHarness";
import { withSharedPack } from "../support/sharedPack";

usePolicyHarness();

const tableOnUnknownKey = table({ serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } });

/** The whole pack, every rule at its own level, over one analysis of the test run's pack. */
const analyzeWithPack = (input: AnalyzeInput) => withSharedPack((client) => harnessOn(client).analyze(input));

describe("the policy pack over the Analyzer gRPC service", () => {
  it("leaves a table key unknown at preview to the stack rule, not downgraded", async () => {
    const outcome = await runResourceRule(dynamodbTableCustomerManagedKey, {
      type: TABLE,
      props: tableOnUnknownKey,
    });
    expect(outcome).to.deep.equal({
      violations: [],
      notApplicable:
        "serverSideEncryption.kmsKeyArn unknown during preview; decided by dynamodb-table-key-from-stack-at-preview",
    });
  });

  it("settles an unknown key from a KMS key of the stack, and fails closed on one from nowhere", async () => {
    const key = { type: KMS_KEY, name: "orders-key", props: kmsKey({ arn: UNKNOWN }) };
    const fromStack = await runStackRule(dynamodbTableKeyFromStackAtPreview, [
      key,
      {
        type: TABLE,
        name: "orders",
        props: tableOnUnknownKey,
        propertyDependencies: { serverSideEncryption: ["orders-key"] },
      },
    ]);
    expect(fromStack).to.deep.equal({ violations: [] });
    const fromNowhere = await runStackRule(dynamodbTableKeyFromStackAtPreview, [
      key,
      { type: TABLE, name: "orders", props: tableOnUnknownKey },
    ]);
    expect(fromNowhere.downgraded).to.equal(undefined);
    expect(fromNowhere.violations.map((violation) => violation.urn)).to.deep.equal([
      "urn:pulumi:test::policy-test::aws:dynamodb/table:Table::orders",
    ]);
  });

  it("is downgraded by @pulumi/policy, as under the engine, where a rule reads an unknown key policy", async () => {
    const outcome = await runResourceRule(kmsKeyPolicyNoPublicPrincipal, {
      type: KMS_KEY,
      props: kmsKey({ policy: UNKNOWN }),
    });
    expect(outcome.downgraded).to.equal("string value at .policy can't be known during preview");
  });

  it("reports a rule's notApplicable reason", async () => {
    const outcome = await runResourceRule(kmsKeyRotationEnabled, {
      type: KMS_KEY,
      props: kmsKey({ customerMasterKeySpec: "RSA_2048", enableKeyRotation: false }),
    });
    expect(outcome.violations).to.deep.equal([]);
    expect(outcome.notApplicable).to.match(/^automatic rotation applies only to symmetric encryption keys/);
  });

  it("fails the analysis, naming the setting, on an allowedKeyPattern that is no regular expression", async () => {
    const error = await rejectionOf(
      runResourceRule(dynamodbTableCustomerManagedKey, {
        type: TABLE,
        props: table(),
        config: { allowedKeyPattern: "([" },
      }),
    );
    expect(error?.message).to.contain(
      'policy config allowedKeyPattern: "([" is not a valid regular expression',
    );
  });

  // KMS developer guide, "Importing key material for AWS KMS keys"
  // (https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html): a KMS key created without
  // key material, whose material the customer imports, is a customer-managed KMS key.
  describe("a table on a key for imported material (aws:kms/externalKey:ExternalKey)", () => {
    it("passes a first preview of a program (written for this test) whose tables use one directly, by key id and through an alias", async () => {
      const plan = await synthesize({
        stack: "external-key",
        config: { "aws:region": "us-east-1" },
        preview: true,
        program: async () => {
          const key = new aws.kms.ExternalKey("imported", {
            description: "imported key material",
            deletionWindowInDays: 30,
          });
          const alias = new aws.kms.Alias("imported", { name: "alias/imported", targetKeyId: key.id });
          const onKey = (name: string, kmsKeyArn: typeof key.arn) =>
            new aws.dynamodb.Table(name, {
              hashKey: "pk",
              attributes: [{ name: "pk", type: "S" }],
              billingMode: "PAY_PER_REQUEST",
              serverSideEncryption: { enabled: true, kmsKeyArn },
              pointInTimeRecovery: { enabled: true },
              deletionProtectionEnabled: true,
            });
          onKey("by-arn", key.arn);
          onKey("by-key-id", key.id);
          onKey("by-alias", alias.arn);
          return {};
        },
      });
      const report = await analyzeWithPack({ plan, preview: true });
      expect(report.violations).to.deep.equal([]);
      expect(report.mandatory).to.equal(0);
    });

    it("passes at pulumi up, with the key's ARN and id known", async () => {
      const keyId = "0d3a1b2c-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
      const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${keyId}`;
      const onKey = (name: string, kmsKeyArn: string): HarnessResource => ({
        type: TABLE,
        name,
        props: table({ name, serverSideEncryption: { enabled: true, kmsKeyArn } }),
        propertyDependencies: { serverSideEncryption: ["imported"] },
      });
      const report = await analyzeWithPack({
        preview: false,
        resources: [
          { type: KMS_EXTERNAL_KEY, name: "imported", props: externalKey({ arn: keyArn, id: keyId }) },
          {
            type: KMS_ALIAS,
            name: "imported-alias",
            props: { name: "alias/imported", targetKeyId: keyId },
            propertyDependencies: { targetKeyId: ["imported"] },
          },
          onKey("by-arn", keyArn),
          onKey("by-key-id", keyId),
          {
            ...onKey("by-alias", `arn:aws:kms:us-east-1:${ACCOUNT_ID}:alias/imported`),
            propertyDependencies: { serverSideEncryption: ["imported-alias"] },
          },
        ],
      });
      expect(report.violations).to.deep.equal([]);
    });
  });
});
