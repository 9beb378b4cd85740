/**
 * One definition per domain constant: the access levels live in infra/principal.ts (the principal
 * model) and the secret placeholder in infra/outputs.ts (the outputs contract), and every other module
 * uses that definition, so a new access level or a changed placeholder cannot leave one reader behind.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { REDACTED as checksRedacted } from "../../checks/redact";
import { DYNAMODB_ACCESS_LEVELS as configLevels } from "../../infra/config";
import { DYNAMODB_ACCESS_LEVELS, REDACTED } from "../../infra/outputs";
import { REDACTED as planRedacted } from "../../plan/values";
import { assumedRoleArn, isSessionOf, parseAssumedRoleArn, roleOfSession } from "../../infra/assumedRole";
import { REPO_ROOT } from "../support/paths";
import { ACCOUNT_ID, OTHER_ACCOUNT_ID } from "../support/accounts";

const SOURCE_DIRS = [
  "infra",
  "plan",
  "checks",
  "sandbox",
  "guard",
  "scenario",
  "cli",
  "access",
  "bench",
  "policy-pack",
];

function sources(): Array<{ file: string; text: string }> {
  return SOURCE_DIRS.flatMap((dir) =>
    fs
      .readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => path.join(dir, file))
      .map((file) => ({ file, text: fs.readFileSync(path.join(REPO_ROOT, file), "utf8") })),
  );
}

describe("one definition per domain constant", () => {
  it("every module uses the one access-level list and secret placeholder", () => {
    expect(configLevels).to.equal(DYNAMODB_ACCESS_LEVELS);
    expect(checksRedacted).to.equal(REDACTED);
    expect(planRedacted).to.equal(REDACTED);
  });

  it("no other source file spells them out", () => {
    for (const { file, text } of sources()) {
      if (file !== path.join("infra", "principal.ts")) {
        expect(text, file).to.not.match(/"readonly",\s*"readwrite",\s*"full"/);
      }
      if (file === path.join("infra", "outputs.ts")) {
        continue;
      }
      expect(text, file).to.not.match(/=\s*"\[secret\]"/);
      expect(text, file).to.not.match(/===\s*"\[secret\]"/);
    }
  });
});

describe("one definition of the assumed-role session ARN", () => {
  it("parses and builds session ARNs as STS issues them", () => {
    // IAM User Guide, "IAM identifiers": arn:aws:sts::account:assumed-role/role-name/role-session-name,
    // the role named without its path.
    const session = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/app-role/my-session`;
    expect(parseAssumedRoleArn(session)).to.deep.equal({
      partition: "aws",
      accountId: ACCOUNT_ID,
      roleName: "app-role",
      sessionName: "my-session",
    });
    expect(roleOfSession(session)).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/app-role`);
    expect(assumedRoleArn(`arn:aws:iam::${ACCOUNT_ID}:role/team/app-role`, "my-session")).to.equal(session);
    expect(isSessionOf(session, `arn:aws:iam::${ACCOUNT_ID}:role/team/app-role`)).to.equal(true);
    expect(isSessionOf(session, `arn:aws:iam::${ACCOUNT_ID}:role/other-role`)).to.equal(false);
    expect(isSessionOf(session, `arn:aws:iam::${OTHER_ACCOUNT_ID}:role/app-role`)).to.equal(false);
    expect(roleOfSession(`arn:aws:iam::${ACCOUNT_ID}:user/app-user`)).to.equal(undefined);
    expect(parseAssumedRoleArn(`arn:aws:sts::${ACCOUNT_ID}:assumed-role/app-role/a/b`)).to.equal(undefined);
  });

  it("no other source file spells the pattern out", () => {
    const owner = path.join("infra", "assumedRole.ts");
    for (const { file, text } of sources()) {
      if (file === owner) {
        continue;
      }
      // A regular expression, a prefix test or a template that builds or matches a session ARN.
      expect(text, file).to.not.match(/assumed-role\\\//);
      expect(text, file).to.not.match(/["'`][^"'`\n]*:?assumed-role\/["'`]/);
      expect(text, file).to.not.match(/:assumed-role\/\$\{/);
      expect(text, file).to.not.match(/:role\\\/\(\?:/);
    }
  });
});

describe("one parser of the stack outputs", () => {
  it("no source file casts outputs to StackOutputs", () => {
    for (const { file, text } of sources()) {
      expect(text, file).to.not.match(/as (unknown as )?StackOutputs\b/);
    }
  });
});
