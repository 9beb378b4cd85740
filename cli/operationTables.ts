/**
 * docs/sandbox.md's "What it serves", generated from the sandbox's operation tables (one per service:
 * sandbox/dynamodb/operations.ts, sandbox/kms/operations.ts, sandbox/sts/operations.ts,
 * sandbox/iamService/operations.ts, sandbox/organizations/operations.ts, sandbox/admin/operations.ts) by `npm run docs`; test/cli/docs.test.ts fails until it has run.
 */
import { ADMIN_OPERATION_TABLE } from "../sandbox/admin/operations";
import {
  DYNAMODB_OPERATION_NAMES,
  operationSpec,
  type DynamoDbOperationSpec,
} from "../sandbox/dynamodb/operations";
import { KMS_OPERATION_TABLE } from "../sandbox/kms/operations";
import { STS_OPERATION_TABLE } from "../sandbox/sts/operations";
import { IAM_OPERATION_TABLE } from "../sandbox/iamService/operations";
import { ORGANIZATIONS_OPERATION_TABLE } from "../sandbox/organizations/operations";

const code = (text: string): string => `\`${text}\``;
const yes = (flag: boolean): string => (flag ? "yes" : "");

/** Where a DynamoDB entry's IAM action applies, as docs/sandbox.md says it. */
function dynamodbAuthorization(spec: DynamoDbOperationSpec): string {
  const { iam } = spec;
  if (!("action" in iam)) {
    const parts = Object.entries(iam.parts).map(([kind, action]) => `${kind} ${code(action)}`);
    return `each part's own: ${parts.join(", ")}, on its table`;
  }
  const on = {
    table: "on the table",
    "table-or-index": "on the table, or `TABLE_ARN/index/NAME` for an index",
    batch: "on each table",
    account: "on `*`",
  }[iam.on];
  return `${code(iam.action)} ${on}`;
}

export function operationTables(): string {
  const dynamodb = DYNAMODB_OPERATION_NAMES.map((name) => {
    const spec = operationSpec(name);
    return `| ${name} | ${dynamodbAuthorization(spec)} | ${yes(spec.usesTableKey)} | ${yes(spec.accessMatrix)} | ${spec.docs} |`;
  });
  const kmsOn = {
    key: "on the key",
    account: "by the caller's IAM policies alone",
    grant: "by the grant: its retiring principal, a grantee it allows it, or its account",
  };
  const kms = Object.entries(KMS_OPERATION_TABLE).map(
    ([name, spec]) =>
      `| ${name} | ${code(spec.iamAction)} ${kmsOn[spec.on]} | ${yes(spec.accessMatrix)} | ${spec.docs} |`,
  );
  const sts = Object.entries(STS_OPERATION_TABLE).map(
    ([name, spec]) =>
      `| ${name} | ${spec.iamAction === null ? "nothing" : code(spec.iamAction)} | ${spec.docs} |`,
  );
  const iam = Object.entries(IAM_OPERATION_TABLE).map(
    ([name, spec]) => `| ${name} | ${code(spec.iamAction)} on \`*\` | ${spec.docs} |`,
  );
  const organizations = Object.entries(ORGANIZATIONS_OPERATION_TABLE).map(
    ([name, spec]) =>
      `| ${name} | ${code(spec.iamAction)} ${spec.resource === "*" ? "on `*`" : "on the policy"} | ${spec.docs} |`,
  );
  const admin = Object.entries(ADMIN_OPERATION_TABLE).map(
    ([name, spec]) => `| ${name} | the deploying identity only | ${spec.docs} |`,
  );
  return [
    "**DynamoDB**: JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`.",
    "",
    "| operation | authorized as | needs the table's key | a column of `npm run access` | what it does |",
    "|---|---|---|---|---|",
    ...dynamodb,
    "",
    "**KMS**: JSON 1.1, `X-Amz-Target: TrentService.<Operation>`.",
    "",
    "| operation | authorized as | a column of `npm run access` | what it does |",
    "|---|---|---|---|",
    ...kms,
    "",
    "**STS**: the query protocol (form-encoded POST, XML answer).",
    "",
    "| action | authorized as | what it does |",
    "|---|---|---|",
    ...sts,
    "",
    "**IAM**: the query protocol (form-encoded POST signed for `iam`, XML answer); the reads that collecting account data needs.",
    "",
    "| action | authorized as | what it does |",
    "|---|---|---|",
    ...iam,
    "",
    "**AWS Organizations**: JSON 1.1, `X-Amz-Target: AWSOrganizationsV20161128.<Operation>`; answered from the deployment's SCPs and RCPs.",
    "",
    "| operation | authorized as | what it does |",
    "|---|---|---|",
    ...organizations,
    "",
    "**Sandbox admin**: JSON 1.1, `X-Amz-Target: SandboxAdmin.<Operation>`, signed with the signing name `sandbox`.",
    "",
    "| operation | authorized as | what it does |",
    "|---|---|---|",
    ...admin,
  ].join("\n");
}
