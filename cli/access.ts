/**
 * `npm run access -- --stack NAME` or `-- --plan FILE`: who can read each table of a plan, before anything is
 * deployed, decided by the sandbox's own engine. Exit 0; 1 when --expect-key-users finds an unexpected
 * holder; 2 for a mistake (one line on stderr).
 */
import * as path from "node:path";
import { writeJsonLines } from "../common/jsonLines";
import { displayValue } from "../common/display";
import { writeLinesInPieces } from "../common/linePieces";
import { checkOutputFile, writeOutputFile } from "../common/outputFile";
import { displayPath, readUserJson } from "../common/userFile";
import {
  isDeploymentDocument,
  MAX_CHECKPOINT_BYTES,
  MAX_CHECKPOINT_DEPTH,
  parseDeployment,
  planOfCheckpoint,
  type Checkpoint,
} from "../plan/checkpoint";
import { planOfDocument } from "../plan/planFile";
import { readInvokesFile } from "../plan/invokes";
import { ProgramError } from "../plan/programProcess";
import { ProtectedResourceError } from "../plan/steps";
import { synthesize } from "../plan/synth";
import type { Plan } from "../plan/types";
import { accountDeployer } from "../access/accountData/merge";
import { readAccountData } from "../access/accountData/read";
import type { AccountData } from "../access/accountData/types";
import { analyzePlan, loadAccessModel, analyzeModel, PlanInputError } from "../access/analyze";
import {
  addedAccess,
  compareReports,
  identityOf,
  type AddedAccess,
  type CellChange,
} from "../access/compare";
import { declaredHolders } from "../access/declared";
import { expectKeyUsers, formatKeyUsersVerdict, type KeyUsersVerdict } from "../access/expect";
import { formatAddedAccess, formatChanges, matrixLines } from "../access/format";
import { htmlChunks } from "../access/html";
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
      placeholder: "OLD",
      description:
        "list the cells whose decision differs from OLD's: a plan printed by npm run synth, or a `pulumi stack export` (then --stack plans from its state and cells are matched by URN)",
    },
    "fail-on-new-access": {
      type: "boolean",
      description:
        "with --compare: exit 1 when the plan lets any principal decrypt, or change who can decrypt, where OLD did not; each added access is listed with the statements that grant it",
    },
    "account-data": {
      type: "string",
      placeholder: "DIR",
      description:
        "merge the plan with an account as it is: a folder of what the AWS CLI prints (npm run collect writes one; docs/access.md)",
    },
    table: {
      type: "string",
      multiple: true,
      placeholder: "NAME",
      description:
        "decide only this table of the plan (its cells, decryptors and obtain paths; with --compare, OLD's too); repeatable",
    },
    "expect-key-users": {
      type: "boolean",
      description: "exit 1 when a principal that is not a declared key user can decrypt",
    },
  },
  exits: {
    1: "--expect-key-users found a principal that can decrypt and is not a declared key user, or --fail-on-new-access found access OLD did not give",
  },
  async run(args, ctx) {
    const { io } = ctx;
    if ((args.stack === undefined) === (args.plan === undefined)) {
      throw ctx.usageError("give one of --stack or --plan");
    }
    if (args.plan !== undefined && (args.project ?? args["config-file"] ?? args.invokes) !== undefined) {
      throw ctx.usageError("--project, --config-file and --invokes go with --stack, not --plan");
    }
    if (args["fail-on-new-access"] === true && args.compare === undefined) {
      throw ctx.usageError(
        "--fail-on-new-access needs --compare OLD: the plan or state to find new access against",
      );
    }
    // The page's path is checked before any work: a mistyped directory fails at once, not after the analysis.
    const htmlFile = args.html === undefined ? undefined : path.resolve(io.cwd, args.html);
    if (htmlFile !== undefined) {
      checkOutputFile(htmlFile, "--html");
    }
    const started = Date.now();
    const old =
      args.compare === undefined
        ? undefined
        : readCompared(path.resolve(io.cwd, args.compare), io.env.PULUMI_CONFIG_PASSPHRASE);
    const accountData =
      args["account-data"] === undefined
        ? undefined
        : readAccountData(path.resolve(io.cwd, args["account-data"]));
    // From a deployed state, the new plan is planned as `pulumi preview` would: resources it keeps keep their IDs.
    const plan =
      args.plan !== undefined
        ? readPlanFile(path.resolve(io.cwd, args.plan), "--plan")
        : await synthesizeStack(args, io.cwd, accountData, old?.checkpoint);
    const { report, verdict } = await userErrors(async () => {
      const access = await loadAccessModel(plan, { accountData });
      const analysed = await analyzeModel(access, { tables: scopedTables(args.table, access.model.tables) });
      return {
        report: analysed,
        verdict: args["expect-key-users"] ? expectKeyUsers(analysed, declaredHolders(access)) : undefined,
      };
    });
    let changes: CellChange[] | undefined;
    let added: AddedAccess[] | undefined;
    if (old !== undefined) {
      // OLD is analysed in the same account as the plan (the same account data, when given).
      const oldReport = await userErrors(() =>
        analyzePlan(old.plan, { accountData }, { tables: scopedTables(args.table, undefined) }),
      );
      // A deployed state and the plan made from it name the same resources by URN.
      const identities =
        old.checkpoint === undefined
          ? {}
          : { before: identityOf(oldReport, old.plan), after: identityOf(report, plan) };
      changes = compareReports(oldReport, report, identities);
      added = args["fail-on-new-access"] === true ? addedAccess(oldReport, report, identities) : undefined;
    }
    io.stderr(`analysed in ${Date.now() - started} ms`);
    if (htmlFile !== undefined) {
      // In pieces: at account scale the page is larger than the longest string V8 holds.
      writeOutputFile(htmlFile, "--html", htmlChunks(report, changes));
      io.stderr(`wrote ${args.html}`);
    }
    if (args.json) {
      // In pieces: at account scale the document is larger than the longest string V8 holds.
      writeJsonLines(jsonOf(report, changes, verdict, added), io.stdout);
    } else {
      // In pieces too: the matrix of an account is tens of megabytes, and an index of every cell more.
      writeLinesInPieces(matrixLines(report), io.stdout);
      if (changes !== undefined) {
        io.stdout(`\n${formatChanges(changes, report)}`);
      }
      if (verdict !== undefined) {
        io.stdout(`\n${formatKeyUsersVerdict(verdict)}`);
      }
      if (added !== undefined) {
        io.stdout(`\n${formatAddedAccess(added, report)}`);
      }
    }
    const unexpected = verdict !== undefined && !verdict.ok;
    return unexpected || (added !== undefined && added.length > 0) ? 1 : 0;
  },
});

export const main = mainOf(command);

/**
 * The tables --table names, checked against the plan's when given (`known`): a name the plan lacks is the
 * user's mistake, named with the plan's tables. Undefined: every table.
 */
function scopedTables(
  names: readonly string[] | undefined,
  known: readonly { readonly name: string }[] | undefined,
): ReadonlySet<string> | undefined {
  if (names === undefined || names.length === 0) {
    return undefined;
  }
  if (known !== undefined) {
    const tables = new Set(known.map((table) => table.name));
    const missing = names.find((name) => !tables.has(name));
    if (missing !== undefined) {
      throw new UsageError(
        `--table: ${displayValue(missing)} is not a table of the plan; give one of ${[...tables].map((name) => displayValue(name)).join(", ") || "(none: the plan has no table)"}`,
      );
    }
  }
  return new Set(names);
}

/** The --json document (docs/contracts.md, "Access"). */
export function jsonOf(
  report: AccessReport,
  changes?: readonly CellChange[],
  verdict?: KeyUsersVerdict,
  added?: readonly AddedAccess[],
): Record<string, unknown> {
  return {
    ...report,
    ...(changes === undefined ? {} : { changes }),
    ...(verdict === undefined ? {} : { expectKeyUsers: verdict }),
    ...(added === undefined ? {} : { newAccess: added }),
  };
}

/**
 * OLD of --compare: a plan printed by `npm run synth`, or a deployed state (`pulumi stack export`, a backend
 * checkpoint), taken as the plan of its resources as they are.
 */
function readCompared(file: string, passphrase?: string): { plan: Plan; checkpoint?: Checkpoint } {
  const parsed = readUserJson(file, {
    flag: "--compare",
    maxBytes: MAX_CHECKPOINT_BYTES,
    maxDepth: MAX_CHECKPOINT_DEPTH,
  });
  if (isDeploymentDocument(parsed)) {
    const checkpoint = parseDeployment(parsed, `--compare ${displayPath(file)}`, { passphrase });
    return { plan: planOfCheckpoint(checkpoint), checkpoint };
  }
  return { plan: planOfDocument(parsed, `--compare ${displayPath(file)}`) };
}

/** The plan of `--stack`, synthesized as `npm run synth` does (a program folder as the Pulumi runtime runs it). */
async function synthesizeStack(
  args: { stack?: string; project?: string; "config-file"?: string; invokes?: string },
  cwd: string,
  accountData?: AccountData,
  previousState?: Checkpoint,
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
    ...(previousState === undefined ? {} : { previousState }),
  }).catch((err: unknown) => {
    // A program that fails is the user's to fix, as `npm run synth` reports it; so is a plan from --compare's
    // state that would delete a protected resource (`pulumi preview` refuses it too).
    throw err instanceof ProgramError || err instanceof ProtectedResourceError
      ? new UsageError(err.message)
      : err;
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
