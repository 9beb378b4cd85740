/**
 * `npm run sandbox`: serves a stack until SIGINT/SIGTERM and then exits cleanly, writes the outputs file
 * (secrets shown, mode 0600), prints how to use the endpoint; user mistakes are one line and exit 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { stringify } from "yaml";
import type { StackOutputs } from "../../infra/outputs";
import { loadStackConfig } from "../../plan/stackConfig";
import { Sandbox } from "../../sandbox";
import { main } from "../../cli/sandbox";
import { runCliProcess, runCliToExit, startCli } from "../support/sandboxProcess";
import { credentialsOf, useClientPool } from "../support/sandbox";
import { REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";
import { ACCOUNT_ID } from "../support/accounts";

describe("sandbox CLI", function () {
  this.timeout(120_000);
  const pool = useClientPool();
  const workDir = useTempDir("sandbox-cli");

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`serves the dev stack, writes its outputs, and stops cleanly on ${signal}`, async () => {
      const outputsFile = path.join(workDir(), "outputs.json");
      const cli = await startCli(["--stack", "dev", "--outputs", outputsFile]);
      try {
        expect(fs.statSync(outputsFile).mode & 0o777).to.equal(0o600);
        const outputs = JSON.parse(fs.readFileSync(outputsFile, "utf8")) as StackOutputs;
        expect(Object.keys(outputs).sort()).to.deep.equal(
          ["accountId", "keyAlias", "keyArn", "region", "tableArn", "tableName", "users"].sort(),
        );
        expect(outputs.users["app-user"].secretAccessKey).to.match(/^[A-Za-z0-9+/]{40}$/);
        expect(cli.stdout()).to.contain(
          `export AWS_ENDPOINT_URL=${cli.endpoint} AWS_REGION=${outputs.region}`,
        );
        expect(cli.stdout()).to.not.contain(outputs.users["app-user"].secretAccessKey);
        expect(cli.stderr()).to.not.contain(outputs.users["app-user"].secretAccessKey);

        const { dynamodb } = pool.open(cli.endpoint, credentialsOf(outputs, "app-user"), outputs.region);
        await dynamodb.send(new PutItemCommand({ TableName: outputs.tableName, Item: { pk: { S: "cli" } } }));
        const read = await dynamodb.send(
          new GetItemCommand({ TableName: outputs.tableName, Key: { pk: { S: "cli" } } }),
        );
        expect(read.Item).to.deep.equal({ pk: { S: "cli" } });
      } finally {
        cli.child.kill(signal);
      }
      const exit = await cli.exited;
      expect(exit.code).to.equal(0);
      expect(cli.stderr()).to.contain(`${signal}: shutting down`);
    });
  }

  it("rejects bad arguments in one line, exit code 2", async () => {
    for (const [args, message] of [
      [["--port", "80x", "--stack", "dev"], 'error: --port: "80x" is not a port number'],
      [["--port", "8080"], "error: --stack is required"],
      [["--stack", "dev", "--colour"], "error: Unknown option '--colour'"],
    ] as const) {
      const result = await runCliToExit([...args]);
      expect(result.code, args.join(" ")).to.equal(2);
      expect(result.stderr.split("\n")[0], args.join(" ")).to.contain(message);
      expect(result.stderr, args.join(" ")).to.not.match(/\n\s+at /);
    }
  });

  it("reports a key policy AWS would refuse (an unknown key administrator) in one line, exit code 2", async () => {
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(workDir(), "Pulumi.yaml"));
    const config = {
      ...loadStackConfig("dev"),
      "kms-dynamodb:keyAdmins": [`arn:aws:iam::${ACCOUNT_ID}:user/ghost`],
    };
    fs.writeFileSync(path.join(workDir(), "Pulumi.ghost.yaml"), stringify({ config }));
    const result = await runCliToExit(["--stack", "ghost"], workDir());
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("MalformedPolicyDocumentException");
    expect(result.stderr).to.not.match(/\n\s+at /);
  });

  it("reports a config mistake (an unknown key, a bad value) in the one line synth prints, exit code 2", async () => {
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(workDir(), "Pulumi.yaml"));
    for (const [key, value, message] of [
      ["kms-dynamodb:bogusKey", 1, "error: kms-dynamodb:bogusKey: is not a setting of this program"],
      [
        "kms-dynamodb:keyDeletionWindowDays",
        3,
        "error: kms-dynamodb:keyDeletionWindowDays: 3 is not a whole number from 7 to 30",
      ],
    ] as const) {
      const config = { ...loadStackConfig("dev"), [key]: value };
      fs.writeFileSync(path.join(workDir(), "Pulumi.mistake.yaml"), stringify({ config }));
      const result = await runCliProcess(["--stack", "mistake"], workDir());
      expect(result.code, result.stderr).to.equal(2);
      expect(
        result.stderr
          .trim()
          .split("\n")
          .filter((line) => line.startsWith("error:")),
      ).to.deep.equal([
        result.stderr
          .trim()
          .split("\n")
          .find((line) => line.startsWith("error:")),
      ]);
      expect(result.stderr).to.contain(message);
      expect(result.stderr).to.not.match(/\n\s+at /);
    }
  });

  it("reports an outputs file it cannot write, and a data directory that is a file, in one line", async () => {
    const missing = path.join(workDir(), "no-such-dir", "outputs.json");
    const outputs = await runCliToExit(["--stack", "dev", "--outputs", missing]);
    expect(outputs.code).to.equal(2);
    expect(outputs.stderr).to.contain(`error: --outputs: "${missing}" cannot be written`);
    const file = path.join(workDir(), "a-file");
    fs.writeFileSync(file, "");
    const dataDir = await runCliToExit(["--stack", "dev", "--data-dir", file]);
    expect(dataDir.code).to.equal(2);
    expect(dataDir.stderr).to.contain(`error: --data-dir: "${file}" cannot be used`);
  });

  it("refuses a data directory another sandbox is using", async () => {
    const dataDir = path.join(workDir(), "data");
    const running = await Sandbox.start({ dataDir });
    try {
      const result = await runCliToExit(["--stack", "dev", "--data-dir", dataDir]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.contain(`--data-dir: "${dataDir}" is in use by another sandbox`);
    } finally {
      await running.stop();
    }
  });

  it("exports main(argv) returning the exit code", async () => {
    const code = await withStderrSilenced(() => main(["--port", "99999", "--stack", "dev"]));
    expect(code).to.equal(2);
  });
});

async function withStderrSilenced<T>(body: () => Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await body();
  } finally {
    process.stderr.write = write;
  }
}
