/**
 * `npm run collect` in process, the AWS CLI replaced by a recorded runner: what it writes and its one-line
 * errors. The real AWS CLI against a sandbox is test/access/accountData/collect.slow.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import type { AwsCliRun } from "../../access/accountData/collect";
import { main } from "../../cli/collect";
import { useTempDir } from "../support/tempDir";

const KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";

/** Answers as the AWS CLI would for an account with one key, in no organization. */
function recorded(failing?: string): (args: readonly string[]) => Promise<AwsCliRun> {
  return async (args) => {
    const command = args.slice(0, 2).join(" ");
    if (command === failing) {
      return {
        code: 254,
        stdout: "",
        stderr: `\nAn error occurred (AccessDeniedException) when calling the X operation: no\n`,
      };
    }
    switch (command) {
      case "iam get-account-authorization-details":
        return {
          code: 0,
          stdout: JSON.stringify({
            UserDetailList: [],
            GroupDetailList: [],
            RoleDetailList: [],
            Policies: [],
          }),
          stderr: "",
        };
      case "kms list-keys":
        return {
          code: 0,
          stdout: JSON.stringify({
            Keys: [{ KeyId: KEY, KeyArn: `arn:aws:kms:us-east-1:123456789012:key/${KEY}` }],
          }),
          stderr: "",
        };
      case "kms get-key-policy":
        return { code: 0, stdout: JSON.stringify({ Policy: "{}", PolicyName: "default" }), stderr: "" };
      case "kms list-grants":
        return { code: 0, stdout: JSON.stringify({ Grants: [], Truncated: false }), stderr: "" };
      default:
        return {
          code: 254,
          stdout: "",
          stderr:
            "An error occurred (AWSOrganizationsNotInUseException) when calling the ListPolicies operation: Your account is not a member of an organization.",
        };
    }
  };
}

async function run(argv: string[], cwd: string, aws: ReturnType<typeof recorded>) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    env: {},
    cwd,
    aws,
    stdout: (text: string) => void (stdout += `${text}\n`),
    stderr: (text: string) => void (stderr += `${text}\n`),
  } as Parameters<typeof main>[1]);
  return { code, stdout, stderr };
}

describe("npm run collect (cli/collect.ts)", () => {
  const dir = useTempDir("collect");

  it("writes each command's output as printed, key policies under key-policies/, 0600 files in a 0700 folder", async () => {
    const result = await run(["--out", "data"], dir(), recorded());
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.match(/note: the account is in no organization: the data has no SCPs or RCPs/);
    const out = path.join(dir(), "data");
    expect((fs.readdirSync(out, { recursive: true }) as string[]).sort()).to.deep.equal([
      `grants-${KEY}.json`,
      "iam-authorization-details.json",
      "key-policies",
      `key-policies/${KEY}.json`,
    ]);
    expect(fs.statSync(out).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(path.join(out, "key-policies", `${KEY}.json`)).mode & 0o777).to.equal(0o600);
  });

  it("refuses a folder that is not empty, and names a command that failed, in one line", async () => {
    fs.mkdirSync(path.join(dir(), "full"));
    fs.writeFileSync(path.join(dir(), "full", "old.json"), "{}");
    const full = await run(["--out", "full"], dir(), recorded());
    expect(full.code).to.equal(2);
    expect(full.stderr).to.match(/--out: "[^"]*full" is not empty: give a new folder/);
    const denied = await run(["--out", "denied"], dir(), recorded("kms list-grants"));
    expect(denied.code).to.equal(2);
    expect(denied.stderr.trim().split("\n")).to.have.length(1);
    expect(denied.stderr).to.match(
      /aws kms list-grants --key-id 1234abcd-12ab-34cd-56ef-1234567890ab failed \(exit 254\): "An error occurred \(AccessDeniedException\)/,
    );
  });
});
