/**
 * `npm run access` at scale: a plan of 100 IAM users and 10 tables (each on its own key, every key with
 * its own key users) analysed in one run. Target: under 5 s. Prints the questions asked, the distinct
 * decisions the engine made (questions sharing a policy set, action and resource are decided once) and
 * the cost of each.
 */
import { performance } from "node:perf_hooks";
import { DYNAMODB_ACCESS_LEVELS } from "../infra/outputs";
import { analyzePlan } from "../access/analyze";
import { buildStackPlan, type TableAccessLevel, type UserSpec } from "../test/support/accessStacks";
import { reportTarget } from "./target";

const USERS = 100;
const TABLES = 10;
const TARGET_MS = 5_000;
const LEVELS: TableAccessLevel[] = ["none", ...DYNAMODB_ACCESS_LEVELS];

export async function run(): Promise<void> {
  const users: UserSpec[] = Array.from({ length: USERS }, (_, index) => ({
    access: LEVELS[index % LEVELS.length],
    extras: index % 25 === 0 ? ["allow-kms-decrypt"] : [],
    withAccessKey: true,
  }));
  const plan = buildStackPlan({
    id: "bench",
    users,
    // Key k is used by every user whose index is congruent to k modulo 7: overlapping key-user sets.
    keys: Array.from({ length: TABLES }, (_, key) => ({
      rootStatement: key % 2 === 0,
      keyUsers: users.map((_, index) => index).filter((index) => index % 7 === key % 7),
      viaDynamoDbOnly: true,
      deniedUsers: [],
      enabled: true,
    })),
    tables: Array.from({ length: TABLES }, (_, table) => table),
  });
  const started = performance.now();
  const report = await analyzePlan(plan);
  const ms = performance.now() - started;
  const { questions, distinctDecisions, decisionMs, msPerDecision } = report.stats;
  reportTarget({
    name: "npm run access, 100 principals x 10 tables",
    value: ms / 1000,
    unit: "s",
    limit: { max: TARGET_MS / 1000 },
    note: `${report.principals.length} principals x ${report.tables.length} tables = ${report.cells.length} cells`,
  });
  console.log(
    `access: ${questions} questions, ${distinctDecisions} distinct decisions ` +
      `(${(questions / distinctDecisions).toFixed(1)}x fewer), ${decisionMs.toFixed(0)} ms in the engine, ` +
      `${msPerDecision.toFixed(3)} ms per decision`,
  );
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
