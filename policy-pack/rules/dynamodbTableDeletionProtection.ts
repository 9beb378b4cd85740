/**
 * `dynamodb-table-deletion-protection` (advisory): DynamoDB tables have deletion protection enabled.
 */
import { awsFoundationalSecurityBestPractices, PackResourcePolicy, ruleDocsUrl } from "../lib/metadata";
import { DYNAMODB_TABLE, NATIVE_DYNAMODB_GLOBAL_TABLE, NATIVE_DYNAMODB_TABLE } from "../lib/types";
import { asArray, describeValue } from "../lib/values";

export const dynamodbTableDeletionProtection: PackResourcePolicy = {
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
  reference: {
    frameworkSource:
      'Source: Security Hub user guide, "Security Hub controls for DynamoDB"; AWS Config rule `dynamodb-table-deletion-protection-enabled`.',
    checks:
      "`deletionProtectionEnabled` true (`aws:dynamodb/table:Table`, `aws-native:dynamodb:Table`, and every replica of an `aws-native:dynamodb:GlobalTable`).",
  },
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
