/**
 * The difference between two analyses (`--compare OLD`): cells whose decision changed, and the access the
 * new plan adds (`--fail-on-new-access`, as IAM Access Analyzer's CheckNoNewAccess answers it for a
 * policy: any principal that may now do what it could not before).
 *
 * A cell is matched by table, principal and operation. Between two plans, a table is its name and a
 * principal its ARN; when OLD is a deployed state (`pulumi stack export`), the plan's tables and principals
 * are matched by URN, so a resource the new plan keeps is the same one whatever its physical name. The
 * principal classes the proof adds (the deployer, the root, any other principal of the account, ...) are
 * matched by kind and name. A cell in only one of the two shows as `absent` on the other side.
 */
import { declaredStates, type Plan } from "../plan/types";
import { reveal } from "../plan/values";
import { DIRECT_DECRYPT, usesTableKey } from "./operations";
import type { AccessCell, AccessDecision, AccessReport } from "./types";

export interface CellChange {
  readonly table: string;
  readonly principal: string;
  readonly operation: string;
  readonly before: AccessDecision | "absent";
  readonly after: AccessDecision | "absent";
}

/** How the cells of one report are named across two reports. */
export interface ReportIdentity {
  table(name: string): string;
  principal(arn: string): string;
}

/**
 * The identity of `report`'s tables and principals: by URN when `plan` (the report's plan) is given and
 * names the resource, else by table name and principal ARN; a principal class by its kind and name.
 */
export function identityOf(report: AccessReport, plan?: Plan): ReportIdentity {
  const urns = plan === undefined ? new Map<string, string>() : urnsOf(plan);
  const byArn = new Map(report.principals.map((principal) => [principal.arn, principal]));
  return {
    table: (name) => urns.get(`table\n${name}`) ?? name,
    principal: (arn) => {
      const principal = byArn.get(arn);
      if (principal !== undefined && !principal.fromPlan) {
        return `${principal.kind}:${principal.name}`;
      }
      return urns.get(`principal\n${arn}`) ?? arn;
    },
  };
}

export function compareReports(
  before: AccessReport,
  after: AccessReport,
  identities: { readonly before?: ReportIdentity; readonly after?: ReportIdentity } = {},
): CellChange[] {
  const keyBefore = cellKey(identities.before ?? identityOf(before));
  const keyAfter = cellKey(identities.after ?? identityOf(after));
  const old = new Map(before.cells.map((cell) => [keyBefore(cell), cell]));
  const changes: CellChange[] = [];
  for (const cell of after.cells) {
    const previous = old.get(keyAfter(cell));
    old.delete(keyAfter(cell));
    if (previous?.decision !== cell.decision) {
      changes.push({ ...pick(cell), before: previous?.decision ?? "absent", after: cell.decision });
    }
  }
  for (const cell of old.values()) {
    changes.push({ ...pick(cell), before: cell.decision, after: "absent" });
  }
  return changes;
}

/** Access the new plan gives that the old did not: to the data (a decrypting cell) or to change it. */
export interface AddedAccess {
  /** `decrypt`: a cell that reads or writes the data through its key; `obtain`: a way to change who can. */
  readonly kind: "decrypt" | "obtain";
  /** The principal's ARN in the new report. */
  readonly principal: string;
  readonly table?: string;
  readonly operation?: string;
  readonly before?: AccessDecision | "absent";
  readonly after?: AccessDecision;
  /** For `obtain`: the path, as `obtainers[].paths` gives it. */
  readonly path?: string;
  /**
   * The statements that grant it, as "IAM inline:NAME Sid X", "KMS key policy Sid Y", "KMS grant ID";
   * for `obtain`, inside `path`.
   */
  readonly grantedBy: readonly string[];
}

/**
 * What `after` lets any principal do that `before` did not: each decrypting cell allowed (or conditional:
 * fail closed) that was not, and each way to change who can decrypt that was not there, with the
 * statements that grant it.
 */
export function addedAccess(
  before: AccessReport,
  after: AccessReport,
  identities: { readonly before?: ReportIdentity; readonly after?: ReportIdentity } = {},
): AddedAccess[] {
  const idBefore = identities.before ?? identityOf(before);
  const idAfter = identities.after ?? identityOf(after);
  const keyBefore = cellKey(idBefore);
  const keyAfter = cellKey(idAfter);
  const old = new Map(before.cells.map((cell) => [keyBefore(cell), cell]));
  const added: AddedAccess[] = [];
  for (const cell of after.cells.filter((candidate) => isDataAccess(candidate) && mayAllow(candidate))) {
    const previous = old.get(keyAfter(cell));
    if (previous !== undefined && mayAllow(previous)) {
      continue;
    }
    added.push({
      kind: "decrypt",
      principal: cell.principal,
      table: cell.table,
      operation: cell.operation,
      before: previous?.decision ?? "absent",
      after: cell.decision,
      grantedBy: cell.statements
        .filter((statement) => statement.effect === "Allow")
        .map(
          (statement) =>
            `${statement.by.toUpperCase()} ${statement.policy}` +
            (statement.policy.startsWith("grant ")
              ? ""
              : statement.sid === undefined
                ? ` #${statement.index}`
                : ` Sid ${statement.sid}`),
        ),
    });
  }
  // A path is "ACTION on RESOURCE (statements)": the same action on the same resource is the same access,
  // whichever statements grant it now.
  const oldPaths = new Set(
    before.obtainers.flatMap((entry) =>
      entry.paths.map((path) => `${idBefore.principal(entry.principal)}\n${pathTarget(path)}`),
    ),
  );
  for (const entry of after.obtainers) {
    for (const path of entry.paths) {
      if (!oldPaths.has(`${idAfter.principal(entry.principal)}\n${pathTarget(path)}`)) {
        added.push({ kind: "obtain", principal: entry.principal, path, grantedBy: [] });
      }
    }
  }
  return added;
}

/** What a path does, without the statements that grant it: "kms:PutKeyPolicy on KEY". */
function pathTarget(path: string): string {
  const open = path.indexOf(" (");
  return open === -1 ? path : path.slice(0, open);
}

function isDataAccess(cell: AccessCell): boolean {
  return cell.operation === DIRECT_DECRYPT || usesTableKey(cell.operation);
}

function mayAllow(cell: Pick<AccessCell, "decision">): boolean {
  return cell.decision === "allowed" || cell.decision === "conditional";
}

function cellKey(identity: ReportIdentity) {
  return (cell: { table: string; principal: string; operation: string }): string =>
    `${identity.table(cell.table)}\n${identity.principal(cell.principal)}\n${cell.operation}`;
}

/**
 * The URN of each table (by name) and IAM principal (by ARN) a plan declares, read as the engine reads
 * them: the name in the inputs (else the outputs), the ARN in the outputs.
 */
function urnsOf(plan: Plan): Map<string, string> {
  const urns = new Map<string, string>();
  for (const state of declaredStates(plan)) {
    const inputs = (reveal(state.inputs) ?? {}) as Record<string, unknown>;
    const outputs = (reveal(state.outputs) ?? {}) as Record<string, unknown>;
    if (state.type === "aws:dynamodb/table:Table") {
      const name = inputs.name ?? outputs.name;
      if (typeof name === "string") {
        urns.set(`table\n${name}`, state.urn);
      }
    } else if (state.type === "aws:iam/user:User" || state.type === "aws:iam/role:Role") {
      if (typeof outputs.arn === "string") {
        urns.set(`principal\n${outputs.arn}`, state.urn);
      }
    }
  }
  return urns;
}

function pick(cell: { table: string; principal: string; operation: string }) {
  return { table: cell.table, principal: cell.principal, operation: cell.operation };
}
