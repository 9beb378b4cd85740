/**
 * `dynamodb-table-customer-managed-key`: every DynamoDB table, in every form, is on a customer-managed
 * KMS key, judged from the known values; a key unknown at preview is left to the stack rule
 * `dynamodb-table-key-from-stack-at-preview`.
 */
import { readConfig } from "../lib/config";
import { notApplicable } from "../lib/notApplicable";
import { ALLOWED_KEYS_DEFAULTS, ALLOWED_KEYS_SCHEMA, AllowedKeys } from "../lib/keys";
import { CMK_AT_REST, PackResourcePolicy, ruleDocsUrl } from "../lib/metadata";
import { inspectTableEncryption, TABLE_TYPES } from "../lib/tableEncryption";
import { dynamodbTableKeyFromStackAtPreview } from "./dynamodbTableKeyFromStackAtPreview";

export const dynamodbTableCustomerManagedKey: PackResourcePolicy = {
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
  reference: {
    frameworkSource:
      "It asks for cryptographic protection of information at rest; a key the organisation manages (its key policy, rotation, deletion), rather than an AWS owned or AWS managed key, is what the table rules enforce (NIST SP 800-53 Rev. 5 control catalogue). No FSBP control checks the key of a table; AWS Config's `dynamodb-table-encrypted-kms` with `kmsKeyArns` is the nearest detective check.",
    checks:
      'Every table form is on a customer-managed KMS key: `aws:dynamodb/table:Table` (no `serverSideEncryption`, `enabled: false`, enabled without `kmsKeyArn`, an AWS managed key, a value that is no key reference; every `replicas[i].kmsKeyArn`), `aws:dynamodb/tableReplica:TableReplica` (`kmsKeyArn`), `aws-native:dynamodb:Table` (`sseSpecification` enabled, type `KMS`, `kmsMasterKeyId`), `aws-native:dynamodb:GlobalTable` (table-level SSE and every `replicas[i].sseSpecification.kmsMasterKeyId`), `aws:dynamodb/globalTable:GlobalTable` (2017.11.29: always a violation). Key ids (incl. `mrk-`), key ARNs, alias names and alias ARNs are recognised; `alias/aws/\u2026` in either alias form is AWS managed. A key unknown at preview is left to `dynamodb-table-key-from-stack-at-preview` (see "Failing closed at preview").',
  },
  validateResource: (args, reportViolation) => {
    if (!TABLE_TYPES.has(args.type)) {
      return;
    }
    // The config is read only when a known customer-managed key is checked against it: @pulumi/policy
    // copies the policy's config on each read, and a table whose key is unknown at preview, or already
    // a finding, needs none.
    let config: AllowedKeys | undefined;
    const inspection = inspectTableEncryption(
      args.type,
      args.name,
      args.props,
      () => (config ??= readConfig<AllowedKeys>(args, ALLOWED_KEYS_DEFAULTS)),
    );
    if (inspection === undefined) {
      return;
    }
    inspection.findings.forEach((finding) => reportViolation(finding));
    if (inspection.findings.length === 0 && inspection.unknownPaths.length > 0) {
      // Reading these would make @pulumi/policy downgrade this rule to an advisory "can't run during
      // preview"; the stack rule below decides them from the table's property dependencies instead.
      notApplicable(
        args,
        `${inspection.unknownPaths.join(", ")} unknown during preview; decided by ${dynamodbTableKeyFromStackAtPreview.name}`,
      );
    }
  },
};
