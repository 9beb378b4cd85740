/**
 * Every file a command reads because the user named it is read bounded (common/userFile.ts): what is not
 * a regular file (/dev/zero, a FIFO, a directory where a file is expected) is refused before a byte is
 * read, and a file larger than the bound is refused unread. Each is one line naming the flag, exit 2.
 * Without the bound, `synth --state /dev/zero` read until memory ran out and a FIFO with no writer hung
 * for ever. (mkfifo is a child process: hence an integration test.)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { main as accessMain } from "../../cli/access";
import { main as policyMain } from "../../cli/policy";
import { main as startMain } from "../../cli/start";
import { main as synthMain } from "../../cli/synth";
import type { Main } from "../../cli/runner";
import { CHECKPOINT_FILE, MAX_CHECKPOINT_BYTES } from "../../plan/checkpoint";
import { runMainInProcess } from "../support/inProcessCli";
import { REPO_ROOT } from "../support/paths";
import { useTempDir } from "../support/tempDir";

/** A command, a flag naming a file, and the argv around it. */
const READERS: { name: string; main: Main; flag: string; argv: (file: string) => string[] }[] = [
  { name: "synth", main: synthMain, flag: "--state", argv: (f) => ["--stack", "dev", "--state", f] },
  {
    name: "synth",
    main: synthMain,
    flag: "--config-file",
    argv: (f) => ["--stack", "dev", "--config-file", f],
  },
  { name: "synth", main: synthMain, flag: "--invokes", argv: (f) => ["--stack", "dev", "--invokes", f] },
  { name: "policy", main: policyMain, flag: "--file", argv: (f) => ["--file", f] },
  {
    name: "policy",
    main: policyMain,
    flag: "--config",
    argv: (f) => ["--file", "/nonexistent", "--config", f],
  },
  {
    name: "policy",
    main: policyMain,
    flag: "--policy-pack-config",
    argv: (f) => ["--file", "/nonexistent", "--policy-pack-config", f],
  },
  { name: "access", main: accessMain, flag: "--plan", argv: (f) => ["--plan", f] },
];

describe("files the user names are read bounded, and refused in one line", function () {
  this.timeout(60_000);
  const dir = useTempDir("user-files");

  const hostile: { kind: string; make: (dir: string) => string; says: string }[] = [
    { kind: "/dev/zero", make: () => "/dev/zero", says: "is not a regular file (a character device)" },
    {
      kind: "a FIFO with no writer",
      make: (d) => {
        const fifo = path.join(d, "fifo.json");
        execFileSync("mkfifo", [fifo]);
        return fifo;
      },
      says: "is not a regular file (a FIFO)",
    },
    {
      kind: "a file larger than any bound (sparse: no disk used)",
      make: (d) => {
        const huge = path.join(d, "huge.json");
        fs.closeSync(fs.openSync(huge, "w"));
        fs.truncateSync(huge, MAX_CHECKPOINT_BYTES + 1);
        return huge;
      },
      says: `is ${MAX_CHECKPOINT_BYTES + 1} bytes, more than the`,
    },
  ];

  for (const reader of READERS) {
    for (const { kind, make, says } of hostile) {
      it(`${reader.name} ${reader.flag}: ${kind}`, async () => {
        const file = make(dir());
        const run = await runMainInProcess(reader.main, reader.argv(file), REPO_ROOT);
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr.trim().split("\n")).to.have.length(1);
        expect(run.stderr).to.include(`${reader.flag}: "${file}" ${says}`);
      });
    }
    if (!["--state", "--file"].includes(reader.flag)) {
      it(`${reader.name} ${reader.flag}: a directory`, async () => {
        const run = await runMainInProcess(reader.main, reader.argv(dir()), REPO_ROOT);
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr.trim()).to.equal(`error: ${reader.flag}: "${dir()}" is a directory, not a file`);
      });
    }
  }

  for (const reader of READERS.filter((r) => ["--state", "--file"].includes(r.flag))) {
    it(`${reader.name} ${reader.flag} DIR: the data dir's ${CHECKPOINT_FILE} is read bounded too`, async () => {
      execFileSync("mkfifo", [path.join(dir(), CHECKPOINT_FILE)]);
      const run = await runMainInProcess(reader.main, reader.argv(dir()), REPO_ROOT);
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr.trim()).to.equal(
        `error: ${reader.flag}: "${path.join(dir(), CHECKPOINT_FILE)}" is not a regular file (a FIFO)`,
      );
    });
  }

  it("policy --file DIR without a checkpoint (a mistyped path, /etc) is refused, not analysed as 0 resources", async () => {
    const run = await runMainInProcess(policyMain, ["--file", "/etc"], REPO_ROOT);
    expect(run.code).to.equal(2);
    expect(run.stderr.trim()).to.match(/^error: --file: "\/etc" is a directory without a checkpoint\.json/);
    expect(run.stdout).to.equal("");
  });

  it("a JSON syntax error names the position, never the text around it (which may be a secret)", async () => {
    const file = path.join(dir(), "state.json");
    fs.writeFileSync(file, '{"version": 3, "deployment": {"password": "hunter2" oops}}');
    const run = await runMainInProcess(synthMain, ["--stack", "dev", "--state", file], REPO_ROOT);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`--state: "${file}" is not valid JSON (at position`);
    expect(run.stderr).not.to.include("hunter2");
  });

  it("a checkpoint nested deeper than the engine walks is one line, not a stack overflow", async () => {
    const file = path.join(dir(), "deep.json");
    const depth = 5_000;
    const resource = `{"urn":"urn:pulumi:dev::p::aws:s3/bucket:Bucket::b","type":"aws:s3/bucket:Bucket","custom":true,"inputs":{"x":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
    fs.writeFileSync(file, `{"version":3,"deployment":{"manifest":{},"resources":[${resource}]}}`);
    for (const [main, argv] of [
      [policyMain, ["--file", file]],
      [synthMain, ["--stack", "dev", "--state", file]],
    ] as const) {
      const run = await runMainInProcess(main, [...argv], REPO_ROOT);
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.include(
        `"${file}" nests arrays and objects deeper than the 1000 levels accepted`,
      );
    }
  });
});

describe("output paths are checked before any work", function () {
  this.timeout(60_000);
  const dir = useTempDir("output-paths");

  it("access --html to a missing directory or a directory: one line, exit 2, before the analysis", async () => {
    const plan = path.join(dir(), "plan.json");
    fs.writeFileSync(plan, "{}");
    const missing = path.join(dir(), "no-such-dir", "access.html");
    const run = await runMainInProcess(accessMain, ["--plan", plan, "--html", missing], REPO_ROOT);
    expect(run.code).to.equal(2);
    // The plan is not valid: had the analysis run first, its error would be the one printed.
    expect(run.stderr.trim()).to.equal(
      `error: --html: "${missing}" cannot be written: its directory "${path.dirname(missing)}" does not exist`,
    );
    const intoDir = await runMainInProcess(accessMain, ["--plan", plan, "--html", dir()], REPO_ROOT);
    expect(intoDir.stderr.trim()).to.equal(`error: --html: "${dir()}" cannot be written: it is a directory`);
  });

  it("npm start --html or --report to a missing directory: one line, exit 2, before the scenario runs", async () => {
    const missing = path.join(dir(), "no-such-dir", "out");
    for (const flag of ["--html", "--report"]) {
      const run = await runMainInProcess(startMain, [flag, missing], REPO_ROOT);
      expect(run.code).to.equal(2);
      expect(run.stdout).to.equal("");
      expect(run.stderr.trim()).to.equal(
        `error: ${flag}: "${missing}" cannot be written: its directory "${path.dirname(missing)}" does not exist`,
      );
    }
  });
});
