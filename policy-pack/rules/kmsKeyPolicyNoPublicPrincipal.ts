/**
 * `kms-key-policy-no-public-principal`: no key policy lets a wildcard principal use the key unless an
 * account or organisation condition bounds it.
 */
import { readConfig } from "../lib/config";
import { Statement, isWildcardPrincipal, parsePolicyDocument, statementLabel } from "../lib/documents";
import { keySubject } from "../lib/keys";
import { awsFoundationalSecurityBestPractices, PackResourcePolicy, ruleDocsUrl } from "../lib/metadata";
import {
  KMS_EXTERNAL_KEY,
  KMS_KEY,
  KMS_KEY_POLICY,
  KMS_REPLICA_EXTERNAL_KEY,
  KMS_REPLICA_KEY,
  NATIVE_KMS_KEY,
} from "../lib/types";
import { isRecord } from "../lib/values";

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
  [KMS_EXTERNAL_KEY]: "policy",
  [KMS_REPLICA_EXTERNAL_KEY]: "policy",
  [NATIVE_KMS_KEY]: "keyPolicy",
};

export const kmsKeyPolicyNoPublicPrincipal: PackResourcePolicy = {
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
  reference: {
    frameworkSource:
      'Source: Security Hub user guide, "Security Hub controls for AWS KMS"; Security Hub rates KMS.5 critical.',
    checks:
      'No Allow statement of a key policy (`aws:kms/key:Key`, `aws:kms/keyPolicy:KeyPolicy`, `aws:kms/replicaKey:ReplicaKey`, `aws:kms/externalKey:ExternalKey`, `aws:kms/replicaExternalKey:ReplicaExternalKey` `policy`; `aws-native:kms:Key` `keyPolicy`) has principal `"*"` or `{"AWS": "*"}` unless a StringEquals/StringLike condition on a bounding key names concrete values.',
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
    const parsed = parsePolicyDocument(document);
    if (!parsed.ok) {
      reportViolation(
        `${keySubject(args)} has a ${property} that cannot be checked: ${parsed.error}. Set ${property} to a JSON key policy document.`,
      );
      return;
    }
    for (const statement of parsed.statements) {
      if (statement.effect !== "Allow" || !isWildcardPrincipal(statement.principal)) {
        continue;
      }
      // Read only for a wildcard Allow, the one statement the config decides: a stack's key policies
      // are mostly the usual root and key-user statements, and every key of the stack passes here.
      const { boundingConditionKeys } = readConfig<PublicPrincipalConfig>(args, PUBLIC_PRINCIPAL_DEFAULTS);
      if (isBounded(statement, new Set(boundingConditionKeys.map((k) => k.toLowerCase())))) {
        continue;
      }
      reportViolation(
        `${keySubject(args)} has ${property} ${statementLabel(statement)} that allows the wildcard principal ${JSON.stringify(statement.principal)} ` +
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
