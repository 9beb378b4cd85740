/**
 * `npm run access -- (--stack S | --plan FILE) [--json] [--html FILE] [--compare PLAN] [--expect-key-users]`:
 * who can read each table of a plan, before anything is deployed, decided by the sandbox's own engine.
 * Exit 0; 1 when --expect-key-users finds an unexpected holder; 2 for a mistake (one line on stderr).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseCliArgs, processIo, runCli, runMain, UsageError, type Io } from "./support";
import { synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";
import { analyzePlan, loadAccessModel, analyzeModel, PlanInputError } from "../access/analyze";
import { compareReports, type CellChange } from "../access/compare";
import { declaredHolders } from "../access/declared";
import { expectKeyUsers, formatKeyUsersVerdict, type KeyUsersVerdict } from "../access/expect";
import { formatChanges, formatMatrix } from "../access/format";
import { renderHtml } from "../access/html";
import type { AccessReport } from "../access/types";

export const USAGE =
  "usage: npm run access -- (--stack NAME | --plan FILE) [--json] [--html FILE] [--compare PLAN] [--expect-key-users]";

export function main(argv: string[], io: Io = processIo()): Promise<number> {
  return runCli(io, async () => {
    const args = parseCliArgs(
      argv,
      {
        stack: { type: "string" },
        plan: { type: "string" },
        json: { type: "boolean" },
        html: { type: "string" },
        compare: { type: "string" },
        "expect-key-users": { type: "boolean" },
      },
      USAGE,
    );
    if ((args.stack === undefined) === (args.plan === undefined)) {
      throw new UsageError(`give one of --stack or --plan\n${USAGE}`);
    }
    const started = Date.now();
    const plan =
      args.plan !== undefined
        ? readPlanFile(path.resolve(io.cwd, args.plan))
        : await synthesize({ stack: args.stack as string, projectDir: io.cwd });
    const { report, verdict } = await userErrors(async () => {
      const access = await loadAccessModel(plan);
      const analysed = await analyzeModel(access);
      return {
        report: analysed,
        verdict: args["expect-key-users"]
          ? expectKeyUsers(analysed, declaredHolders(plan, access.model))
          : undefined,
      };
    });
    const changes: CellChange[] | undefined =
      args.compare === undefined
        ? undefined
        : compareReports(
            await userErrors(() => analyzePlan(readPlanFile(path.resolve(io.cwd, args.compare as string)))),
            report,
          );
    io.stderr(`analysed in ${Date.now() - started} ms`);
    if (args.html !== undefined) {
      writeFileSync(path.resolve(io.cwd, args.html), renderHtml(report, changes));
      io.stderr(`wrote ${args.html}`);
    }
    if (args.json) {
      io.stdout(JSON.stringify(jsonOf(report, changes, verdict), null, 2));
    } else {
      io.stdout(formatMatrix(report));
      if (changes !== undefined) {
        io.stdout(`\n${formatChanges(changes, report)}`);
      }
      if (verdict !== undefined) {
        io.stdout(`\n${formatKeyUsersVerdict(verdict)}`);
      }
    }
    return verdict === undefined || verdict.ok ? 0 : 1;
  });
}

/** The --json document (docs/contracts.md, "Access"). */
export function jsonOf(
  report: AccessReport,
  changes?: readonly CellChange[],
  verdict?: KeyUsersVerdict,
): Record<string, unknown> {
  return {
    ...report,
    ...(changes === undefined ? {} : { changes }),
    ...(verdict === undefined ? {} : { expectKeyUsers: verdict }),
  };
}

function readPlanFile(file: string): Plan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`${file}: not a readable JSON plan (${(err as Error).message.split("\n")[0]})`);
  }
  const steps = (parsed as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) {
    throw new UsageError(`${file}: has no "steps" list; give a plan printed by npm run synth`);
  }
  return parsed as Plan;
}

async function userErrors<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof PlanInputError) {
      throw new UsageError(err.message.split("\n")[0]);
    }
    throw err;
  }
}

if (require.main === module) {
  runMain(main);
}
