/**
 * `dynamodb-table-point-in-time-recovery` (advisory): DynamoDB tables have point-in-time recovery enabled.
 */
import { awsFoundationalSecurityBestPractices, PackResourcePolicy, ruleDocsUrl } from "../lib/metadata";
import { DYNAMODB_TABLE, NATIVE_DYNAMODB_GLOBAL_TABLE, NATIVE_DYNAMODB_TABLE } from "../lib/types";
import { asArray, describeValue } from "../lib/values";

export const dynamodbTablePointInTimeRecovery: PackResourcePolicy = {
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
  reference: {
    frameworkSource:
      'Source: Security Hub user guide, "Security Hub controls for DynamoDB"; also Control Tower CT.DYNAMODB.PR.1.',
    checks:
      "Point-in-time recovery enabled: `pointInTimeRecovery.enabled` (`aws:dynamodb/table:Table`), `pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled` (`aws-native:dynamodb:Table`, and every replica of an `aws-native:dynamodb:GlobalTable`).",
  },
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
