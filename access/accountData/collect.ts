/**
 * Collects account data (access/accountData/read.ts reads it) by running the AWS CLI, the same commands a
 * user would type, against AWS (the CLI's default credential chain and region) or any endpoint that
 * serves them (the sandbox):
 *
 *   aws iam get-account-authorization-details                        > iam-authorization-details.json
 *   aws kms list-keys                                                   (not saved: it names the keys)
 *   aws kms get-key-policy --key-id ID --policy-name default         > key-policies/ID.json
 *   aws kms list-grants --key-id ID                                  > grants-ID.json
 *   aws organizations list-policies --filter TYPE                    > organizations-TYPE.json
 *   aws organizations describe-policy --policy-id P                  > organizations-policy-P.json
 *   aws organizations list-targets-for-policy --policy-id P          > policy-targets/P.json
 *   aws organizations describe-organization                          > organization.json
 *   aws organizations list-roots                                     > organization-roots.json
 *   aws organizations list-accounts                                  > organization-accounts.json
 *   aws organizations list-parents --child-id ID                     > parents/ID.json (each account,
 *                                                                      then each OU up to the root)
 *
 * Each output is saved as the CLI printed it, in files 0600 in folders 0700 (the data describes who can
 * do what in the account). An account in no organization, or whose credentials may not read it (a
 * member account: Organizations answers only the management account or a delegated administrator), has
 * no SCPs or RCPs in the data, and the collector says so.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { displayValue } from "../../common/display";
import { UserError } from "../../common/userError";
import { displayPath } from "../../common/userFile";
import { KEY_POLICIES_DIR, PARENTS_DIR, POLICY_TARGETS_DIR } from "./read";

/** What running one AWS CLI command gave. */
export interface AwsCliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aws ARGS` (injectable for tests). */
export type AwsCliRunner = (args: readonly string[]) => Promise<AwsCliRun>;

/** The largest output accepted from one command: far above an account's authorization details. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** Runs the `aws` of PATH with the environment given, the endpoint and region added when given. */
export function awsCliRunner(options: {
  readonly env: NodeJS.ProcessEnv;
  readonly endpoint?: string;
  readonly region?: string;
}): AwsCliRunner {
  return (args) =>
    new Promise((resolve) => {
      const cli = [
        ...args,
        "--output",
        "json",
        ...(options.endpoint === undefined ? [] : ["--endpoint-url", options.endpoint]),
        ...(options.region === undefined ? [] : ["--region", options.region]),
      ];
      execFile("aws", cli, { env: options.env, maxBuffer: MAX_OUTPUT_BYTES }, (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : 127;
        resolve({ code, stdout, stderr: err !== null && stderr === "" ? err.message : stderr });
      });
    });
}

/** A command that failed: one line naming it and AWS's error (never the output, which may be long). */
export class CollectError extends UserError {}

/** The AWS error code in the CLI's message: "An error occurred (Code) when calling the Op operation: …". */
function errorCodeOf(run: AwsCliRun): string | undefined {
  return /An error occurred \(([^)]+)\)/.exec(run.stderr)?.[1];
}

export interface CollectResult {
  /** The files written, relative to the folder. */
  readonly files: readonly string[];
  /** What the data lacks and why, one line each. */
  readonly notes: readonly string[];
}

/**
 * Writes the account data into `outDir` (created 0700; it must not exist, or be empty). Throws
 * CollectError for a command that failed (its line names the command and the AWS error).
 */
export async function collectAccountData(outDir: string, aws: AwsCliRunner): Promise<CollectResult> {
  prepareFolder(outDir);
  const files: string[] = [];
  const notes: string[] = [];
  const save = (relative: string, text: string) => {
    const file = path.join(outDir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, text, { mode: 0o600, flag: "wx" });
    files.push(relative);
  };
  const run = async (args: readonly string[]): Promise<{ text: string; value: Record<string, unknown> }> => {
    const result = await aws(args);
    if (result.code !== 0) {
      const line = result.stderr.trim().split("\n").pop() ?? "";
      throw new CollectError(
        `aws ${args.join(" ")} failed (exit ${result.code}): ${displayValue(line, 300)}`,
      );
    }
    try {
      return { text: result.stdout, value: JSON.parse(result.stdout) as Record<string, unknown> };
    } catch {
      throw new CollectError(`aws ${args.join(" ")} printed no JSON: is \`aws\` the AWS CLI?`);
    }
  };
  const iam = await run(["iam", "get-account-authorization-details"]);
  save("iam-authorization-details.json", iam.text);
  const keys = (await run(["kms", "list-keys"])).value.Keys as { KeyId: string }[] | undefined;
  for (const { KeyId } of keys ?? []) {
    save(
      path.join(KEY_POLICIES_DIR, `${KeyId}.json`),
      (await run(["kms", "get-key-policy", "--key-id", KeyId, "--policy-name", "default"])).text,
    );
    save(`grants-${KeyId}.json`, (await run(["kms", "list-grants", "--key-id", KeyId])).text);
  }
  for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]) {
    const args = ["organizations", "list-policies", "--filter", type];
    const listed = await aws(args);
    if (listed.code !== 0) {
      const code = errorCodeOf(listed);
      if (code === "AWSOrganizationsNotInUseException" || code === "AccessDeniedException") {
        notes.push(
          code === "AWSOrganizationsNotInUseException"
            ? "the account is in no organization: the data has no SCPs or RCPs"
            : `these credentials may not read the organization (${code}): the data has no SCPs or RCPs; collect them from the management account`,
        );
        break;
      }
      if (code === "PolicyTypeNotEnabledException") {
        continue;
      }
      await run(args);
    }
    save(`organizations-${type.toLowerCase().replace(/_/g, "-")}.json`, listed.stdout);
    const policies = (JSON.parse(listed.stdout) as { Policies?: { Id: string }[] }).Policies ?? [];
    for (const { Id } of policies) {
      save(
        `organizations-policy-${Id}.json`,
        (await run(["organizations", "describe-policy", "--policy-id", Id])).text,
      );
      save(
        path.join(POLICY_TARGETS_DIR, `${Id}.json`),
        (await run(["organizations", "list-targets-for-policy", "--policy-id", Id])).text,
      );
    }
  }
  await collectStructure(aws, run, save, notes);
  return { files, notes };
}

/**
 * The organization's structure, for the organization condition keys: describe-organization, list-roots,
 * list-accounts, then list-parents of each account and of each OU met on the way up to the root. An
 * account in no organization, or credentials that may not read it, give no structure (noted); an endpoint
 * that does not model a part (the sandbox's NotModelledBySandboxException) leaves that part out (noted),
 * so the analysis treats what is missing as unknown.
 */
async function collectStructure(
  aws: AwsCliRunner,
  run: (args: readonly string[]) => Promise<{ text: string; value: Record<string, unknown> }>,
  save: (relative: string, text: string) => void,
  notes: string[],
): Promise<void> {
  const optional = async (
    args: readonly string[],
    what: string,
  ): Promise<{ text: string; value: Record<string, unknown> } | undefined> => {
    const result = await aws(args);
    if (result.code === 0) {
      try {
        return { text: result.stdout, value: JSON.parse(result.stdout) as Record<string, unknown> };
      } catch {
        throw new CollectError(`aws ${args.join(" ")} printed no JSON: is \`aws\` the AWS CLI?`);
      }
    }
    const code = errorCodeOf(result);
    if (code === "AWSOrganizationsNotInUseException" || code === "AccessDeniedException") {
      notes.push(
        code === "AWSOrganizationsNotInUseException"
          ? "the account is in no organization: the data has no organization structure"
          : `these credentials may not read ${what} (${code}): the organization condition keys stay unknown where it would tell them`,
      );
      return undefined;
    }
    if (code === "NotModelledBySandboxException") {
      notes.push(
        `the endpoint does not model ${what}: the organization condition keys stay unknown where it would tell them`,
      );
      return undefined;
    }
    await run(args);
    return undefined;
  };
  const organization = await optional(["organizations", "describe-organization"], "the organization");
  if (organization === undefined) {
    return;
  }
  save("organization.json", organization.text);
  const roots = await optional(["organizations", "list-roots"], "the organization's root");
  if (roots !== undefined) {
    save("organization-roots.json", roots.text);
  }
  const accounts = await optional(["organizations", "list-accounts"], "the organization's member list");
  if (accounts === undefined) {
    return;
  }
  save("organization-accounts.json", accounts.text);
  const asked = new Set<string>();
  const queue = ((accounts.value.Accounts as { Id?: unknown }[] | undefined) ?? [])
    .map((account) => account.Id)
    .filter((id): id is string => typeof id === "string");
  while (queue.length > 0) {
    const child = queue.shift() as string;
    if (asked.has(child)) {
      continue;
    }
    asked.add(child);
    const parents = await optional(
      ["organizations", "list-parents", "--child-id", child],
      `the parent of ${child}`,
    );
    if (parents === undefined) {
      continue;
    }
    save(path.join(PARENTS_DIR, `${child}.json`), parents.text);
    for (const parent of (parents.value.Parents as { Id?: unknown }[] | undefined) ?? []) {
      if (typeof parent.Id === "string" && parent.Id.startsWith("ou-")) {
        queue.push(parent.Id);
      }
    }
  }
}

function prepareFolder(outDir: string): void {
  let entries: string[] | undefined;
  try {
    entries = fs.readdirSync(outDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") {
      throw new UserError(
        `--out: ${displayPath(outDir)} cannot be used: ${code === "ENOTDIR" ? "it is not a folder" : (code ?? "error")}`,
      );
    }
  }
  if (entries !== undefined && entries.length > 0) {
    throw new UserError(
      `--out: ${displayPath(outDir)} is not empty: give a new folder, so that no old file is read with the new ones`,
    );
  }
  try {
    fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(outDir, 0o700);
  } catch (err) {
    throw new UserError(
      `--out: ${displayPath(outDir)} cannot be created: ${(err as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
}
