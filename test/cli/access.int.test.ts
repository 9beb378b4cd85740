/**
 * `npm run access -- --stack S --project DIR`: the proof of another program's folder, run as the Pulumi
 * Node runtime runs it (as `npm run synth -- --project` does), and the flags that go with `--stack` only.
 */
import { expect } from "chai";
import { main } from "../../cli/access";
import { examplePath } from "../support/paths";

describe("npm run access --project", function () {
  this.timeout(120_000);
  let out: string[];
  let err: string[];
  const io = () => ({
    env: process.env,
    cwd: process.cwd(),
    stdout: (text: string) => void out.push(text),
    stderr: (text: string) => void err.push(text),
  });

  beforeEach(() => {
    out = [];
    err = [];
  });

  it("analyses a program folder: its tables on AWS's keys are decided by IAM alone", async () => {
    const code = await main(
      ["--stack", "dev", "--project", examplePath("noncompliant-table"), "--json"],
      io(),
    );
    expect(code, err.join("\n")).to.equal(0);
    const report = JSON.parse(out.join(""));
    expect(report.tables.map((table: { name: string }) => table.name).sort()).to.have.length(2);
    expect(report.tables.every((table: { keyArn?: string }) => table.keyArn === undefined)).to.equal(true);
    expect(report.deployerSource).to.equal("plan");
  });

  it("refuses --project with --plan, in one line", async () => {
    expect(await main(["--plan", "plan.json", "--project", "."], io())).to.equal(2);
    expect(err.join("\n")).to.match(/--project, --config-file and --invokes go with --stack/);
  });
});
