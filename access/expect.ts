/**
 * `--expect-key-users`: the IAM users and roles (of the plan, or of the account data) that can decrypt must
 * be exactly the declared key users, and those that can obtain access (decrypt now, or change who can
 * decrypt) exactly the key users plus the key administrators. The account root, the deploying identity and
 * the principal classes (any other principal of the account whose IAM policies allow it, ...) are judged by
 * the key's policy: under the default key policy their decrypting is what that policy means (the account
 * delegates key use to IAM: KMS developer guide, "Default key policy"), a warning line; under the strict
 * one, where only the key users may use the key, it is a violation. AWS service principals are reported
 * apart, as expected holders.
 */
import type { DeclaredHolders } from "./declared";
import { DIRECT_DECRYPT, usesTableKey } from "./operations";
import type { AccessReport } from "./types";

export interface KeyUsersVerdict {
  readonly ok: boolean;
  /** One sentence each, naming the principal and the path. */
  readonly violations: readonly string[];
  /**
   * Principals other than the plan's users and roles that can decrypt through a key of the default policy:
   * what that policy means (the account's IAM policies decide), one line each, never a failure.
   */
  readonly warnings: readonly string[];
  /** Holders outside the plan's users and roles, with why they are expected. */
  readonly expectedHolders: readonly string[];
  /**
   * Each KMS grant to a plan user or role, with what it lets the grantee do in the matrix: a grant is a
   * path to the key outside the key policy (KMS developer guide, "Grants in AWS KMS").
   */
  readonly grants: readonly string[];
  readonly blindSpots: readonly string[];
}

export function expectKeyUsers(report: AccessReport, declared: DeclaredHolders): KeyUsersVerdict {
  const byArn = new Map(report.principals.map((principal) => [principal.arn, principal]));
  // Concrete IAM users and roles: the plan's, and any the account data adds.
  const planPrincipals = report.principals.filter(
    (principal) => principal.fromPlan || principal.kind === "user" || principal.kind === "role",
  );
  const concrete = new Set(planPrincipals.map((principal) => principal.arn));
  const name = (arn: string): string => byArn.get(arn)?.name ?? arn;
  const decryptPath = (arn: string): string => {
    // The path through the key first (its statements name who let it in), else any cell that reads the
    // data (a table on no customer managed key), else a conditional one (its reason says what it hangs on).
    const reads = report.cells.filter(
      (cell) =>
        cell.principal === arn &&
        (cell.decision === "allowed" || cell.decision === "conditional") &&
        (cell.operation === DIRECT_DECRYPT || usesTableKey(cell.operation)),
    );
    const cell =
      reads.find(
        (candidate) => candidate.decision === "allowed" && candidate.statements.some((s) => s.by === "kms"),
      ) ??
      reads.find((candidate) => candidate.decision === "allowed") ??
      reads[0];
    if (cell === undefined) {
      return "no path";
    }
    if (cell.decision === "conditional") {
      return `${cell.operation} on ${cell.table} (${cell.reason})`;
    }
    const statements = cell.statements
      .filter((statement) => statement.effect === "Allow")
      .map(
        (s) => `${s.by.toUpperCase()} ${s.policy} ${s.sid === undefined ? `#${s.index}` : `Sid ${s.sid}`}`,
      );
    return `${cell.operation} on ${cell.table} (${statements.join(", ")})`;
  };
  const obtainPaths = new Map(report.obtainers.map((entry) => [entry.principal, entry.paths]));
  const decryptors = new Set(report.decryptors);
  const keyUsers = new Set(declared.keyUsers);
  const mayObtain = new Set([...declared.keyUsers, ...declared.keyAdministrators]);

  const violations: string[] = [];
  for (const principal of planPrincipals) {
    const decrypts = decryptors.has(principal.arn);
    const changes = obtainPaths.has(principal.arn);
    if (decrypts && !keyUsers.has(principal.arn)) {
      violations.push(
        `${principal.name} can decrypt but is not a declared key user: ${decryptPath(principal.arn)}`,
      );
    }
    if (!decrypts && keyUsers.has(principal.arn)) {
      violations.push(`${principal.name} is a declared key user but cannot decrypt any table`);
    }
    if (changes && !mayObtain.has(principal.arn)) {
      violations.push(
        `${principal.name} can obtain access but is neither a key user nor a key administrator: ` +
          (obtainPaths.get(principal.arn) ?? []).join("; "),
      );
    }
  }

  const strictKeys = new Set(declared.strictKeys);
  const keyOf = new Map(report.tables.map((table) => [table.name, table.keyArn]));
  const warnings: string[] = [];
  // AWS services decrypt through the grants made for their resources (DynamoDB's for the table): expected
  // holders, listed below with the path.
  for (const principal of report.principals.filter(
    (candidate) => !concrete.has(candidate.arn) && candidate.kind !== "aws-service",
  )) {
    if (!decryptors.has(principal.arn) || keyUsers.has(principal.arn)) {
      continue;
    }
    const reads = report.cells.filter(
      (cell) =>
        cell.principal === principal.arn &&
        (cell.decision === "allowed" || cell.decision === "conditional") &&
        (cell.operation === DIRECT_DECRYPT || usesTableKey(cell.operation)),
    );
    const strictTables = [
      ...new Set(
        reads.filter((cell) => strictKeys.has(keyOf.get(cell.table) ?? "")).map((cell) => cell.table),
      ),
    ];
    const label = `${name(principal.arn)} (${principal.kind}, ${principal.arn})`;
    if (strictTables.length > 0) {
      violations.push(
        `${label} can decrypt ${strictTables.join(", ")} although the key policy is strict: ${decryptPath(principal.arn)}`,
      );
    } else {
      warnings.push(
        `${label} can decrypt: the default key policy lets the account's IAM policies allow key use ` +
          `(set kms-dynamodb:keyPolicy: strict to keep it to the key users): ${decryptPath(principal.arn)}`,
      );
    }
  }

  const expectedHolders: string[] = [];
  for (const principal of report.principals.filter((candidate) => !concrete.has(candidate.arn))) {
    const decrypts = decryptors.has(principal.arn);
    const paths = obtainPaths.get(principal.arn) ?? [];
    if (decrypts || paths.length > 0) {
      const what = [
        decrypts ? "can decrypt" : "",
        paths.length > 0 ? `can obtain access (${paths.join("; ")})` : "",
      ]
        .filter((part) => part !== "")
        .join(" and ");
      const through = principal.kind === "aws-service" && decrypts ? `: ${decryptPath(principal.arn)}` : "";
      expectedHolders.push(`${name(principal.arn)} (${principal.kind}, ${principal.arn}) ${what}${through}`);
    }
  }
  const grants = planPrincipals.flatMap((principal) =>
    principal.grants.map((grant) => {
      const grantId = grant.split(" ")[0];
      const used = report.cells.filter(
        (cell) =>
          cell.principal === principal.arn &&
          cell.decision === "allowed" &&
          cell.statements.some((statement) => statement.policy === `grant ${grantId}`),
      );
      const what =
        used.length === 0
          ? "allows no cell of the matrix"
          : `allows ${used.map((cell) => `${cell.operation} on ${cell.table}`).join(", ")}`;
      return `${principal.name} (${principal.kind}) holds grant ${grant}: ${what}`;
    }),
  );
  return {
    ok: violations.length === 0,
    violations,
    warnings,
    expectedHolders,
    grants,
    blindSpots: report.blindSpots,
  };
}

export function formatKeyUsersVerdict(verdict: KeyUsersVerdict): string {
  const lines = [
    verdict.ok
      ? "✓ --expect-key-users: the users and roles that can decrypt or obtain access are the declared ones"
      : `✗ --expect-key-users: ${verdict.violations.length} unexpected`,
    ...verdict.violations.map((line) => `  ✗ ${line}`),
    ...verdict.warnings.map((line) => `  ! ${line}`),
    ...(verdict.grants.length === 0
      ? []
      : ["KMS grants to the plan's users and roles:", ...verdict.grants.map((line) => `  · ${line}`)]),
    "Expected holders (not judged):",
    ...verdict.expectedHolders.map((line) => `  · ${line}`),
    "What this cannot see:",
    ...verdict.blindSpots.map((line) => `  ? ${line}`),
  ];
  return lines.join("\n");
}
