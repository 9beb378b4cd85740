/**
 * The runbook against a running sandbox, as a person runs it: `npm run sandbox -- --deployer-credentials`
 * writes the key administrator's access key (0600) and `npm run sandbox:clock` moves the sandbox's clock
 * from outside. The AWS CLI's part of the runbook (disabling the key with that access key) is
 * lifecycle-awscli.slow.test.ts: AWS CLI runs are slow by nature (npm run test:slow).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { main as clockMain } from "../../cli/sandboxClock";
import { startCli } from "../support/sandboxProcess";
import { useTempDir } from "../support/tempDir";

interface DeployerFile {
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  endpoint: string;
}

describe("key lifecycle runbook against a running sandbox", function () {
  this.timeout(120_000);
  const workDir = useTempDir("sandbox-lifecycle");

  it("writes the deployer's key 0600 and advances the clock", async function () {
    const outputsFile = path.join(workDir(), "outputs.json");
    const deployerFile = path.join(workDir(), "deployer.json");
    const cli = await startCli([
      "--stack",
      "dev",
      "--outputs",
      outputsFile,
      "--deployer-credentials",
      deployerFile,
    ]);
    const printed: string[] = [];
    try {
      expect(fs.statSync(deployerFile).mode & 0o777).to.equal(0o600);
      const deployer = JSON.parse(fs.readFileSync(deployerFile, "utf8")) as DeployerFile;
      expect(deployer.endpoint).to.equal(cli.endpoint);
      expect(deployer.accessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/);
      expect(cli.stdout() + cli.stderr()).to.not.contain(deployer.secretAccessKey);

      expect(
        await clockMain(["--credentials", deployerFile, "--advance", "8d"], {
          env: process.env,
          cwd: process.cwd(),
          stdout: (line) => void printed.push(line),
          stderr: () => undefined,
        }),
      ).to.equal(0);
      expect(printed.join("\n")).to.contain("advanced 8.00 days");
      // --json: the same clock for scripts, { now, advancedSeconds }.
      const json: string[] = [];
      expect(
        await clockMain(["--credentials", deployerFile, "--json"], {
          env: process.env,
          cwd: process.cwd(),
          stdout: (line) => void json.push(line),
          stderr: () => undefined,
        }),
      ).to.equal(0);
      const clock = JSON.parse(json.join("\n")) as { now: string; advancedSeconds: number };
      expect(clock.advancedSeconds).to.equal(8 * 24 * 3600);
      expect(new Date(clock.now).toISOString()).to.equal(clock.now);
      const quiet = {
        env: process.env,
        cwd: process.cwd(),
        stdout: () => undefined,
        stderr: () => undefined,
      };
      expect(await clockMain(["--credentials", deployerFile, "--advance", "soon"], quiet)).to.equal(2);
    } finally {
      cli.child.kill("SIGTERM");
      await cli.exited;
    }
  });
});
