/**
 * The static access proof: starts the engine with a plan the way the sandbox deploys it (sandbox/engine.ts:
 * the same key-policy validation and the same Authorizer), then asks that engine every cell of the
 * matrix. The sandbox asks the same engine per request, so the two cannot drift.
 */
import { declaredStates, type Plan } from "../plan/types";
import {
  startEngineForPlan,
  UndeployablePlanError,
  type CallerIdentity,
  type Authorizer,
  type CloudModel,
  type CloudTable,
  type Decision,
  type KmsDecision,
  type LiveStack,
} from "../sandbox/engine";
import { accountDataExtension, accountDeployer } from "./accountData/merge";
import type { AccountData } from "./accountData/types";
import { declaredIntents } from "./declared";
import { DecisionLedger } from "./decisions";
import { findObtainers } from "./obtain";
import {
  DIRECT_DECRYPT,
  checksOf,
  TABLE_OPERATIONS,
  usesTableKey,
  type MatrixOperation,
  type TableOperation,
} from "./operations";
import { principalSpecOf, principalsOf } from "./principals";
import { openRoles } from "./sessionTags";
import type { AccessCell, AccessPrincipal, AccessReport, AccessTable, CellStatement } from "./types";

/** The engine loaded with a plan's deployment, and the principals the matrix asks about. */
export interface AccessModel {
  readonly model: CloudModel;
  readonly authorizer: Authorizer;
  readonly principals: readonly AccessPrincipal[];
}

/** Thrown when a plan cannot be analysed as given (a user's mistake: one line, exit 2). */
export class PlanInputError extends Error {}

/** What the caller knows beside the plan. */
export interface AnalysisOptions {
  /** Who deploys, when the plan has no getCallerIdentity invoke (the hook for account data). */
  readonly deployer?: CallerIdentity;
  /**
   * The account as it is (access/accountData): merged with the plan, the plan's resources replacing their
   * copies; when the plan does not say who deploys, the deployer is an administrator of the data's account.
   */
  readonly accountData?: AccountData;
}

/**
 * Starts the engine with `plan` (sandbox/engine.ts: the start-up path `Sandbox.apply` takes, without a
 * server), plus the synthetic principals the matrix asks about.
 */
export async function loadAccessModel(plan: Plan, options: AnalysisOptions = {}): Promise<AccessModel> {
  let stack: LiveStack;
  try {
    stack = await startEngineForPlan(plan, engineOptions(options));
  } catch (err) {
    if (err instanceof UndeployablePlanError) {
      throw new PlanInputError(err.message);
    }
    throw err;
  }
  const model = stack.model;
  const accountArns = new Set([
    ...(options.accountData?.users ?? []).map((user) => user.arn),
    ...(options.accountData?.roles ?? []).map((role) => role.arn),
  ]);
  const planArns = new Set(
    declaredStates(plan)
      .map((state) => state.outputs.arn)
      .filter((arn) => typeof arn === "string"),
  );
  const principals = principalsOf(
    model,
    declaredIntents(plan),
    new Set([...accountArns].filter((arn) => !planArns.has(arn))),
  );
  // A role whose trust policy allows sts:TagSession or sts:SetSourceIdentity: its session's tags or
  // source identity are unknown (sessionTags.ts).
  const open = openRoles(model);
  for (const principal of principals) {
    const role = open.get(principal.arn);
    if (principal.callerArn !== principal.arn && role !== undefined) {
      stack.sessions.openSession(principal.callerArn, role);
    }
  }
  for (const principal of principals) {
    if (!stack.authorizer.hasPrincipal(principal.arn)) {
      stack.authorizer.putPrincipal(principalSpecOf(principal));
    }
  }
  return { model, authorizer: stack.authorizer, principals };
}

/** The engine's options: the account data as an extension of the plan, its account's deployer by default. */
function engineOptions(options: AnalysisOptions): Parameters<typeof startEngineForPlan>[1] {
  const data = options.accountData;
  if (data === undefined) {
    return { deployer: options.deployer };
  }
  return {
    deployer: options.deployer ?? accountDeployer(data),
    extension: accountDataExtension(data),
  };
}

export async function analyzePlan(
  plan: Plan,
  options: AnalysisOptions = {},
  scope: AnalysisScope = {},
): Promise<AccessReport> {
  return analyzeModel(await loadAccessModel(plan, options), scope);
}

/** What of the model a report covers. */
export interface AnalysisScope {
  /**
   * The names of the tables to decide (each with its key's direct decrypt), the others left out of the
   * cells, the decryptors and the obtain paths; undefined: every table. A name no table has is ignored:
   * a compared plan may lack a table the new plan adds.
   */
  readonly tables?: ReadonlySet<string>;
}

export async function analyzeModel(access: AccessModel, scope: AnalysisScope = {}): Promise<AccessReport> {
  const { authorizer, principals } = access;
  const model =
    scope.tables === undefined
      ? access.model
      : { ...access.model, tables: access.model.tables.filter((table) => scope.tables?.has(table.name)) };
  const ledger = new DecisionLedger((principal) => authorizer.policyIdentity(principal.callerArn));
  // Asked for every cell: a map, not a search of the keys.
  const keyPolicies = new Map(model.keys.map((key) => [key.arn, key.policy]));
  const keyPolicyOf = (keyArn: string): string => keyPolicies.get(keyArn) ?? "";
  const tables: AccessTable[] = model.tables.map((table) => ({
    name: table.name,
    arn: table.arn,
    ...(table.keyArn === undefined ? {} : { keyArn: table.keyArn }),
    operations: [...TABLE_OPERATIONS, ...(table.keyArn === undefined ? [] : ([DIRECT_DECRYPT] as const))],
  }));
  const accountId = model.accountId;
  // Every resource-based policy of the model: a principal one of them names is decided apart.
  const allResourcePolicies = [
    ...model.keys.map((key) => key.policy),
    ...model.tables.flatMap((table) =>
      table.resourcePolicy === undefined ? [] : [table.resourcePolicy.document],
    ),
  ];
  // One question at a time: the engine is CPU-bound in this thread, and each decision's cost stays measurable.
  // A principal's row (its cells for every table) is decided once per row class: principals the ledger puts
  // in one class for every question (the same kind, account, policies, grants and naming by every key
  // or table policy) and whose inline policies have the same names (the cells' statements name them) share it. At
  // account scale, thousands of principals share a few hundred rows.
  const rows = new Map<string, AccessCell[][]>();
  // Each principal's row: its own, or the one it shares. A shared row's cells are copied for the principal
  // once, straight into the report (below): no row of copies per principal in between.
  const rowOf: AccessCell[][][] = [];
  for (const principal of principals) {
    const rowKey =
      `${ledger.principalClass(principal, allResourcePolicies)}\n` +
      principal.policies.inline.map((policy) => policy.name).join("\n");
    const shared = rows.get(rowKey);
    if (shared !== undefined) {
      rowOf.push(shared);
      ledger.countShared(shared.reduce((count, tableCells) => count + tableCells.length, 0));
      continue;
    }
    // Within a row, tables the ledger cannot tell apart for this principal (the same Resource patterns of its
    // policies match them, the same key, an encryption context no policy reads, no resource-based policy of
    // their own) get the same cells.
    const byGroup = new Map<string, AccessCell[]>();
    const row: AccessCell[][] = [];
    for (const table of model.tables) {
      const keyPolicy = table.keyArn === undefined ? "" : keyPolicyOf(table.keyArn);
      const perTable =
        principal.kind === "aws-service" ||
        (table.keyArn !== undefined && ledger.readsEncryptionContext(principal, keyPolicy));
      // A table's resource-based policy decides its own cells: such a table shares them with no other.
      const ownCells = perTable || table.resourcePolicy !== undefined;
      const groupKey = `${ledger.resourceClass(principal, table.arn)}\n${table.keyArn ?? ""}\n${ownCells ? table.name : ""}\n${tagClass(table)}`;
      const same = byGroup.get(groupKey);
      if (same !== undefined) {
        row.push(same.map((cell) => cellFor(cell, cell.principal, table.name)));
        ledger.countShared(same.length);
        continue;
      }
      // Each cell in cellFor's shape (the same fields, built in one place), so that copying millions of
      // them below reads objects of two shapes only.
      const tableCells: AccessCell[] = [];
      for (const operation of TABLE_OPERATIONS) {
        const cell = await tableCell({
          authorizer,
          ledger,
          model,
          table,
          principal,
          operation,
          keyPolicyOf,
          accountId,
        });
        tableCells.push(cellFor(cell, cell.principal));
      }
      if (table.keyArn !== undefined) {
        const cell = await directDecryptCell({
          authorizer,
          ledger,
          table,
          principal,
          keyPolicyOf,
          accountId,
        });
        tableCells.push(cellFor(cell, cell.principal));
      }
      byGroup.set(groupKey, tableCells);
      row.push(tableCells);
    }
    rows.set(rowKey, row);
    rowOf.push(row);
  }
  // The report's order: table by table, principal by principal, operation by operation. A principal's
  // cells are its row's own, or copies of the row it shares (named for it).
  const cells: AccessCell[] = [];
  for (let index = 0; index < model.tables.length; index++) {
    for (let position = 0; position < principals.length; position++) {
      const arn = principals[position].arn;
      for (const cell of rowOf[position][index]) {
        cells.push(cell.principal === arn ? cell : cellFor(cell, arn));
      }
    }
  }
  // A conditional cell may decrypt: it counts (fail closed). Principals sharing a row decrypt alike, so
  // each row is looked at once: at account scale (millions of cells) a search per principal would be
  // quadratic, and even one pass over every cell costs more than one over the rows.
  const rowDecrypts = new Map<AccessCell[][], boolean>();
  const decrypting = new Set<string>();
  principals.forEach((principal, position) => {
    const row = rowOf[position];
    let decrypts = rowDecrypts.get(row);
    if (decrypts === undefined) {
      decrypts = row.some((tableCells) =>
        tableCells.some(
          (cell) =>
            (cell.decision === "allowed" || cell.decision === "conditional") &&
            (cell.operation === DIRECT_DECRYPT || usesTableKey(cell.operation)),
        ),
      );
      rowDecrypts.set(row, decrypts);
    }
    if (decrypts) {
      decrypting.add(principal.arn);
    }
  });
  const found = await findObtainers({ access: { ...access, model }, ledger, cells, decrypting });
  const decryptors = principals.filter((principal) => decrypting.has(principal.arn)).map((p) => p.arn);
  return {
    accountId: model.accountId,
    region: model.region,
    deployer: model.deployer.arn,
    deployerSource: model.deployerSource,
    keys: model.keys.map((key) => ({ arn: key.arn, policySource: key.policySource })),
    tables,
    principals,
    cells,
    decryptors,
    obtainers: found.obtainers,
    blindSpots: [...found.blindSpots, ...planBlindSpots(access)],
    notDeployed: model.notDeployed,
    unknowns: model.unknowns,
    stats: {
      questions: ledger.questions,
      distinctDecisions: ledger.distinct,
      decisionMs: round(ledger.decisionMs),
      msPerDecision: ledger.distinct === 0 ? 0 : round(ledger.decisionMs / ledger.distinct),
    },
  };
}

/**
 * A copy of a shared cell for another principal or table. Written field by field: at account scale
 * millions of cells are copied, and a literal of fixed shape is several times cheaper than a spread.
 */
function cellFor(cell: AccessCell, principal: string, table: string = cell.table): AccessCell {
  return cell.conditions === undefined
    ? {
        table,
        principal,
        operation: cell.operation,
        decision: cell.decision,
        reason: cell.reason,
        statements: cell.statements,
      }
    : {
        table,
        principal,
        operation: cell.operation,
        decision: cell.decision,
        reason: cell.reason,
        statements: cell.statements,
        conditions: cell.conditions,
      };
}

interface CellQuestion {
  readonly authorizer: Authorizer;
  /** The stack's account (DynamoDB's aws:dynamodb:subscriberId). */
  readonly accountId: string;
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
  // A table's resource-based policy takes part in its decisions: principals it names decide apart, and
  // its decisions are the table's own.
  const tablePolicy = table.resourcePolicy?.document;
  const classKey =
    `${ledger.principalClass(principal, tablePolicy === undefined ? [] : [tablePolicy])}\n` +
    (tablePolicy === undefined
      ? `${ledger.resourceClass(principal, table.arn)}\n${tagClass(table)}`
      : table.arn);
  // Each IAM check the sandbox makes for the operation's request (sandbox/engine.ts cellChecks): a
  // transaction's every kind of part as its own action inside the transaction, with the keys whose values
  // depend on the request (the leading key, the attributes, Select, ReturnValues) unknown, so a decision
  // that depends on one is Conditional ("Using IAM with DynamoDB transactions"; "Using IAM policy
  // conditions for fine-grained access control"). The first part refused refuses the cell, as it refuses
  // the request.
  const parts: Decision[] = [];
  for (const check of checksOf(operation)) {
    const enclosing = check.requestKeys["dynamodb:EnclosingOperation"];
    const partKey =
      typeof enclosing === "string"
        ? `d\n${classKey}\n${check.action}\n${enclosing}`
        : `d\n${classKey}\n${check.action}`;
    // A class decided before answers at once (ledger.known): no promise turn for most of the questions.
    const decision =
      ledger.known<Decision>(partKey, principal) ??
      (await ledger.ask(partKey, principal, () =>
        authorizer.authorizeDynamoDb(principal.callerArn, check.action, table.arn, check.requestKeys),
      ));
    parts.push(decision);
    if (!decision.allowed && decision.outcome !== "Conditional") {
      break;
    }
  }
  const iam = combinedParts(parts);
  const base = { table: table.name, principal: principal.arn, operation };
  const iamConditional = iam.outcome === "Conditional";
  if (!iam.allowed && !iamConditional) {
    return {
      ...base,
      decision: "denied-by-iam",
      reason: reasonOf(iam, "IAM"),
      statements: tagged("iam", iam),
    };
  }
  if (table.keyArn === undefined || !usesTableKey(operation)) {
    return iamConditional
      ? conditionalCell(base, [iam], principal, tagged("iam", iam))
      : { ...base, decision: "allowed", reason: "allowed by IAM", statements: tagged("iam", iam) };
  }
  const keyArn = table.keyArn;
  // Tables on one key get one answer unless a policy or grant reads the encryption context DynamoDB sets.
  const keyPolicy = question.keyPolicyOf(keyArn);
  const byTable = ledger.readsEncryptionContext(principal, keyPolicy) ? table.name : "";
  const kmsKey = `v\n${ledger.principalClass(principal, [keyPolicy])}\n${keyArn}\n${byTable}`;
  const kms =
    ledger.known<KmsDecision>(kmsKey, principal) ??
    (await ledger.ask(kmsKey, principal, () =>
      authorizer.authorizeKmsViaDynamoDb(principal.callerArn, "kms:Decrypt", keyArn, {
        name: table.name,
        region: model.region,
        accountId: model.accountId,
      }),
    ));
  const statements = [...tagged("iam", iam), ...tagged("kms", kms)];
  // The key refuses for sure: the call fails at KMS whatever IAM's side turns out to allow.
  if (!kms.allowed && kms.outcome !== "Conditional") {
    return { ...base, decision: "denied-by-kms", reason: reasonOf(kms, "KMS, through DynamoDB"), statements };
  }
  if (iamConditional || kms.outcome === "Conditional") {
    return conditionalCell(base, [iam, kms], principal, statements);
  }
  const by = kms.grantId === undefined ? "" : ` (grant ${kms.grantId})`;
  return {
    ...base,
    decision: "allowed",
    reason: `allowed by IAM and by KMS through DynamoDB${by}`,
    statements,
  };
}

/**
 * The IAM decision of a request made of `parts` (each kind of a transaction's parts, or the one action): the
 * last part's when it refuses (the loop stops at the first refusal), else Conditional with every part's
 * conditions when one is Conditional, else Allowed with every part's statements.
 */
function combinedParts(parts: readonly Decision[]): Decision {
  const last = parts[parts.length - 1];
  if (parts.length === 1 || (!last.allowed && last.outcome !== "Conditional")) {
    return last;
  }
  const statements = [...new Set(parts.flatMap((part) => part.statements ?? []))];
  const conditional = parts.filter((part) => part.outcome === "Conditional");
  return conditional.length === 0
    ? { ...last, statements }
    : {
        ...conditional[0],
        statements,
        conditions: conditional.flatMap((part) => part.conditions ?? []),
      };
}

/** kms:Decrypt called directly on the table's key: no kms:ViaService (KMS developer guide, kms:ViaService). */
async function directDecryptCell(question: CellQuestion): Promise<AccessCell> {
  const { authorizer, ledger, table, principal } = question;
  const keyArn = table.keyArn as string;
  // A service calls KMS itself for the table, with the table's encryption context (DynamoDB developer guide,
  // "How Amazon DynamoDB uses AWS KMS"), which the grant DynamoDB creates for the table is constrained to.
  const forTable = principal.kind === "aws-service";
  const kmsKey =
    `k\n${ledger.principalClass(principal, [question.keyPolicyOf(keyArn)])}\nkms:Decrypt\n${keyArn}` +
    (forTable ? `\n${table.name}` : "");
  const kms =
    ledger.known<KmsDecision>(kmsKey, principal) ??
    (await ledger.ask(kmsKey, principal, () =>
      authorizer.authorizeKms(
        principal.callerArn,
        "kms:Decrypt",
        keyArn,
        forTable
          ? {
              encryptionContext: {
                "aws:dynamodb:tableName": table.name,
                "aws:dynamodb:subscriberId": question.accountId,
              },
            }
          : {},
      ),
    ));
  const base = { table: table.name, principal: principal.arn, operation: DIRECT_DECRYPT as MatrixOperation };
  if (kms.outcome === "Conditional") {
    return conditionalCell(base, [kms], principal, tagged("kms", kms));
  }
  return {
    ...base,
    decision: kms.allowed ? "allowed" : "denied-by-kms",
    reason: kms.allowed
      ? `allowed by KMS (${forTable ? "the service's call for the table" : "direct call"}${kms.grantId === undefined ? "" : `, grant ${kms.grantId}`})`
      : reasonOf(kms, "KMS, direct call"),
    statements: tagged("kms", kms),
  };
}

/**
 * A cell the engine cannot decide for sure: it names what it depends on (the principal's policies whose
 * documents are unknown, the conditions on request values), and counts as one that may decrypt.
 */
function conditionalCell(
  base: Pick<AccessCell, "table" | "principal" | "operation">,
  decisions: readonly Decision[],
  principal: AccessPrincipal,
  statements: CellStatement[],
): AccessCell {
  const conditions = decisions.flatMap((decision) =>
    (decision.conditions ?? []).map(
      (condition) =>
        `${condition.policy}${condition.sid === undefined ? ` #${condition.index}` : ` Sid ${condition.sid}`}: ` +
        `${condition.key} ${condition.operator} ${JSON.stringify(condition.values)}`,
    ),
  );
  const unknown = principal.unknownPolicies ?? [];
  const because = [
    ...(unknown.length > 0
      ? [`the documents of ${unknown.join(", ")} are unknown, taken at worst (they may allow it)`]
      : []),
    ...(conditions.length > 0 ? [`it depends on request values: ${conditions.join("; ")}`] : []),
  ];
  return {
    ...base,
    decision: "conditional",
    reason: `conditional: ${because.join("; ") || "it depends on what the plan cannot show"}`,
    statements,
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

/** What the plan itself keeps from the proof: the default deployer, what is not deployed, what is unknown. */
function planBlindSpots(access: AccessModel): string[] {
  const { model, principals } = access;
  const spots: string[] = [];
  if (model.deployerSource === "default") {
    spots.push(
      `The plan does not say who deploys it (no getCallerIdentity invoke; record one with npm run synth -- --invokes): ` +
        `the deployer is taken to be ${model.deployer.arn}, an administrator of the account.`,
    );
  }
  for (const key of model.keys.filter((candidate) => candidate.policySource === "default")) {
    spots.push(
      `The key ${key.arn} has no key policy in the plan: it is decided with the default key policy KMS gives it, ` +
        'which lets any identity policy of the account allow its use (KMS Developer Guide, "Default key policy").',
    );
  }
  if (model.organization !== undefined && model.organization.managementAccountId === undefined) {
    spots.push(
      "SCPs or RCPs are known, but not which account manages the organization (the plan has no " +
        "aws.organizations.Organization and no getOrganization invoke): the stack's account is taken to be the " +
        'management account, which SCPs and RCPs do not affect (AWS Organizations User Guide, "Service control ' +
        'policies (SCPs)"), so they are not applied (at worst). Record the invoke with npm run synth -- --invokes.',
    );
  }
  if (model.notDeployed.length > 0) {
    spots.push(
      `${model.notDeployed.length} resource(s) of the plan are not deployed by the engine and not seen by the proof: ` +
        model.notDeployed.map((entry) => `${entry.urn} (${entry.reason})`).join("; "),
    );
  }
  if (model.unknowns.length > 0) {
    spots.push(
      `${model.unknowns.length} resource(s) need values unknown until deployment; none is guessed: ` +
        model.unknowns.map((entry) => `${entry.urn}: ${entry.path} (${entry.consequence})`).join("; "),
    );
  }
  for (const principal of principals.filter((candidate) => (candidate.unknownPolicies ?? []).length > 0)) {
    spots.push(
      `${principal.name}: the documents of ${(principal.unknownPolicies ?? []).join(", ")} are not known, so its ` +
        "identity-based policies are taken at worst (they may allow anything): its cells that IAM could allow are conditional.",
    );
  }
  return spots;
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

/** Tables of different tags may get different answers (aws:ResourceTag): their tags are part of their class. */
function tagClass(table: CloudTable): string {
  return table.tags === undefined ? "" : JSON.stringify(table.tags);
}
