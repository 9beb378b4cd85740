/**
 * The no-new-access gate exactly as the workflow runs it on a pull request (.github/workflows/pulumi.yml,
 * job `preview`, step "no new access"): its `npm run access` command, taken from the workflow's text, run
 * offline against a fixture export of the deployed stack (`pulumi stack export` of the prod stack, written
 * by the sandbox after a first `pulumi up`). With nothing changed since the deployment it passes; against a
 * deployed state where app-user was not yet a key user, it exits 1 naming each access the pull request
 * adds and the statements that grant it (as IAM Access Analyzer's CheckNoNewAccess reports new access:
 * IAM User Guide, "Custom policy checks",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html).
 * The key policy names app-user as a key user, so its item reads through DynamoDB become possible (KMS
 * Developer Guide, "Key policies in AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { main } from "../../cli/access";
import { toDeployment } from "../../plan/checkpoint";
import { loadStackConfig } from "../../plan/stackConfig";
import { synthesize } from "../../plan/synth";
import { Sandbox } from "../../sandbox";
import { runMainInProcess } from "../support/inProcessCli";
import { REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";

const WORKFLOW = path.resolve(REPO_ROOT, ".github", "workflows", "pulumi.yml");
/** What the repository variable PULUMI_STACK holds: org/project/stack. */
const PULUMI_STACK = "acme/kms-dynamodb/prod";

interface Step {
  name?: string;
  run?: string;
}

/** The step's shell lines, with the two variables the workflow uses expanded as bash expands them. */
function gateLines(runnerTemp: string): string[] {
  const workflow = parse(readFileSync(WORKFLOW, "utf8")) as { jobs: Record<string, { steps: Step[] }> };
  const step = workflow.jobs.preview.steps.find((candidate) => candidate.name?.startsWith("no new access"));
  if (step?.run === undefined) {
    throw new Error("the preview job has no 'no new access' step");
  }
  return step.run
    .trim()
    .split("\n")
    .map((line) =>
      line
        .replace(/\$\{PULUMI_STACK##\*\/\}/g, PULUMI_STACK.slice(PULUMI_STACK.lastIndexOf("/") + 1))
        .replace(/\$PULUMI_STACK/g, PULUMI_STACK)
        .replace(/\$RUNNER_TEMP/g, runnerTemp),
    );
}

/** The words of a line of the form the step uses: double-quoted words hold no quotes or escapes. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]);
}

/** Deploys the prod stack (with `config` changes) to a sandbox and writes its state as `pulumi stack export` does. */
async function exportDeployed(file: string, config: Record<string, unknown> = {}): Promise<void> {
  const plan = await synthesize({ stack: "prod", config: { ...loadStackConfig("prod"), ...config } });
  const sandbox = await Sandbox.start({ port: 0 });
  try {
    await sandbox.apply(plan);
    writeFileSync(file, JSON.stringify(toDeployment(sandbox.state(), new Date())));
  } finally {
    await sandbox.stop();
  }
}

describe("CI: the no-new-access gate, run offline as the workflow runs it", function () {
  this.timeout(60_000);
  const runnerTemp = useTempDir("runner-temp");

  /** The export line's file, and the access command's argv after `npm run access --`. */
  function gate(): { exportFile: string; argv: string[] } {
    const [exportLine, accessLine] = gateLines(runnerTemp());
    const exported = words(exportLine);
    expect(exported.slice(0, 3)).to.deep.equal(["pulumi", "stack", "export"]);
    expect(exported).to.include.members(["--stack", PULUMI_STACK]);
    const access = words(accessLine);
    expect(access.slice(0, 4)).to.deep.equal(["npm", "run", "access", "--"]);
    return { exportFile: exported[exported.indexOf("--file") + 1], argv: access.slice(4) };
  }

  it("passes when the pull request adds no access to the deployed stack", async () => {
    const { exportFile, argv } = gate();
    expect(argv).to.include.members(["--compare", "--fail-on-new-access", "--stack", "prod"]);
    await exportDeployed(exportFile);
    const run = await runMainInProcess(main, argv, REPO_ROOT);
    expect(run.stdout).to.contain("✓ --fail-on-new-access: no principal can decrypt");
    expect(run.code, run.stderr).to.equal(0);
  });

  it("exits 1 listing each added access and the statements that grant it", async () => {
    const { exportFile, argv } = gate();
    await exportDeployed(exportFile, {
      "kms-dynamodb:users": [{ name: "app-user", dynamodbAccess: "readwrite", keyUser: false }],
    });
    const run = await runMainInProcess(main, argv, REPO_ROOT);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.match(
      /✗ app-user can now GetItem on kms-dynamodb-prod \(denied-by-kms → allowed\): granted by IAM inline:\S+ Sid \S+, KMS key policy Sid AllowUseThroughDynamoDB/,
    );
    // Taking app-user over (a new access key) is a new way to decrypt for whoever may create its keys.
    expect(run.stdout).to.match(
      /\(deployer\) can now change who can decrypt: iam:CreateAccessKey on app-user/,
    );
  });

  it("matches the plan's cells to the state's by URN: the new plan keeps the deployed IDs", async () => {
    const { exportFile, argv } = gate();
    await exportDeployed(exportFile);
    const run = await runMainInProcess(main, [...argv, "--json"], REPO_ROOT);
    const report = JSON.parse(run.stdout) as {
      keys: { arn: string }[];
      changes: unknown[];
      newAccess: unknown[];
    };
    const deployed = JSON.parse(readFileSync(exportFile, "utf8")) as {
      deployment: { resources: { type: string; outputs: { arn?: string } }[] };
    };
    const keyArn = deployed.deployment.resources.find((resource) => resource.type === "aws:kms/key:Key")
      ?.outputs.arn;
    expect(report.keys.map((key) => key.arn)).to.deep.equal([keyArn]);
    expect(report.changes).to.deep.equal([]);
    expect(report.newAccess).to.deep.equal([]);
  });
});
