import {
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { loadStackConfig, StackConfigError } from "../../plan/stackConfig";
import { REPO_ROOT, synthesize } from "../../plan/synth";
import { isUnknown, redact, REDACTED, reveal } from "../../plan/values";
import { main } from "../../cli/synth";
import { runMainInProcess } from "../support/inProcessCli";
import { onlyResource } from "../support/plan";
import { tempDirForThisTest, useTempDir } from "../support/tempDir";
import { ACCOUNT_ID } from "../support/accounts";

describe("synthesize", () => {
  it("gives the same plan for the same config, secrets aside", async () => {
    const [a, b] = await Promise.all([synthesize({ stack: "dev" }), synthesize({ stack: "dev" })]);
    expect(JSON.stringify(redact(a))).to.equal(JSON.stringify(redact(b)));
    expect(JSON.stringify(reveal(a))).to.not.equal(JSON.stringify(reveal(b)));
  });

  it("records the caller identity the program saw", async () => {
    const plan = await synthesize({ stack: "dev" });
    const identity = plan.invokes.find((i) => i.token === "aws:index/getCallerIdentity:getCallerIdentity");
    expect(identity?.result).to.include({
      accountId: ACCOUNT_ID,
      arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`,
    });
  });

  it("in preview, leaves the new key's ARN unknown in the table, with its property dependency", async () => {
    const plan = await synthesize({ stack: "dev", preview: true });
    const table = onlyResource(plan, "aws:dynamodb/table:Table");
    const key = onlyResource(plan, "aws:kms/key:Key");
    const sse = table.inputs.serverSideEncryption as Record<string, unknown>;
    expect(sse.enabled).to.equal(true);
    expect(isUnknown(sse.kmsKeyArn)).to.equal(true);
    expect(table.propertyDependencies.serverSideEncryption).to.deep.equal([key.urn]);
    expect(key.id).to.equal(undefined);
  });

  it("redacts secrets as the CLI prints them", async () => {
    const plan = redact(await synthesize({ stack: "dev" })) as {
      outputs: { users: Record<string, Record<string, unknown>> };
    };
    expect(plan.outputs.users["app-user"].secretAccessKey).to.equal(REDACTED);
  });
});

describe("loadStackConfig", () => {
  it("reads Pulumi.dev.yaml with project-qualified keys", () => {
    const config = loadStackConfig("dev");
    expect(config["aws:region"]).to.equal("us-east-1");
    expect(config["kms-dynamodb:users"]).to.have.length(2);
  });

  it("reads a stack without a stack file as the project's defaults alone, as the Pulumi CLI does", () => {
    expect(loadStackConfig("nope")).to.deep.equal({});
  });

  it("refuses a bad stack name and a secure value", () => {
    expect(() => loadStackConfig("../etc")).to.throw(StackConfigError, "is not a stack name");
    const dir = tempDirForThisTest("kms-dynamodb");
    copyFileSync(join(REPO_ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    writeFileSync(join(dir, "Pulumi.s.yaml"), "config:\n  kms-dynamodb:tableName:\n    secure: AAAB\n");
    expect(() => loadStackConfig("s", dir)).to.throw(
      StackConfigError,
      "kms-dynamodb:tableName: is a secure value",
    );
    writeFileSync(join(dir, "Pulumi.y.yaml"), "config: [\n");
    expect(() => loadStackConfig("y", dir)).to.throw(StackConfigError, "is not valid YAML");
  });
});

describe("npm run synth", function () {
  this.timeout(60000);
  it("prints the dev plan as JSON, secrets redacted", async () => {
    // Through the CLI's exported main(argv, io) in this process, from the repository as npm runs it.
    const result = await runMainInProcess(main, ["--stack", "dev"], REPO_ROOT);
    expect(result.code, result.stderr).to.equal(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.steps[0].op).to.equal("create");
    expect(plan.outputs.users["app-user"].secretAccessKey).to.equal(REDACTED);
  });

  it("fails a bad stack file with one line and no stack trace", async () => {
    const dir = tempDirForThisTest("kms-dynamodb");
    copyFileSync(join(REPO_ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    writeFileSync(
      join(dir, "Pulumi.bad.yaml"),
      "config:\n  aws:region: us-east-1\n  kms-dynamodb:users:\n    - name: a\n      dynamodbAccess: admin\n",
    );
    // The error path runs in process through the CLI's exported main(argv).
    const result = await runMainInProcess(main, ["--stack", "bad"], dir);
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal("");
    expect(result.stderr).to.equal(
      'error: kms-dynamodb:users[0].dynamodbAccess: "admin" is not one of readonly, readwrite, full\n',
    );
    const cli = await runMainInProcess(main, ["--stack", "missing"], REPO_ROOT);
    expect(cli.code).to.equal(2);
    expect(cli.stderr.trim().split("\n")).to.have.length(1);
    // A stack without a stack file is the project's defaults alone, as under the Pulumi CLI: this
    // program then refuses its missing config, naming the key.
    expect(cli.stderr).to.match(/^error: aws:region: missing/);
  });
});

describe("synthesize a program folder that brings its own @pulumi/pulumi", function () {
  this.timeout(120_000);
  let folder: string;
  const ownSdkProgram = useTempDir("own-sdk-program", { per: "suite" });

  before(() => {
    // The folder's own node_modules holds a copy of @pulumi/pulumi (a copy, not a symlink: Node resolves
    // a symlink to its real path, which would be this repo's). Its dependencies are linked from this
    // repo, so resolution from the copy finds them, but @pulumi/pulumi itself is found in the folder first.
    folder = realpathSync(ownSdkProgram());
    const modules = join(folder, "node_modules");
    mkdirSync(join(modules, "@pulumi"), { recursive: true });
    cpSync(join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), join(modules, "@pulumi", "pulumi"), {
      recursive: true,
    });
    for (const entry of readdirSync(join(REPO_ROOT, "node_modules"))) {
      if (entry !== "@pulumi" && entry !== ".bin" && !entry.startsWith(".")) {
        symlinkSync(join(REPO_ROOT, "node_modules", entry), join(modules, entry));
      }
    }
    // https://www.pulumi.com/docs/iac/concepts/projects/project-file/ : `main` names the entry point;
    // `runtime.options.typescript: false` runs it as JavaScript.
    writeFileSync(
      join(folder, "Pulumi.yaml"),
      "name: own-sdk\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    );
    writeFileSync(join(folder, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n");
    // A top-level program, as most are: it registers a table and exports consts as stack outputs, among
    // them where its @pulumi/pulumi and the runtime that runs it (the language host's cmd/run) were loaded from.
    writeFileSync(
      join(folder, "index.js"),
      [
        'const path = require("node:path");',
        'const pulumi = require("@pulumi/pulumi");',
        "class Table extends pulumi.CustomResource {",
        "  constructor(name, args) {",
        '    super("aws:dynamodb/table:Table", name, args);',
        "  }",
        "}",
        'new Table("orders", {',
        '  attributes: [{ name: "pk", type: "S" }],',
        '  hashKey: "pk",',
        '  billingMode: "PAY_PER_REQUEST",',
        "});",
        'exports.sdk = require.resolve("@pulumi/pulumi");',
        "exports.runtime = Object.keys(require.cache).filter((file) =>",
        '  file.endsWith(path.join("cmd", "run", "index.js")),',
        ");",
        "",
      ].join("\n"),
    );
  });

  it("runs it through the folder's copy, as the Pulumi language host resolves it", async () => {
    // The language host starts the program's own @pulumi/pulumi/cmd/run (pulumi/sdk nodejs language host:
    // it resolves the runtime from the program's directory), so the program shares one SDK instance.
    const plan = await synthesize({ stack: "dev", projectDir: folder, program: { folder } });
    const sdk = join(folder, "node_modules", "@pulumi", "pulumi");
    expect(plan.outputs.sdk).to.equal(join(sdk, "index.js"));
    expect(plan.outputs.runtime).to.deep.equal([join(sdk, "cmd", "run", "index.js")]);
    expect(plan.steps.map((step) => [step.op, step.urn])).to.deep.include([
      "create",
      "urn:pulumi:dev::own-sdk::aws:dynamodb/table:Table::orders",
    ]);
  });
});
