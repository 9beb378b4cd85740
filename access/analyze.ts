/**
 * The static access proof: starts the engine with a plan the way the sandbox deploys it (sandbox/engine.ts:
 * the same key-policy validation and the same Authorizer), then asks that engine every cell of the
 * matrix. The sandbox asks the same engine per request, so the two cannot drift.
 */
import type { Plan } from "../plan/types";
import {
  startEngineForPlan,
  UndeployablePlanError,
  type Authorizer,
  type CloudModel,
  type CloudTable,
  type Decision,
  type KmsDecision,
  type LiveStack,
} from "../sandbox/engine";
import { declaredIntents } from "./declared";
import { DecisionLedger } from "./decisions";
import { findObtainers } from "./obtain";
import {
  DIRECT_DECRYPT,
  iamActionOf,
  TABLE_OPERATIONS,
  usesTableKey,
  type TableOperation,
} from "./operations";
import { principalSpecOf, principalsOf } from "./principals";
import type { AccessCell, AccessPrincipal, AccessReport, AccessTable, CellStatement } from "./types";

/** The engine loaded with a plan's deployment, and the principals the matrix asks about. */
export interface AccessModel {
  readonly model: CloudModel;
  readonly authorizer: Authorizer;
  readonly principals: readonly AccessPrincipal[];
}

/** Thrown when a plan cannot be analysed as given (a user's mistake: one line, exit 2). */
export class PlanInputError extends Error {}

/**
 * Starts the engine with `plan` (sandbox/engine.ts: the start-up path `Sandbox.apply` takes, without a
 * server), plus the synthetic principals the matrix asks about.
 */
export async function loadAccessModel(plan: Plan): Promise<AccessModel> {
  let stack: LiveStack;
  try {
    stack = await startEngineForPlan(plan);
  } catch (err) {
    if (err instanceof UndeployablePlanError) {
      throw new PlanInputError(err.message);
    }
    throw err;
  }
  const model = stack.model;
  const principals = principalsOf(model, declaredIntents(plan));
  for (const principal of principals) {
    if (!stack.authorizer.hasPrincipal(principal.arn)) {
      stack.authorizer.putPrincipal(principalSpecOf(principal));
    }
  }
  return { model, authorizer: stack.authorizer, principals };
}

export async function analyzePlan(plan: Plan): Promise<AccessReport> {
  return analyzeModel(await loadAccessModel(plan));
}

export async function analyzeModel(access: AccessModel): Promise<AccessReport> {
  const { model, authorizer, principals } = access;
  const ledger = new DecisionLedger();
  const keyPolicyOf = (keyArn: string): string => model.keys.find((key) => key.arn === keyArn)?.policy ?? "";
  const tables: AccessTable[] = model.tables.map((table) => ({
    name: table.name,
    arn: table.arn,
    ...(table.keyArn === undefined ? {} : { keyArn: table.keyArn }),
    operations: [...TABLE_OPERATIONS, ...(table.keyArn === undefined ? [] : ([DIRECT_DECRYPT] as const))],
  }));
  // One question at a time: the engine is CPU-bound in this thread, and each decision's cost stays measurable.
  const cells: AccessCell[] = [];
  for (const table of model.tables) {
    for (const principal of principals) {
      for (const operation of TABLE_OPERATIONS) {
        cells.push(await tableCell({ authorizer, ledger, model, table, principal, operation, keyPolicyOf }));
      }
      if (table.keyArn !== undefined) {
        cells.push(await directDecryptCell({ authorizer, ledger, table, principal, keyPolicyOf }));
      }
    }
  }
  const found = await findObtainers({ access, ledger, cells });
  const decryptors = principals
    .filter((principal) =>
      cells.some(
        (cell) =>
          cell.principal === principal.arn &&
          cell.decision === "allowed" &&
          (cell.operation === DIRECT_DECRYPT || usesTableKey(cell.operation)),
      ),
    )
    .map((principal) => principal.arn);
  return {
    accountId: model.accountId,
    region: model.region,
    deployer: model.deployer.arn,
    tables,
    principals,
    cells,
    decryptors,
    obtainers: found.obtainers,
    blindSpots: found.blindSpots,
    stats: {
      questions: ledger.questions,
      distinctDecisions: ledger.distinct,
      decisionMs: round(ledger.decisionMs),
      msPerDecision: ledger.distinct === 0 ? 0 : round(ledger.decisionMs / ledger.distinct),
    },
  };
}

interface CellQuestion {
  readonly authorizer: Authorizer;
  readonly ledger: DecisionLedger;
  readonly table: CloudTable;
  readonly principal: AccessPrincipal;
  readonly keyPolicyOf: (keyArn: string) => string;
}

/**
 * A DynamoDB operation as the sandbox's DynamoDbService decides it: `dynamodb:<Action>` on the table
 * first; then, for an item operation on a table with a customer-managed key, kms:Decrypt through DynamoDB.
 */
async function tableCell(
  question: CellQuestion & { readonly model: CloudModel; readonly operation: TableOperation },
): Promise<AccessCell> {
  const { authorizer, ledger, table, principal, operation, model } = question;
  const action = iamActionOf(operation);
  const iam = await ledger.ask(
    `d\n${ledger.principalClass(principal)}\n${action}\n${ledger.resourceClass(principal, table.arn)}`,
    principal,
    () => authorizer.authorizeDynamoDb(principal.callerArn, action, table.arn),
  );
  const base = { table: table.name, principal: principal.arn, operation };
  if (!iam.allowed) {
    return {
      ...base,
      decision: "denied-by-iam",
      reason: reasonOf(iam, "IAM"),
      statements: tagged("iam", iam),
    };
  }
  if (table.keyArn === undefined || !usesTableKey(operation)) {
    return { ...base, decision: "allowed", reason: "allowed by IAM", statements: tagged("iam", iam) };
  }
  const keyArn = table.keyArn;
  const kms = await ledger.ask(
    `v\n${ledger.principalClass(principal, [question.keyPolicyOf(keyArn)])}\n${keyArn}\n${table.name}`,
    principal,
    () =>
      authorizer.authorizeKmsViaDynamoDb(principal.callerArn, "kms:Decrypt", keyArn, {
        name: table.name,
        region: model.region,
        accountId: model.accountId,
      }),
  );
  const statements = [...tagged("iam", iam), ...tagged("kms", kms)];
  if (!kms.allowed) {
    return { ...base, decision: "denied-by-kms", reason: reasonOf(kms, "KMS, through DynamoDB"), statements };
  }
  const by = kms.grantId === undefined ? "" : ` (grant ${kms.grantId})`;
  return {
    ...base,
    decision: "allowed",
    reason: `allowed by IAM and by KMS through DynamoDB${by}`,
    statements,
  };
}

/** kms:Decrypt called directly on the table's key: no kms:ViaService (KMS developer guide, kms:ViaService). */
async function directDecryptCell(question: CellQuestion): Promise<AccessCell> {
  const { authorizer, ledger, table, principal } = question;
  const keyArn = table.keyArn as string;
  const kms = await ledger.ask(
    `k\n${ledger.principalClass(principal, [question.keyPolicyOf(keyArn)])}\nkms:Decrypt\n${keyArn}`,
    principal,
    () => authorizer.authorizeKms(principal.callerArn, "kms:Decrypt", keyArn),
  );
  return {
    table: table.name,
    principal: principal.arn,
    operation: DIRECT_DECRYPT,
    decision: kms.allowed ? "allowed" : "denied-by-kms",
    reason: kms.allowed
      ? `allowed by KMS (direct call${kms.grantId === undefined ? "" : `, grant ${kms.grantId}`})`
      : reasonOf(kms, "KMS, direct call"),
    statements: tagged("kms", kms),
  };
}

function tagged(by: "iam" | "kms", decision: Decision): CellStatement[] {
  const statements: CellStatement[] = (decision.statements ?? []).map((statement) => ({ by, ...statement }));
  // A grant allowed what no policy did (KMS developer guide, "Grants in AWS KMS"): it is the deciding entry.
  return decision.grantId === undefined
    ? statements
    : [...statements, { by, policy: `grant ${decision.grantId}`, index: 1, effect: "Allow" }];
}

function reasonOf(decision: KmsDecision, who: string): string {
  if (decision.keyStateError !== undefined) {
    return `denied by ${who}: ${decision.keyStateError.code}: ${decision.keyStateError.message}`;
  }
  const kind = decision.outcome === "ExplicitlyDenied" ? "explicit deny" : "no statement allows";
  return `denied by ${who}: ${kind} (${decision.policyType ?? "identity-based"} policy)`;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
