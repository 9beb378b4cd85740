/**
 * KMS key rules: rotation, key policies that anyone could use, the lockout safety check, and the
 * advisory deletion window.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { readConfig } from "./config";
import { Statement, isWildcardPrincipal, parsePolicyDocument, statementLabel } from "./documents";
import {
  awsControlTower,
  awsFoundationalSecurityBestPractices,
  cisAwsFoundations,
  ruleDocsUrl,
} from "./metadata";
import { KMS_KEY, KMS_KEY_POLICY, KMS_REPLICA_KEY, NATIVE_KMS_KEY } from "./types";
import { describeValue, isRecord } from "./values";

function keySubject(args: { name: string; type: string }): string {
  return `KMS key "${args.name}" (${args.type})`;
}

interface RotationConfig {
  maximumRotationPeriodDays: number;
}

const ROTATION_DEFAULTS: RotationConfig = { maximumRotationPeriodDays: 365 };

/**
 * Automatic rotation applies to symmetric encryption keys only ("Automatic key rotation is supported
 * only on symmetric encryption KMS keys with key material that AWS KMS generates", KMS developer
 * guide, Rotating AWS KMS keys); asymmetric, HMAC and imported-material keys are left alone.
 */
export const kmsKeyRotationEnabled: ResourceValidationPolicy = {
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
  validateResource: (args, reportViolation) => {
    if (args.type !== KMS_KEY && args.type !== NATIVE_KMS_KEY) {
      return;
    }
    const props = args.props;
    const usage: unknown = props.keyUsage ?? "ENCRYPT_DECRYPT";
    const spec: unknown =
      (args.type === KMS_KEY ? (props.customerMasterKeySpec ?? props.keySpec) : props.keySpec) ??
      "SYMMETRIC_DEFAULT";
    if (usage !== "ENCRYPT_DECRYPT" || spec !== "SYMMETRIC_DEFAULT" || props.origin === "EXTERNAL") {
      args.notApplicable(
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
    const { maximumRotationPeriodDays } = readConfig<RotationConfig>(args, ROTATION_DEFAULTS);
    const period: unknown = props.rotationPeriodInDays;
    if (typeof period === "number" && period > maximumRotationPeriodDays) {
      reportViolation(
        `${subject} has rotationPeriodInDays ${period}, longer than the ${maximumRotationPeriodDays} days this pack allows. ` +
          `Set rotationPeriodInDays to at most ${maximumRotationPeriodDays}.`,
      );
    }
  },
};

interface PublicPrincipalConfig {
  boundingConditionKeys: string[];
}

const PUBLIC_PRINCIPAL_DEFAULTS: PublicPrincipalConfig = {
  boundingConditionKeys: ["kms:CallerAccount", "aws:PrincipalAccount", "aws:PrincipalOrgID"],
};

/** Condition operators that bound a key to the listed values (the negated and IfExists forms do not). */
const BOUNDING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);

/** Where each key resource type keeps its key policy. */
const KEY_POLICY_PROPERTY: Record<string, string> = {
  [KMS_KEY]: "policy",
  [KMS_KEY_POLICY]: "policy",
  [KMS_REPLICA_KEY]: "policy",
  [NATIVE_KMS_KEY]: "keyPolicy",
};

export const kmsKeyPolicyNoPublicPrincipal: ResourceValidationPolicy = {
  name: "kms-key-policy-no-public-principal",
  displayName: "KMS key policies have no unbounded wildcard principal",
  description:
    "No KMS key policy allows a wildcard principal unless an account or organisation condition bounds it.",
  enforcementLevel: "mandatory",
  severity: "critical",
  framework: awsFoundationalSecurityBestPractices("KMS.5", "KMS keys should not be publicly accessible"),
  tags: ["kms", "key-policy", "public-access"],
  remediationSteps:
    'Name the principals in the Allow statement, or bound "*" with a condition such as "StringEquals": ' +
    '{ "kms:CallerAccount": "<account id>" } (or aws:PrincipalAccount, aws:PrincipalOrgID).',
  url: ruleDocsUrl("kms-key-policy-no-public-principal"),
  configSchema: {
    properties: {
      boundingConditionKeys: {
        type: "array",
        items: { type: "string" },
        default: PUBLIC_PRINCIPAL_DEFAULTS.boundingConditionKeys,
        description:
          "Condition keys that, with StringEquals or StringLike, bound a wildcard principal to known accounts.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const property = KEY_POLICY_PROPERTY[args.type];
    if (property === undefined) {
      return;
    }
    const document: unknown = args.props[property];
    if (document === undefined || document === null || document === "") {
      return;
    }
    const subject = keySubject(args);
    const parsed = parsePolicyDocument(document);
    if (!parsed.ok) {
      reportViolation(
        `${subject} has a ${property} that cannot be checked: ${parsed.error}. Set ${property} to a JSON key policy document.`,
      );
      return;
    }
    const { boundingConditionKeys } = readConfig<PublicPrincipalConfig>(args, PUBLIC_PRINCIPAL_DEFAULTS);
    const bounding = new Set(boundingConditionKeys.map((k) => k.toLowerCase()));
    for (const statement of parsed.statements) {
      if (
        statement.effect !== "Allow" ||
        !isWildcardPrincipal(statement.principal) ||
        isBounded(statement, bounding)
      ) {
        continue;
      }
      reportViolation(
        `${subject} has ${property} ${statementLabel(statement)} that allows the wildcard principal ${JSON.stringify(statement.principal)} ` +
          `with no ${boundingConditionKeys.join(", ")} condition, so any AWS account could use the key. ` +
          `Name the principals, or add a condition such as "StringEquals": { "kms:CallerAccount": "<account id>" }.`,
      );
    }
  },
};

function isBounded(statement: Statement, boundingKeys: Set<string>): boolean {
  for (const [operator, block] of Object.entries(statement.condition)) {
    const base = operator.replace(/^(ForAnyValue|ForAllValues):/i, "").toLowerCase();
    if (!BOUNDING_OPERATORS.has(base) || !isRecord(block)) {
      continue;
    }
    for (const [key, values] of Object.entries(block)) {
      const list = Array.isArray(values) ? values : [values];
      if (
        boundingKeys.has(key.toLowerCase()) &&
        list.length > 0 &&
        list.every((v) => typeof v === "string" && v !== "*")
      ) {
        return true;
      }
    }
  }
  return false;
}

/** Types that take `bypassPolicyLockoutSafetyCheck`. */
const LOCKOUT_CHECK_TYPES = new Set([KMS_KEY, KMS_KEY_POLICY, KMS_REPLICA_KEY, NATIVE_KMS_KEY]);

/**
 * KMS refuses a key policy that would stop the caller from changing it again unless this flag is set
 * ("Setting this value to true increases the risk that the KMS key becomes unmanageable", KMS
 * CreateKey / PutKeyPolicy API reference).
 */
export const kmsKeyLockoutSafetyCheck: ResourceValidationPolicy = {
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

interface DeletionWindowConfig {
  minimumDays: number;
}

const DELETION_WINDOW_DEFAULTS: DeletionWindowConfig = { minimumDays: 30 };

/** Where each key type keeps its waiting period; KMS uses 30 days when it is not set. */
const DELETION_WINDOW_PROPERTY: Record<string, string> = {
  [KMS_KEY]: "deletionWindowInDays",
  [KMS_REPLICA_KEY]: "deletionWindowInDays",
  [NATIVE_KMS_KEY]: "pendingWindowInDays",
};

export const kmsKeyDeletionWindow: ResourceValidationPolicy = {
  name: "kms-key-deletion-window",
  displayName: "KMS key deletion window long enough to cancel",
  description:
    "KMS keys wait at least a minimum number of days before deletion, time to notice and cancel it.",
  enforcementLevel: "advisory",
  severity: "medium",
  framework: awsFoundationalSecurityBestPractices(
    "KMS.3",
    "AWS KMS keys should not be deleted unintentionally",
  ),
  tags: ["kms", "key-deletion", "resilience"],
  remediationSteps:
    "Set deletionWindowInDays (aws-native: pendingWindowInDays) to at least minimumDays, or leave it unset for " +
    "KMS's 30 days. In this project: kms-dynamodb:keyDeletionWindowDays (30 in Pulumi.prod.yaml).",
  url: ruleDocsUrl("kms-key-deletion-window"),
  configSchema: {
    properties: {
      minimumDays: {
        type: "integer",
        minimum: 7,
        maximum: 30,
        default: DELETION_WINDOW_DEFAULTS.minimumDays,
        description:
          "The shortest deletion waiting period accepted (KMS allows 7 to 30 days and defaults to 30).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const property = DELETION_WINDOW_PROPERTY[args.type];
    if (property === undefined) {
      return;
    }
    const { minimumDays } = readConfig<DeletionWindowConfig>(args, DELETION_WINDOW_DEFAULTS);
    const days: unknown = args.props[property] ?? 30;
    if (typeof days === "number" && days < minimumDays) {
      reportViolation(
        `${keySubject(args)} has ${property} ${days}, shorter than the ${minimumDays} days this pack expects. ` +
          `Set ${property} to at least ${minimumDays}: deleting a key makes every table encrypted with it unreadable.`,
      );
    }
  },
};

export const kmsPolicies = [
  kmsKeyRotationEnabled,
  kmsKeyPolicyNoPublicPrincipal,
  kmsKeyLockoutSafetyCheck,
  kmsKeyDeletionWindow,
];
