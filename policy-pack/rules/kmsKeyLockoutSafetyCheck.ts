/**
 * `kms-key-lockout-safety-check`: keys and key policies keep KMS's policy lockout safety check.
 */
import { keySubject } from "../lib/keys";
import { awsControlTower, PackResourcePolicy, ruleDocsUrl } from "../lib/metadata";
import {
  KMS_EXTERNAL_KEY,
  KMS_KEY,
  KMS_KEY_POLICY,
  KMS_REPLICA_EXTERNAL_KEY,
  KMS_REPLICA_KEY,
  NATIVE_KMS_KEY,
} from "../lib/types";

/** Types that take `bypassPolicyLockoutSafetyCheck`. */
const LOCKOUT_CHECK_TYPES = new Set([
  KMS_KEY,
  KMS_KEY_POLICY,
  KMS_REPLICA_KEY,
  KMS_EXTERNAL_KEY,
  KMS_REPLICA_EXTERNAL_KEY,
  NATIVE_KMS_KEY,
]);

/**
 * KMS refuses a key policy that would stop the caller from changing it again unless this flag is set
 * ("Setting this value to true increases the risk that the KMS key becomes unmanageable", KMS
 * CreateKey / PutKeyPolicy API reference).
 */
export const kmsKeyLockoutSafetyCheck: PackResourcePolicy = {
  name: "kms-key-lockout-safety-check",
  displayName: "KMS key policy lockout safety check kept",
  description: "KMS keys and key policies never set bypassPolicyLockoutSafetyCheck to true.",
  enforcementLevel: "mandatory",
  severity: "high",
  framework: awsControlTower(
    "CT.KMS.PV.3",
    "Require that an AWS KMS key is configured with the bypass policy lockout safety check enabled",
  ),
  tags: ["kms", "key-policy", "key-management"],
  remediationSteps:
    "Remove bypassPolicyLockoutSafetyCheck or set it to false; keep a key administrator in the key policy.",
  url: ruleDocsUrl("kms-key-lockout-safety-check"),
  configSchema: { properties: {} },
  reference: {
    frameworkSource:
      'Source: Control Tower controls reference; the control "disallows bypassing the KMS key policy lockout safety check when creating a KMS key or updating its key policy". The Control Tower library has no version of its own, so `framework.version` is empty.',
    checks:
      "`bypassPolicyLockoutSafetyCheck` is never true (keys, key policies, replica keys, keys for imported material and their replicas, aws-native keys).",
  },
  validateResource: (args, reportViolation) => {
    if (!LOCKOUT_CHECK_TYPES.has(args.type)) {
      return;
    }
    if (args.props.bypassPolicyLockoutSafetyCheck === true) {
      reportViolation(
        `${keySubject(args)} has bypassPolicyLockoutSafetyCheck true, so KMS would accept a key policy that locks ` +
          "every administrator out of the key. Remove bypassPolicyLockoutSafetyCheck or set it to false.",
      );
    }
  },
};
