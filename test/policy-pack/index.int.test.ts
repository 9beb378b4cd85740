/**
 * The pack end to end: what the rules' unit tests (test/policy-pack/rules/*.test.ts) decide in process,
 * here through the pack's own process and the Analyzer gRPC service as the Pulumi engine drives it
 * (test/support/ruleHarness.ts): the engine's unknown sentinel reaching @pulumi/policy's proxy, its
 * downgrade of a rule that reads an unknown to the advisory "can't run ... during preview", notApplicable
 * reasons, stack rules over the engine's property dependencies and URNs, and a config error.
 */
import { expect } from "chai";
import {
  dynamodbTableCustomerManagedKey,
  dynamodbTableKeyFromStackAtPreview,
  kmsKeyPolicyNoPublicPrincipal,
  kmsKeyRotationEnabled,
} from "../../policy-pack/rules";
import { KMS_KEY, TABLE, kmsKey, table } from "../support/compliantResources";
import { rejectionOf } from "../support/errors";
import { UNKNOWN, runResourceRule, runStackRule, usePolicyHarness } from "../support/ruleHarness";

usePolicyHarness();

const tableOnUnknownKey = table({ serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } });

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
});
