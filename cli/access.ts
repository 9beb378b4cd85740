/**
 * `npm run access -- --stack NAME` or `-- --plan FILE`: who can read each table of a plan, before anything is
 * deployed, decided by the sandbox's own engine. Exit 0; 1 when --expect-key-users finds an unexpected
 * holder; 2 for a mistake (one line on stderr).
 */
import * as path from "node:path";
import { checkOutputFile, writeOutputFile } from "../common/outputFile";
import { displayPath, readUserJson } from "../common/userFile";
import { MAX_CHECKPOINT_BYTES, MAX_CHECKPOINT_DEPTH } from "../plan/checkpoint";
import { planOfDocument } from "../plan/planFile";
import { readInvokesFile } from "../plan/invokes";
import { ProgramError } from "../plan/programProcess";
import { synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";
import { accountDeployer } from "../access/accountData/merge";
import { readAccountData } from "../access/accountData/read";
import type { AccountData } from "../access/accountData/types";
import { analyzePlan, loadAccessModel, analyzeModel, PlanInputError } from "../access/analyze";
import { compareReports, type CellChange } from "../access/compare";
import { declaredHolders } from "../access/declared";
import { expectKeyUsers, formatKeyUsersVerdict, type KeyUsersVerdict } from "../access/expect";
import { formatChanges, formatMatrix } from "../access/format";
import { renderHtml } from "../access/html";
import type { AccessReport } from "../access/types";
import { defineCommand, mainOf, runMain, UsageError } from "./runner";

export const command = defineCommand({
  name: "access",
  summary:
    "Who can read each table of a plan, before anything is deployed, decided per table, principal and operation by the sandbox's own access engine.",
  options: {
    stack: {
      type: "string",
      placeholder: "NAME",
      description: "synthesize this stack of the project and analyse its plan (or give --plan)",
    },
    project: {
      type: "string",
      placeholder: "DIR",
      description: "with --stack: a Pulumi program folder with its own node_modules (default: this project)",
    },
    "config-file": {
      type: "string",
      placeholder: "FILE",
      description: "with --stack: the stack's config from FILE instead of Pulumi.NAME.yaml",
    },
    invokes: {
      type: "string",
      placeholder: "FILE",
      description:
        "with --stack: recorded invoke results (a getCallerIdentity names the deployer), as npm run synth takes them",
    },
    plan: { type: "string", placeholder: "FILE", description: "analyse a plan printed by `npm run synth`" },
    json: { type: "boolean", description: "print the report as JSON (docs/contracts.md, Access)" },
    html: { type: "string", placeholder: "FILE", description: "also write the matrix as an HTML page" },
    compare: {
      type: "string",
      placeholder: "PLAN",
      description: "list the cells whose decision differs from this older plan's",
    },
    "account-data": {
      type: "string",
      placeholder: "DIR",
      description:
        "merge the plan with an account as it is: a folder of what the AWS CLI prints (npm run collect writes one; docs/access.md)",
    },
    "expect-key-users": {
      type: "boolean",
      description: "exit 1 when a principal that is not a declared key user can decrypt",
    },
  },
  exits: { 1: "--expect-key-users found a principal that can decrypt and is not a declared key user" },
  async run(args, ctx) {
    const { io } = ctx;
    if ((args.stack === undefined) === (args.plan === undefined)) {
      throw ctx.usageError("give one of --stack or --plan");
    }
    if (args.plan !== undefined && (args.project ?? args["config-file"] ?? args.invokes) !== undefined) {
      throw ctx.usageError("--project, --config-file and --invokes go with --stack, not --plan");
    }
    // The page's path is checked before any work: a mistyped directory fails at once, not after the analysis.
    const htmlFile = args.html === undefined ? undefined : path.resolve(io.cwd, args.html);
    if (htmlFile !== undefined) {
      checkOutputFile(htmlFile, "--html");
    }
    const started = Date.now();
    const accountData =
      args["account-data"] === undefined
        ? undefined
        : readAccountData(path.resolve(io.cwd, args["account-data"]));
    const plan =
      args.plan !== undefined
        ? readPlanFile(path.resolve(io.cwd, args.plan), "--plan")
        : await synthesizeStack(args, io.cwd, accountData);
    const { report, verdict } = await userErrors(async () => {
      const access = await loadAccessModel(plan, { accountData });
      const analysed = await analyzeModel(access);
      return {
        report: analysed,
        verdict: args["expect-key-users"] ? expectKeyUsers(analysed, declaredHolders(access)) : undefined,
      };
    });
    const changes: CellChange[] | undefined =
      args.compare === undefined
        ? undefined
        : compareReports(
            await userErrors(() =>
              analyzePlan(readPlanFile(path.resolve(io.cwd, args.compare as string), "--compare")),
            ),
            report,
          );
    io.stderr(`analysed in ${Date.now() - started} ms`);
    if (htmlFile !== undefined) {
      writeOutputFile(htmlFile, "--html", renderHtml(report, changes));
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
  },
});

export const main = mainOf(command);

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

/** The plan of `--stack`, synthesized as `npm run synth` does (a program folder as the Pulumi runtime runs it). */
async function synthesizeStack(
  args: { stack?: string; project?: string; "config-file"?: string; invokes?: string },
  cwd: string,
  accountData?: AccountData,
): Promise<Plan> {
  const projectDir = path.resolve(cwd, args.project ?? ".");
  return synthesize({
    stack: args.stack as string,
    projectDir,
    program: args.project === undefined ? undefined : { folder: projectDir },
    configFile: args["config-file"] === undefined ? undefined : path.resolve(cwd, args["config-file"]),
    invokes: args.invokes === undefined ? undefined : readInvokesFile(path.resolve(cwd, args.invokes)),
    // With account data, the plan is made in its account, so its ARNs are those the account will have.
    ...(accountData === undefined ? {} : { deployer: accountDeployer(accountData) }),
  }).catch((err: unknown) => {
    // A program that fails is the user's to fix, as `npm run synth` reports it.
    throw err instanceof ProgramError ? new UsageError(err.message) : err;
  });
}

/** A plan printed by `npm run synth`, bounded and nested no deeper than a checkpoint may be. */
function readPlanFile(file: string, flag: string): Plan {
  const parsed = readUserJson(file, { flag, maxBytes: MAX_CHECKPOINT_BYTES, maxDepth: MAX_CHECKPOINT_DEPTH });
  return planOfDocument(parsed, `${flag} ${displayPath(file)}`);
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
  runMain(command);
}
