/**
 * `kms-key-deletion-window` (advisory): keys wait long enough before deletion to notice and cancel it.
 */
import { readConfig } from "../lib/config";
import { keySubject } from "../lib/keys";
import { awsFoundationalSecurityBestPractices, PackResourcePolicy, ruleDocsUrl } from "../lib/metadata";
import {
  KMS_EXTERNAL_KEY,
  KMS_KEY,
  KMS_REPLICA_EXTERNAL_KEY,
  KMS_REPLICA_KEY,
  NATIVE_KMS_KEY,
} from "../lib/types";

interface DeletionWindowConfig {
  minimumDays: number;
}

const DELETION_WINDOW_DEFAULTS: DeletionWindowConfig = { minimumDays: 30 };

/** Where each key type keeps its waiting period; KMS uses 30 days when it is not set. */
const DELETION_WINDOW_PROPERTY: Record<string, string> = {
  [KMS_KEY]: "deletionWindowInDays",
  [KMS_REPLICA_KEY]: "deletionWindowInDays",
  [KMS_EXTERNAL_KEY]: "deletionWindowInDays",
  [KMS_REPLICA_EXTERNAL_KEY]: "deletionWindowInDays",
  [NATIVE_KMS_KEY]: "pendingWindowInDays",
};

export const kmsKeyDeletionWindow: PackResourcePolicy = {
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
  reference: {
    frameworkSource:
      'Source: Security Hub user guide, "Security Hub controls for AWS KMS". KMS.3 flags keys already scheduled for deletion; this rule keeps the waiting period long enough to notice such a schedule and cancel it.',
    checks:
      "`deletionWindowInDays` (`aws:kms/key:Key`, replica keys, keys for imported material and their replicas) or `pendingWindowInDays` (`aws-native:kms:Key`), KMS's default 30 when unset, at least the minimum.",
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
