/**
 * The engine's answer for one cell of the access matrix, asked of the Authorizer directly (no decision
 * classes of the ledger), composed as the sandbox composes it: `dynamodb:<Action>` on the table (a
 * transaction: each kind of part's action inside it; the request-dependent keys unknown, so a decision
 * that depends on them is `conditional`: sandbox/engine.ts cellChecks), then, for
 * an item operation on a table with a customer managed key, kms:Decrypt through DynamoDB; a direct
 * kms:Decrypt on the key (for a service principal with the table's encryption context, as DynamoDB sends it).
 */
import type { loadAccessModel } from "../../access/analyze";
import { checksOf, DIRECT_DECRYPT, usesTableKey, type TableOperation } from "../../access/operations";
import type { AccessCell } from "../../access/types";

export async function engineDecision(
  access: Awaited<ReturnType<typeof loadAccessModel>>,
  cell: Pick<AccessCell, "table" | "principal" | "operation">,
  asPrincipal?: { readonly callerArn: string; readonly kind: string },
): Promise<string> {
  const { authorizer, model } = access;
  // A role's cells are a session's: ask as the session ARN the matrix names for it. `asPrincipal`: a
  // principal asked about that is not in the matrix (a member drawn from a class).
  const listed = access.principals.find((principal) => principal.arn === cell.principal);
  const caller = asPrincipal?.callerArn ?? listed?.callerArn ?? cell.principal;
  const table = model.tables.find((candidate) => candidate.name === cell.table);
  if (table === undefined) {
    throw new Error(`no table ${cell.table}`);
  }
  if (cell.operation === DIRECT_DECRYPT) {
    // A service principal calls KMS for the table with the table's encryption context (DynamoDB developer
    // guide, "How Amazon DynamoDB uses AWS KMS"): the context its grant is constrained to.
    const kind = asPrincipal?.kind ?? listed?.kind;
    const kms = await authorizer.authorizeKms(
      caller,
      "kms:Decrypt",
      table.keyArn as string,
      kind === "aws-service"
        ? {
            encryptionContext: {
              "aws:dynamodb:tableName": table.name,
              "aws:dynamodb:subscriberId": model.accountId,
            },
          }
        : {},
    );
    return kms.allowed ? "allowed" : kms.outcome === "Conditional" ? "conditional" : "denied-by-kms";
  }
  const operation = cell.operation as TableOperation;
  let conditional = false;
  for (const check of checksOf(operation)) {
    const iam = await authorizer.authorizeDynamoDb(caller, check.action, table.arn, check.requestKeys);
    if (iam.outcome === "Conditional") {
      conditional = true;
    } else if (!iam.allowed) {
      return "denied-by-iam";
    }
  }
  const allowed = conditional ? "conditional" : "allowed";
  if (table.keyArn === undefined || !usesTableKey(operation)) {
    return allowed;
  }
  const kms = await authorizer.authorizeKmsViaDynamoDb(caller, "kms:Decrypt", table.keyArn, {
    name: table.name,
    region: model.region,
    accountId: model.accountId,
  });
  // A key policy that turns on an unknown request value (an organization key the plan cannot tell) is
  // conditional, as the proof shows it.
  return kms.allowed ? allowed : kms.outcome === "Conditional" ? "conditional" : "denied-by-kms";
}
