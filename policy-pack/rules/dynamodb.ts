/**
 * DynamoDB rules: every table on a customer-managed KMS key, in every form, decided even during a
 * first preview; and the advisory recovery settings.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { readConfig } from "./config";
import { awsFoundationalSecurityBestPractices, nist80053r5, ruleDocsUrl } from "./metadata";
import { ALLOWED_KEYS_DEFAULTS, ALLOWED_KEYS_SCHEMA, AllowedKeys } from "./keys";
import { ENCRYPTION_PROPERTIES, findUnknownKeySetting, inspectTableEncryption } from "./tableEncryption";
import {
  DYNAMODB_TABLE,
  KMS_ALIAS,
  KMS_KEY,
  KMS_REPLICA_KEY,
  NATIVE_DYNAMODB_GLOBAL_TABLE,
  NATIVE_DYNAMODB_TABLE,
  NATIVE_KMS_ALIAS,
  NATIVE_KMS_KEY,
} from "./types";
import { asArray, describeValue } from "./values";

/**
 * NIST SP 800-53 Rev. 5 SC-28(1) asks for cryptographic protection of information at rest; a key the
 * organisation manages (its key policy, rotation, deletion) is what the two table rules enforce.
 */
const CMK_AT_REST = nist80053r5("SC-28(1)", "Protection of Information at Rest | Cryptographic Protection");

export const dynamodbTableCustomerManagedKey: ResourceValidationPolicy = {
  name: "dynamodb-table-customer-managed-key",
  displayName: "DynamoDB tables encrypted with a customer-managed KMS key",
  description: "Every DynamoDB table, replica and global table is encrypted with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  framework: CMK_AT_REST,
  tags: ["dynamodb", "kms", "encryption-at-rest", "customer-managed-key"],
  remediationSteps:
    "Create an aws.kms.Key (or name one your organisation allows with allowedKeys / allowedKeyPattern) and set " +
    "serverSideEncryption: { enabled: true, kmsKeyArn: key.arn } on the table, and kmsKeyArn on every replica " +
    '(aws-native: sseSpecification { sseEnabled: true, sseType: "KMS", kmsMasterKeyId }). Do not use alias/aws/dynamodb.',
  url: ruleDocsUrl("dynamodb-table-customer-managed-key"),
  configSchema: { properties: ALLOWED_KEYS_SCHEMA },
  validateResource: (args, reportViolation) => {
    const config = readConfig<AllowedKeys>(args, ALLOWED_KEYS_DEFAULTS);
    const inspection = inspectTableEncryption(args.type, args.name, args.props, config);
    if (inspection === undefined) {
      return;
    }
    inspection.findings.forEach((finding) => reportViolation(finding));
    if (inspection.findings.length === 0 && inspection.unknownPaths.length > 0) {
      // Reading these would make @pulumi/policy downgrade this rule to an advisory "can't run during
      // preview"; the stack rule below decides them from the table's property dependencies instead.
      args.notApplicable(
        `${inspection.unknownPaths.join(", ")} unknown during preview; decided by ${dynamodbTableKeyFromStackAtPreview.name}`,
      );
    }
  },
};

interface KeyFromStackConfig {
  keyResourceTypes: string[];
  aliasResourceTypes: string[];
}

const KEY_FROM_STACK_DEFAULTS: KeyFromStackConfig = {
  keyResourceTypes: [KMS_KEY, KMS_REPLICA_KEY, NATIVE_KMS_KEY],
  aliasResourceTypes: [KMS_ALIAS, NATIVE_KMS_ALIAS],
};

/**
 * Fail closed at preview. A key created in the same stack has an unknown ARN until `pulumi up`, and
 * @pulumi/policy turns a rule that reads an unknown value into an advisory. This stack rule first
 * follows the table's `propertyDependencies` for its encryption properties: a dependency on a KMS key
 * of the stack (directly, or through an alias whose targetKeyId depends on one) settles it without
 * reading the value. Only then does it read the value, catching the unknown itself, so the rule stays
 * mandatory: an unknown key that comes from no KMS key of the stack is a violation.
 * At `pulumi up` the value is known before the table is created and the resource rule judges it.
 */
export const dynamodbTableKeyFromStackAtPreview: StackValidationPolicy = {
  name: "dynamodb-table-key-from-stack-at-preview",
  displayName: "DynamoDB table keys unknown at preview come from a KMS key of the stack",
  description:
    "A DynamoDB table key that is unknown during preview must come from a KMS key resource of the same stack.",
  enforcementLevel: "mandatory",
  severity: "high",
  framework: CMK_AT_REST,
  tags: ["dynamodb", "kms", "encryption-at-rest", "preview"],
  remediationSteps:
    "Pass the arn (or keyId) output of a KMS key created in this stack, or of an alias whose targetKeyId comes " +
    "from one, to the table's encryption setting; or pass a known customer-managed key ARN.",
  url: ruleDocsUrl("dynamodb-table-key-from-stack-at-preview"),
  configSchema: {
    properties: {
      keyResourceTypes: {
        type: "array",
        items: { type: "string" },
        default: KEY_FROM_STACK_DEFAULTS.keyResourceTypes,
        description: "Resource types that create a customer-managed KMS key.",
      },
      aliasResourceTypes: {
        type: "array",
        items: { type: "string" },
        default: KEY_FROM_STACK_DEFAULTS.aliasResourceTypes,
        description: "Resource types of KMS aliases followed (through targetKeyId) to a key of the stack.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = readConfig<KeyFromStackConfig>(args, KEY_FROM_STACK_DEFAULTS);
    const keyTypes = new Set(config.keyResourceTypes);
    const aliasTypes = new Set(config.aliasResourceTypes);
    const isStackKey = (dependency: PolicyResource): boolean =>
      keyTypes.has(dependency.type) ||
      (aliasTypes.has(dependency.type) &&
        (dependency.propertyDependencies["targetKeyId"] ?? []).some((d) => keyTypes.has(d.type)));

    for (const resource of args.resources) {
      const properties = ENCRYPTION_PROPERTIES[resource.type];
      if (properties === undefined) {
        continue;
      }
      for (const property of properties) {
        const dependencies = resource.propertyDependencies[property] ?? [];
        if (dependencies.some(isStackKey)) {
          continue;
        }
        const unknownPath = findUnknownKeySetting(resource.type, resource.props, property);
        if (unknownPath === undefined) {
          continue;
        }
        const from =
          dependencies.length === 0
            ? "depends on no resource of the stack"
            : `depends only on ${dependencies.map((d) => `${d.type} "${d.name}"`).join(", ")}, none of them a KMS key`;
        reportViolation(
          `DynamoDB table "${resource.name}" (${resource.type}) has ${unknownPath} unknown during preview, and it ${from}: ` +
            "nothing shows it will be a customer-managed key. Pass the arn of a KMS key created in this stack " +
            "(e.g. aws.kms.Key) or a known customer-managed key ARN.",
          resource.urn,
        );
      }
    }
  },
};

export const dynamodbTablePointInTimeRecovery: ResourceValidationPolicy = {
  name: "dynamodb-table-point-in-time-recovery",
  displayName: "DynamoDB point-in-time recovery enabled",
  description: "DynamoDB tables have point-in-time recovery enabled.",
  enforcementLevel: "advisory",
  severity: "medium",
  framework: awsFoundationalSecurityBestPractices(
    "DynamoDB.2",
    "DynamoDB tables should have point-in-time recovery enabled",
  ),
  tags: ["dynamodb", "backup", "resilience"],
  remediationSteps:
    "Set pointInTimeRecovery: { enabled: true } on aws.dynamodb.Table (aws-native: " +
    "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled: true, on every global table replica).",
  url: ruleDocsUrl("dynamodb-table-point-in-time-recovery"),
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const subject = `DynamoDB table "${args.name}" (${args.type})`;
    const fix = "so the table can be restored to any second of the last 35 days";
    if (args.type === DYNAMODB_TABLE) {
      const enabled: unknown = args.props.pointInTimeRecovery?.enabled;
      if (enabled !== true) {
        reportViolation(
          `${subject} has pointInTimeRecovery.enabled ${describeValue(enabled)}. Set pointInTimeRecovery to { enabled: true } ${fix}.`,
        );
      }
    } else if (args.type === NATIVE_DYNAMODB_TABLE) {
      const enabled: unknown = args.props.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled;
      if (enabled !== true) {
        reportViolation(
          `${subject} has pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled ${describeValue(enabled)}. ` +
            `Set it to true ${fix}.`,
        );
      }
    } else if (args.type === NATIVE_DYNAMODB_GLOBAL_TABLE) {
      asArray(args.props.replicas).forEach((replica, i) => {
        const enabled: unknown = (
          replica as { pointInTimeRecoverySpecification?: { pointInTimeRecoveryEnabled?: unknown } }
        ).pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled;
        if (enabled !== true) {
          reportViolation(
            `${subject} has replicas[${i}].pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled ${describeValue(enabled)}. ` +
              `Set it to true ${fix}.`,
          );
        }
      });
    }
  },
};

export const dynamodbTableDeletionProtection: ResourceValidationPolicy = {
  name: "dynamodb-table-deletion-protection",
  displayName: "DynamoDB deletion protection enabled",
  description: "DynamoDB tables have deletion protection enabled.",
  enforcementLevel: "advisory",
  severity: "medium",
  framework: awsFoundationalSecurityBestPractices(
    "DynamoDB.6",
    "DynamoDB tables should have deletion protection enabled",
  ),
  tags: ["dynamodb", "deletion-protection", "resilience"],
  remediationSteps:
    "Set deletionProtectionEnabled: true on the table (aws-native global tables: on every replica). In this " +
    "project: kms-dynamodb:deletionProtection true (on in Pulumi.prod.yaml).",
  url: ruleDocsUrl("dynamodb-table-deletion-protection"),
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const subject = `DynamoDB table "${args.name}" (${args.type})`;
    const fix = "so that DeleteTable is refused until it is turned off";
    if (args.type === DYNAMODB_TABLE || args.type === NATIVE_DYNAMODB_TABLE) {
      const enabled: unknown = args.props.deletionProtectionEnabled;
      if (enabled !== true) {
        reportViolation(
          `${subject} has deletionProtectionEnabled ${describeValue(enabled)}. Set deletionProtectionEnabled to true ${fix}.`,
        );
      }
    } else if (args.type === NATIVE_DYNAMODB_GLOBAL_TABLE) {
      asArray(args.props.replicas).forEach((replica, i) => {
        const enabled: unknown = (replica as { deletionProtectionEnabled?: unknown })
          .deletionProtectionEnabled;
        if (enabled !== true) {
          reportViolation(
            `${subject} has replicas[${i}].deletionProtectionEnabled ${describeValue(enabled)}. Set it to true ${fix}.`,
          );
        }
      });
    }
  },
};

export const dynamodbPolicies = [
  dynamodbTableCustomerManagedKey,
  dynamodbTableKeyFromStackAtPreview,
  dynamodbTablePointInTimeRecovery,
  dynamodbTableDeletionProtection,
];
