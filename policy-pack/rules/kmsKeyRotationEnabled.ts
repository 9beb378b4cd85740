/**
 * `kms-key-rotation-enabled`: symmetric encryption keys rotate their material automatically.
 */
import { readConfig } from "../lib/config";
import { notApplicable } from "../lib/notApplicable";
import { keySubject } from "../lib/keys";
import { cisAwsFoundations, PackResourcePolicy, ruleDocsUrl } from "../lib/metadata";
import { KMS_EXTERNAL_KEY, KMS_KEY, KMS_REPLICA_EXTERNAL_KEY, NATIVE_KMS_KEY } from "../lib/types";
import { describeValue } from "../lib/values";

interface RotationConfig {
  maximumRotationPeriodDays: number;
}

const ROTATION_DEFAULTS: RotationConfig = { maximumRotationPeriodDays: 365 };

/**
 * Automatic rotation applies to symmetric encryption keys only ("Automatic key rotation is supported
 * only on symmetric encryption KMS keys with key material that AWS KMS generates", KMS developer
 * guide, Rotating AWS KMS keys); asymmetric, HMAC and imported-material keys are left alone.
 */
export const kmsKeyRotationEnabled: PackResourcePolicy = {
  name: "kms-key-rotation-enabled",
  displayName: "KMS key rotation enabled",
  description: "Symmetric encryption KMS keys have automatic key rotation enabled.",
  enforcementLevel: "mandatory",
  severity: "medium",
  // Security Hub maps the same check to AWS Foundational Security Best Practices KMS.4.
  framework: cisAwsFoundations(
    "3.0.0",
    "3.6",
    "Ensure rotation for customer-created symmetric CMKs is enabled",
  ),
  tags: ["kms", "key-rotation", "key-management"],
  remediationSteps:
    "Set enableKeyRotation: true on the key, and rotationPeriodInDays (90-2560, KMS default 365) no longer than " +
    "the pack's maximumRotationPeriodDays.",
  url: ruleDocsUrl("kms-key-rotation-enabled"),
  configSchema: {
    properties: {
      maximumRotationPeriodDays: {
        type: "integer",
        minimum: 90,
        maximum: 2560,
        default: ROTATION_DEFAULTS.maximumRotationPeriodDays,
        description: "The longest rotationPeriodInDays allowed (KMS accepts 90 to 2560; it defaults to 365).",
      },
    },
  },
  reference: {
    frameworkSource:
      'Source: Security Hub user guide, "CIS AWS Foundations Benchmark"; the same check is FSBP KMS.4 "AWS KMS key rotation should be enabled", and Control Tower CT.KMS.PR.1.',
    checks:
      "Symmetric encryption keys (`keyUsage` ENCRYPT_DECRYPT, spec SYMMETRIC_DEFAULT, not imported material) have `enableKeyRotation: true`, and `rotationPeriodInDays` at most the maximum; other keys, keys for imported material (`aws:kms/externalKey:ExternalKey` and its replicas) included, get `notApplicable` with the reason (KMS cannot rotate them automatically).",
  },
  validateResource: (args, reportViolation) => {
    if (args.type === KMS_EXTERNAL_KEY || args.type === KMS_REPLICA_EXTERNAL_KEY) {
      notApplicable(
        args,
        "automatic rotation applies only to symmetric encryption keys with KMS-generated material; this key's " +
          "material is imported (origin EXTERNAL)",
      );
    }
    if (args.type !== KMS_KEY && args.type !== NATIVE_KMS_KEY) {
      return;
    }
    const props = args.props;
    const usage: unknown = props.keyUsage ?? "ENCRYPT_DECRYPT";
    const spec: unknown =
      (args.type === KMS_KEY ? (props.customerMasterKeySpec ?? props.keySpec) : props.keySpec) ??
      "SYMMETRIC_DEFAULT";
    if (usage !== "ENCRYPT_DECRYPT" || spec !== "SYMMETRIC_DEFAULT" || props.origin === "EXTERNAL") {
      notApplicable(
        args,
        `automatic rotation applies only to symmetric encryption keys with KMS-generated material; this key has ` +
          `keyUsage ${describeValue(usage)}, key spec ${describeValue(spec)}, origin ${describeValue(props.origin ?? "AWS_KMS")}`,
      );
    }
    const subject = keySubject(args);
    if (props.enableKeyRotation !== true) {
      reportViolation(
        `${subject} is a symmetric encryption key with enableKeyRotation ${describeValue(props.enableKeyRotation)}. ` +
          "Set enableKeyRotation to true so KMS creates new key material every rotation period.",
      );
      return;
    }
    const period: unknown = props.rotationPeriodInDays;
    if (typeof period !== "number") {
      // Only a period the program sets is held against the config, so the config is read only then.
      return;
    }
    const { maximumRotationPeriodDays } = readConfig<RotationConfig>(args, ROTATION_DEFAULTS);
    if (period > maximumRotationPeriodDays) {
      reportViolation(
        `${subject} has rotationPeriodInDays ${period}, longer than the ${maximumRotationPeriodDays} days this pack allows. ` +
          `Set rotationPeriodInDays to at most ${maximumRotationPeriodDays}.`,
      );
    }
  },
};
