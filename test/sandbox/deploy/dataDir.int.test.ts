/**
 * `--data-dir` against hostile and clumsy input: paths that cannot hold data are refused before they are
 * touched, the directory is 0700 and its files 0600 whoever created it, a broken state file or a region
 * change is one line (exit 2), "in use by another sandbox" only when one is, and a failed atomic write
 * leaves no temporary file (which would hold every secret access key) behind.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { isUserError } from "../../../cli/runner";
import { synthesize } from "../../../plan/synth";
import { Sandbox } from "../../../sandbox";
import { writeFileAtomic } from "../../../sandbox/deploy/stateFile";
import { credentialsOf, devConfig, useClientPool } from "../../support/sandbox";
import { useTempDir } from "../../support/tempDir";
import { rejectionOf } from "../../support/errors";

/** Every path under `dir`, itself included, with its permission bits. */
function modes(dir: string): Array<{ file: string; mode: number; directory: boolean }> {
  const found = [{ file: dir, mode: fs.statSync(dir).mode & 0o777, directory: true }];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    found.push({ file, mode: fs.statSync(file).mode & 0o777, directory: entry.isDirectory() });
  }
  return found;
}

/** Why Sandbox.start refused `dataDir` (a sandbox that starts is stopped, and the test fails). */
function startError(dataDir: string): Promise<Error> {
  return rejectionOf(Sandbox.start({ dataDir }).then((sandbox) => sandbox.stop()));
}

describe("sandbox --data-dir, hostile and clumsy", function () {
  this.timeout(60_000);
  const pool = useClientPool();
  const workDir = useTempDir("sandbox-data-dir");

  it("refuses paths on kernel file systems (/proc, /sys, /dev) before touching them, as a user error", async () => {
    for (const dataDir of [
      "/proc/kms-dynamodb-sandbox",
      "/proc/self/kms-dynamodb",
      "/sys/kms",
      "/dev/shm/../kms",
    ]) {
      const err = await startError(dataDir);
      expect(isUserError(err), `${dataDir}: ${err.stack}`).to.equal(true);
      expect(err.message.split("\n"), dataDir).to.have.length(1);
      expect(err.message).to.match(/^--data-dir: ".*" is on a kernel file system/);
    }
  });

  it("refuses a path with a file in it, and one it may not create, in one line", async () => {
    const file = path.join(workDir(), "a-file");
    fs.writeFileSync(file, "");
    const throughFile = await startError(path.join(file, "data"));
    expect(isUserError(throughFile)).to.equal(true);
    expect(throughFile.message).to.match(
      /^--data-dir: ".*a-file\/data" cannot be used: .*a-file is not a directory$/,
    );
    const locked = path.join(workDir(), "locked");
    fs.mkdirSync(locked, { mode: 0o500 });
    if (process.getuid?.() !== 0) {
      // Root ignores directory permissions; the EACCES case is only reachable as another user.
      const denied = await startError(path.join(locked, "data"));
      expect(isUserError(denied)).to.equal(true);
      expect(denied.message).to.match(/^--data-dir: ".*locked\/data" cannot be used: EACCES/);
    }
  });

  it("refuses, in one line, a data dir that even root may not create (EPERM under an immutable directory)", async function () {
    // Root ignores permission bits, but not the immutable attribute (chattr(1): "no files can be created
    // in this directory"): mkdir fails with EPERM, which is what a user meets on a directory it may not
    // write. Needs root and a file system with attributes (ext4 here); elsewhere the case above covers it.
    if (process.getuid?.() !== 0 || spawnSync("chattr", ["--help"]).error !== undefined) {
      this.skip();
    }
    const frozen = path.join(workDir(), "frozen");
    fs.mkdirSync(frozen);
    const set = spawnSync("chattr", ["+i", frozen]);
    if (set.status !== 0) {
      // A file system without attributes (tmpfs, overlay): nothing to freeze with.
      this.skip();
    }
    try {
      const denied = await startError(path.join(frozen, "data"));
      expect(isUserError(denied), denied.stack).to.equal(true);
      expect(denied.message.split("\n")).to.have.length(1);
      expect(denied.message).to.match(/^--data-dir: ".*frozen\/data" cannot be used: EPERM/);
    } finally {
      spawnSync("chattr", ["-i", frozen]);
    }
  });

  it("makes a pre-created 0755 data dir 0700 and every file in it 0600, LevelDB's included", async () => {
    const dataDir = path.join(workDir(), "data");
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const sandbox = await Sandbox.start({ dataDir });
    try {
      await sandbox.apply(await synthesize({ stack: "dev", config: devConfig() }));
      const outputs = sandbox.outputs();
      const { dynamodb } = pool.open(sandbox.endpoint, credentialsOf(outputs, "app-user"), outputs.region);
      await dynamodb.send(new PutItemCommand({ TableName: outputs.tableName, Item: { pk: { S: "x" } } }));
      dynamodb.destroy();
    } finally {
      await sandbox.stop();
    }
    const found = modes(dataDir);
    expect(found.length).to.be.greaterThan(3);
    for (const { file, mode, directory } of found) {
      expect(mode.toString(8), file).to.equal(directory ? "700" : "600");
    }
  });

  it("answers a corrupt or wrong-version state.json with one line naming the file", async () => {
    const dataDir = path.join(workDir(), "data");
    fs.mkdirSync(dataDir);
    for (const [content, expected] of [
      ["{ not json", /state\.json: not valid JSON/],
      [
        JSON.stringify({ version: 99, deployment: {} }),
        /state\.json: version 99 is not state format 2 \(or 1/,
      ],
      [JSON.stringify([1, 2]), /state\.json: version undefined is not state format 2 \(or 1/],
    ] as const) {
      fs.writeFileSync(path.join(dataDir, "state.json"), content);
      const err = await startError(dataDir);
      expect(isUserError(err), err.stack).to.equal(true);
      expect(err.message).to.match(expected);
      expect(err.message.split("\n")).to.have.length(1);
    }
  });

  it("says 'in use by another sandbox' only when one holds the directory", async () => {
    const dataDir = path.join(workDir(), "data");
    const first = await Sandbox.start({ dataDir });
    try {
      const err = await startError(dataDir);
      expect(isUserError(err)).to.equal(true);
      expect(err.message).to.equal(`--data-dir: "${dataDir}" is in use by another sandbox`);
    } finally {
      await first.stop();
    }
    // A LevelDB directory that is not a database (its CURRENT file is garbage) is no lock held by anyone.
    fs.writeFileSync(path.join(dataDir, "dynamodb", "CURRENT"), "garbage\n");
    const corrupt = await startError(dataDir);
    expect(isUserError(corrupt), corrupt.stack).to.equal(true);
    expect(corrupt.message).to.not.contain("in use");
    expect(corrupt.message).to.match(/^--data-dir: ".*" cannot be opened: /);
  });

  it("refuses to apply a plan for another region over a deployed data dir, in one line", async () => {
    const dataDir = path.join(workDir(), "data");
    const sandbox = await Sandbox.start({ dataDir });
    try {
      await sandbox.apply(await synthesize({ stack: "dev", config: devConfig() }));
      const region = sandbox.outputs().region;
      const other = region === "eu-west-1" ? "us-east-1" : "eu-west-1";
      const plan = await synthesize({ stack: "dev", config: { ...devConfig(), "aws:region": other } });
      let refused: Error | undefined;
      await sandbox.apply(plan).catch((err: Error) => (refused = err));
      expect(refused, "a region change was applied").to.not.equal(undefined);
      expect(isUserError(refused)).to.equal(true);
      expect(refused?.message).to.equal(
        `--data-dir: "${dataDir}" holds a stack deployed in ${region}; this plan is for ${other}: use another data dir`,
      );
      expect(sandbox.outputs().region).to.equal(region);
    } finally {
      await sandbox.stop();
    }
  });

  it("removes its temporary file when an atomic write fails", () => {
    const target = path.join(workDir(), "outputs-is-a-directory");
    fs.mkdirSync(target);
    expect(() => writeFileAtomic(target, "secret")).to.throw();
    expect(fs.readdirSync(workDir())).to.deep.equal(["outputs-is-a-directory"]);
  });
});
