/**
 * `npm run access -- --account-data DIR` at account scale: a plan of 50 tables on 10 keys merged with an
 * account of 5,000 IAM users read from account data (the AWS CLI's `iam get-account-authorization-details`
 * output), at least 500 distinct identity policies among them, every user in groups with their own
 * policies and every third one under a permissions boundary. Target: under 5 s from reading the folder to
 * the report, and a cost that grows no faster than linearly: the curve at 500, 1,000, 2,000 and 5,000
 * users, PASS when the time per principal at each size stays within 1.25x of the time per principal at
 * 500 (a fixed start-up cost makes small sizes dearer per principal, never cheaper).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { readAccountData } from "../access/accountData/read";
import { analyzeModel, loadAccessModel } from "../access/analyze";
import { ACCOUNT_ID, buildStackPlan } from "../test/support/accessStacks";
import { writeAccountData, type AccountDataSpec } from "../test/support/accountData";
import { loadAverage, reportTarget } from "./target";

const SIZES = (process.env.BENCH_SIZES ?? "500,1000,2000,5000").split(",").map(Number);
const TABLES = 50;
const KEYS = 10;
/** Distinct inline policy documents among the users (the target asks for at least 500). */
const DISTINCT_POLICIES = 600;
const GROUPS = 40;
const BOUNDARIES = 8;
const TARGET_MS = 5_000;
const LINEAR_SLACK = 1.25;

/** An identity policy of the account: table reads on a slice of the tables, some with kms:Decrypt. */
function identityPolicy(variant: number): Record<string, unknown> {
  const tables = [variant % TABLES, (variant * 7) % TABLES].map(
    (table) => `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/bench-t${table}`,
  );
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: `Read${variant}`,
        Effect: "Allow",
        Action:
          variant % 3 === 0 ? ["dynamodb:GetItem", "dynamodb:Query"] : ["dynamodb:*Item", "dynamodb:Scan"],
        Resource: tables,
      },
      ...(variant % 5 === 0 ? [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }] : []),
    ],
  };
}

/** The account: `users` users over DISTINCT_POLICIES inline documents, GROUPS groups, BOUNDARIES boundaries. */
export function account(users: number): AccountDataSpec {
  const boundaryArn = (index: number) => `arn:aws:iam::${ACCOUNT_ID}:policy/boundary-${index}`;
  return {
    accountId: ACCOUNT_ID,
    users: Array.from({ length: users }, (_, index) => ({
      name: `member-${index}`,
      inline: { data: identityPolicy(index % DISTINCT_POLICIES) },
      groups: [`group-${index % GROUPS}`, ...(index % 4 === 0 ? [`group-${(index + 1) % GROUPS}`] : [])],
      ...(index % 3 === 0 ? { boundary: boundaryArn(index % BOUNDARIES) } : {}),
      ...(index % 10 === 0 ? { attached: [`arn:aws:iam::${ACCOUNT_ID}:policy/shared-${index % 20}`] } : {}),
    })),
    groups: Array.from({ length: GROUPS }, (_, index) => ({
      name: `group-${index}`,
      inline: {
        describe: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "dynamodb:DescribeTable", Resource: "*" }],
        },
        ...(index % 5 === 0
          ? {
              deny: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Deny", Action: "dynamodb:Scan", Resource: "*" }],
              },
            }
          : {}),
      },
    })),
    policies: [
      ...Array.from({ length: BOUNDARIES }, (_, index) => ({
        name: `boundary-${index}`,
        document: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: index % 2 === 0 ? ["dynamodb:*", "kms:*"] : ["dynamodb:*"],
              Resource: "*",
            },
          ],
        },
      })),
      ...Array.from({ length: 20 }, (_, index) => ({
        name: `shared-${index}`,
        document: identityPolicy(DISTINCT_POLICIES + index),
      })),
    ],
  };
}

/** The stack: 50 tables on 10 keys, each key policy delegating to the account (half name key users too). */
export function plan() {
  return buildStackPlan({
    id: "bench",
    users: [{ access: "full", extras: [], withAccessKey: true }],
    keys: Array.from({ length: KEYS }, (_, key) => ({
      rootStatement: true,
      keyUsers: key % 2 === 0 ? [0] : [],
      viaDynamoDbOnly: true,
      deniedUsers: [],
      enabled: true,
    })),
    tables: Array.from({ length: TABLES }, (_, table) => table % KEYS),
  });
}

export async function run(): Promise<void> {
  const stack = plan();
  const root = mkdtempSync(join(tmpdir(), "bench-account-"));
  try {
    const curve: { users: number; principals: number; ms: number; cells: number }[] = [];
    // The largest account first, in a fresh process: the target is met cold, as a CI job meets it; the
    // smaller sizes then give the curve.
    for (const users of [...SIZES].reverse()) {
      const dir = join(root, String(users));
      writeAccountData(dir, account(users));
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const access = await loadAccessModel(stack, { accountData: readAccountData(dir) });
      const report = await analyzeModel(access);
      const ms = performance.now() - started;
      // CPU time (every thread of the process, the garbage collector's included) is less sensitive to a
      // shared machine's load than wall time: printed beside it, to compare runs made under different loads.
      const cpu = process.cpuUsage(cpuBefore);
      curve.push({ users, principals: report.principals.length, ms, cells: report.cells.length });
      const { questions, distinctDecisions, decisionMs } = report.stats;
      console.log(
        `access, account data: ${users} users (${report.principals.length} principals) x ${report.tables.length} tables = ` +
          `${report.cells.length} cells in ${(ms / 1000).toFixed(2)} s (${((ms * 1000) / report.cells.length).toFixed(2)} µs per cell); ` +
          `${questions} questions, ${distinctDecisions} distinct decisions, ${decisionMs.toFixed(0)} ms in the engine; ` +
          `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU [load average ${loadAverage()}]`,
      );
      rmSync(dir, { recursive: true, force: true });
    }
    curve.sort((a, b) => a.users - b.users);
    const largest = curve[curve.length - 1];
    reportTarget({
      name: `npm run access --account-data, ${largest.users} principals x ${TABLES} tables`,
      value: largest.ms / 1000,
      unit: "s",
      limit: { max: TARGET_MS / 1000 },
      note: `${largest.principals} principals, ${largest.cells} cells; ${DISTINCT_POLICIES} distinct inline policies, ${GROUPS} groups, ${BOUNDARIES} boundaries`,
    });
    const perPrincipal = curve.map((point) => point.ms / point.principals);
    const growth = Math.max(...perPrincipal.map((cost) => cost / perPrincipal[0]));
    reportTarget({
      name: "npm run access --account-data, cost per principal at 500-5,000 principals vs at 500 (no faster than linear)",
      value: growth,
      unit: "x",
      limit: { max: LINEAR_SLACK },
      note: `curve: ${curve.map((point) => `${point.users}: ${(point.ms / 1000).toFixed(2)} s`).join(", ")}`,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
