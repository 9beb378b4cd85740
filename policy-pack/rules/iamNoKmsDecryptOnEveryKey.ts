/**
 * `iam-no-kms-decrypt-on-every-key`: no identity policy may decrypt with every KMS key. A key policy with the usual root
 * statement ("Principal": {"AWS": "arn:aws:iam::ACCOUNT:root"}) delegates to IAM ("allows the account
 * to use IAM policies to allow access to the KMS key", KMS developer guide, Default key policy), so an
 * identity policy granting kms:Decrypt on "*" reaches every such key, and with it every table, past
 * the key-user list of the key policy.
 */
import { readConfig } from "../lib/config";
import { Statement, grantedActions, parsePolicyDocument, statementLabel } from "../lib/documents";
import { awsFoundationalSecurityBestPractices, PackResourcePolicy, ruleDocsUrl } from "../lib/metadata";
import {
  IAM_GROUP_POLICY,
  IAM_GROUP_POLICY_ATTACHMENT,
  IAM_POLICY,
  IAM_POLICY_ATTACHMENT,
  IAM_ROLE,
  IAM_ROLE_POLICY,
  IAM_ROLE_POLICY_ATTACHMENT,
  IAM_USER_POLICY,
  IAM_USER_POLICY_ATTACHMENT,
  NATIVE_IAM_GROUP,
  NATIVE_IAM_GROUP_POLICY,
  NATIVE_IAM_MANAGED_POLICY,
  NATIVE_IAM_ROLE,
  NATIVE_IAM_ROLE_POLICY,
  NATIVE_IAM_USER,
  NATIVE_IAM_USER_POLICY,
} from "../lib/types";
import { asArray, formatPath, isRecord } from "../lib/values";

interface NoDecryptEverywhereConfig {
  sensitiveActions: string[];
  awsManagedPolicies: string[];
}

const DEFAULTS: NoDecryptEverywhereConfig = {
  // kms:ReEncrypt* covers ReEncryptFrom (decrypts under the source key) and ReEncryptTo.
  sensitiveActions: ["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
  // AWS managed policies whose documents allow kms:Decrypt on "*": AdministratorAccess ("Action": "*",
  // "Resource": "*") and PowerUserAccess ("NotAction": ["iam:*", "organizations:*", "account:*"],
  // "Resource": "*"), per the AWS managed policy reference.
  awsManagedPolicies: ["AdministratorAccess", "PowerUserAccess"],
};

/** A managed policy attached by ARN, with the path it was found at. */
interface FoundAttachment {
  path: string;
  arn: unknown;
}

/** Where each attaching resource type keeps the managed policy ARN(s). */
function findAttachedPolicyArns(type: string, props: Record<string, unknown>): FoundAttachment[] {
  switch (type) {
    case IAM_USER_POLICY_ATTACHMENT:
    case IAM_GROUP_POLICY_ATTACHMENT:
    case IAM_ROLE_POLICY_ATTACHMENT:
    case IAM_POLICY_ATTACHMENT:
      return [{ path: "policyArn", arn: props.policyArn }];
    case IAM_ROLE:
    case NATIVE_IAM_ROLE:
    case NATIVE_IAM_USER:
    case NATIVE_IAM_GROUP:
      return asArray(props.managedPolicyArns).map((arn, i) => ({
        path: formatPath(["managedPolicyArns", i]),
        arn,
      }));
    default:
      return [];
  }
}

const AWS_MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/;

/** A policy document found in a resource, with the path it was found at. */
interface FoundDocument {
  path: string;
  document: unknown;
}

/** Where each identity-policy resource type keeps its document(s). */
function findDocuments(type: string, props: Record<string, unknown>): FoundDocument[] {
  switch (type) {
    case IAM_POLICY:
    case IAM_USER_POLICY:
    case IAM_GROUP_POLICY:
    case IAM_ROLE_POLICY:
      return [{ path: "policy", document: props.policy }];
    case IAM_ROLE:
      return asArray(props.inlinePolicies).map((p, i) => ({
        path: formatPath(["inlinePolicies", i, "policy"]),
        document: isRecord(p) ? p.policy : undefined,
      }));
    case NATIVE_IAM_MANAGED_POLICY:
    case NATIVE_IAM_USER_POLICY:
    case NATIVE_IAM_GROUP_POLICY:
    case NATIVE_IAM_ROLE_POLICY:
      return [{ path: "policyDocument", document: props.policyDocument }];
    case NATIVE_IAM_ROLE:
    case NATIVE_IAM_USER:
    case NATIVE_IAM_GROUP:
      return asArray(props.policies).map((p, i) => ({
        path: formatPath(["policies", i, "policyDocument"]),
        document: isRecord(p) ? p.policyDocument : undefined,
      }));
    default:
      return [];
  }
}

/** True when a Resource pattern covers every KMS key: `*`, or a kms ARN ending in `*` or `key/*`. */
function coversEveryKey(resource: string): boolean {
  if (resource === "*") {
    return true;
  }
  const parts = resource.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || !(parts[2] === "kms" || parts[2] === "*")) {
    return false;
  }
  const keyPart = parts.slice(5).join(":");
  return keyPart === "*" || keyPart === "key/*";
}

function everyKeyResource(statement: Statement): string | undefined {
  if (statement.notResources !== undefined) {
    return `NotResource ${JSON.stringify(statement.notResources)} (everything else)`;
  }
  const broad = (statement.resources ?? []).find(coversEveryKey);
  return broad === undefined ? undefined : `Resource ${JSON.stringify(broad)}`;
}

export const iamNoKmsDecryptOnEveryKey: PackResourcePolicy = {
  name: "iam-no-kms-decrypt-on-every-key",
  displayName: "No IAM policy decrypts with every KMS key",
  description:
    "No IAM identity policy (inline, customer managed or attached AWS managed) allows kms:Decrypt or kms:ReEncrypt* on every KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  // KMS.1 covers customer managed policies; KMS.2 the same check on inline policies, which this rule covers too.
  framework: awsFoundationalSecurityBestPractices(
    "KMS.1",
    "IAM customer managed policies should not allow decryption actions on all KMS keys",
  ),
  tags: ["iam", "kms", "least-privilege"],
  remediationSteps:
    "Scope Resource to the ARNs of the keys the principal needs (or grant them in those keys' key policies), and " +
    "attach no AWS managed policy (AdministratorAccess, PowerUserAccess) that allows kms:Decrypt on every key.",
  url: ruleDocsUrl("iam-no-kms-decrypt-on-every-key"),
  configSchema: {
    properties: {
      awsManagedPolicies: {
        type: "array",
        items: { type: "string" },
        default: DEFAULTS.awsManagedPolicies,
        description:
          "Names of AWS managed policies that allow those actions on every key; attaching one is a violation.",
      },
      sensitiveActions: {
        type: "array",
        items: { type: "string" },
        default: DEFAULTS.sensitiveActions,
        description:
          'KMS actions that must never be granted on Resource "*"; kms:* and other wildcards are matched against them.',
      },
    },
  },
  reference: {
    frameworkSource:
      'Source: Security Hub user guide, "Security Hub controls for AWS KMS" (blocked actions `kms:Decrypt`, `kms:ReEncryptFrom`); the rule also covers what KMS.2 checks on inline policies, and AWS managed policies attached by ARN.',
    checks:
      'No identity policy (`aws:iam/policy`, `userPolicy`, `groupPolicy`, `rolePolicy`, `role.inlinePolicies`, and the aws-native equivalents) allows `kms:Decrypt` / `kms:ReEncryptFrom` / `kms:ReEncryptTo` through any Action wildcard (`kms:*`, `kms:De*`, `*`) or NotAction, on `Resource: "*"`, a `\u2026:key/*` pattern, or NotResource. Also attachments (`userPolicyAttachment`, `groupPolicyAttachment`, `rolePolicyAttachment`, `policyAttachment` `policyArn`; `role.managedPolicyArns`) of AWS managed policies that allow it on `*`. With a key policy\'s root statement that reaches every table.',
  },
  validateResource: (args, reportViolation) => {
    const documents = findDocuments(args.type, args.props);
    const attachments = findAttachedPolicyArns(args.type, args.props);
    if (documents.length === 0 && attachments.length === 0) {
      return;
    }
    // The config is read when a finding turns on it: most documents are scoped to named resources and
    // most attachments name no AWS managed policy, and the stack's every policy passes here.
    let config: NoDecryptEverywhereConfig | undefined;
    const configOf = (): NoDecryptEverywhereConfig =>
      (config ??= readConfig<NoDecryptEverywhereConfig>(args, DEFAULTS));
    const subject = `IAM policy "${args.name}" (${args.type})`;
    for (const { path, arn } of attachments) {
      const name = typeof arn === "string" ? AWS_MANAGED_POLICY_ARN.exec(arn)?.[1] : undefined;
      if (name !== undefined && configOf().awsManagedPolicies.includes(name)) {
        reportViolation(
          `${subject} has ${path} ${JSON.stringify(arn)}, the AWS managed policy ${name}, which allows kms:Decrypt on ` +
            "every key. Through the root statement of each key policy, that lets its holder decrypt every table of the " +
            "account, bypassing the keys' key-user lists. Attach a policy scoped to the keys and tables it needs instead.",
        );
      }
    }
    for (const { path, document } of documents) {
      if (document === undefined || document === null || document === "") {
        continue;
      }
      const parsed = parsePolicyDocument(document);
      if (!parsed.ok) {
        reportViolation(
          `${subject} has a ${path} that cannot be checked: ${parsed.error}. Set ${path} to a JSON policy document.`,
        );
        continue;
      }
      for (const statement of parsed.statements) {
        if (statement.effect !== "Allow") {
          continue;
        }
        // The resource first: most statements are scoped to named resources, and matching the
        // sensitive actions against every action pattern of each costs more than reading Resource.
        const resource = everyKeyResource(statement);
        if (resource === undefined) {
          continue;
        }
        const actions = grantedActions(statement, configOf().sensitiveActions);
        if (actions.length === 0) {
          continue;
        }
        reportViolation(
          `${subject} has ${path} ${statementLabel(statement)} allowing ${actions.join(", ")} on ${resource}. Through the root ` +
            "statement of each key policy, that lets its holder decrypt every table of the account, bypassing the keys' " +
            "key-user lists. Scope Resource to the ARNs of the keys it needs, or grant those through the key policy.",
        );
      }
    }
  },
};
