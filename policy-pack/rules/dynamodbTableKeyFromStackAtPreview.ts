/**
 * `dynamodb-table-key-from-stack-at-preview`: a table key unknown at preview comes from a KMS key of the
 * same stack, decided from the table's property dependencies so that the rule stays mandatory.
 */
import { PolicyResource } from "@pulumi/policy";
import { readConfig } from "../lib/config";
import { CMK_AT_REST, PackStackPolicy, ruleDocsUrl } from "../lib/metadata";
import { ENCRYPTION_PROPERTIES, findUnknownKeySetting } from "../lib/tableEncryption";
import {
  KMS_ALIAS,
  KMS_EXTERNAL_KEY,
  KMS_KEY,
  KMS_REPLICA_EXTERNAL_KEY,
  KMS_REPLICA_KEY,
  NATIVE_KMS_ALIAS,
  NATIVE_KMS_KEY,
} from "../lib/types";

interface KeyFromStackConfig {
  keyResourceTypes: string[];
  aliasResourceTypes: string[];
}

const KEY_FROM_STACK_DEFAULTS: KeyFromStackConfig = {
  // Keys for imported material are customer-managed keys too (KMS developer guide, "Importing key
  // material for AWS KMS keys"): a table on one is on a key of the stack like a table on aws.kms.Key.
  keyResourceTypes: [KMS_KEY, KMS_REPLICA_KEY, KMS_EXTERNAL_KEY, KMS_REPLICA_EXTERNAL_KEY, NATIVE_KMS_KEY],
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
export const dynamodbTableKeyFromStackAtPreview: PackStackPolicy = {
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
  reference: {
    frameworkSource:
      'The same requirement as `dynamodb-table-customer-managed-key`, decided during preview (see "Failing closed at preview").',
    checks:
      "Stack rule: a table key that is unknown at preview must come, through the table's `propertyDependencies` for its encryption property, from a KMS key of the stack (directly, or through an alias whose `targetKeyId` depends on one). A key for imported material (`aws:kms/externalKey:ExternalKey`, `aws:kms/replicaExternalKey:ReplicaExternalKey`) is a customer-managed key like `aws:kms/key:Key`.",
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
