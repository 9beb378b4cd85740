/**
 * The one CLI runner (cli/runner.ts), for every command: strict flags from the spec, --help generated
 * from it (stdout, exit 0), a user mistake as one `error: ` line (exit 2), an internal error as one
 * line (exit 70, sysexits.h EX_SOFTWARE) with its stack only under --verbose. Each command runs in
 * process here through its exported main(argv, io); test/cli/runner.int.test.ts holds what needs a
 * process (flushing, closed pipes, uncaught exceptions).
 */
import { expect } from "chai";
import { CheckInputError } from "../../checks/outputs";
import { COMMANDS } from "../../cli/commands";
import {
  defineCommand,
  escapeControls,
  EXIT_INTERNAL_ERROR,
  isUserError,
  mainOf,
  UsageError,
  UserError,
  type Io,
} from "../../cli/runner";
import { main as synthMain } from "../../cli/synth";
import { PolicyConfigError } from "../../guard/policyConfig";
import { OutputsError } from "../../infra/outputs";
import { ConfigError } from "../../infra/validation";
import { StackConfigError } from "../../plan/stackConfig";

/** An Io that records what a command prints. */
export function memoryIo(cwd = process.cwd()): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: {},
    cwd,
  };
}

/** A command whose body does what a test asks of it. */
function probe(body: () => Promise<number>) {
  return mainOf(
    defineCommand({
      name: "probe",
      summary: "A command for the runner's tests.",
      options: {
        stack: { type: "string", placeholder: "NAME", required: true, description: "the stack" },
        tag: { type: "string", placeholder: "TAG", multiple: true, description: "a tag, repeatable" },
        json: { type: "boolean", description: "print JSON" },
      },
      exits: { 1: "a finding" },
      run: () => body(),
    }),
  );
}

describe("cli/runner: one runner for every command", () => {
  it("counts every project error a user can fix as a user error, and nothing else", () => {
    for (const err of [
      new UsageError("x"),
      new ConfigError("x"),
      new OutputsError("x"),
      new StackConfigError("x"),
      new CheckInputError("x"),
      new PolicyConfigError("x"),
    ]) {
      expect(isUserError(err), err.constructor.name).to.equal(true);
      expect(err).to.be.instanceOf(Error);
    }
    expect(new StackConfigError("x")).to.be.instanceOf(UserError);
    expect(isUserError(new TypeError("x"))).to.equal(false);
    expect(isUserError({ message: "not an error" })).to.equal(false);
  });

  it("prints a user mistake as one line with one prefix, exit 2", async () => {
    const io = memoryIo();
    expect(await probe(() => Promise.reject(new UserError("--x: bad")))(["--stack", "dev"], io)).to.equal(2);
    expect(io.err).to.deep.equal(["error: --x: bad"]);
    expect(io.out).to.deep.equal([]);
  });

  it("prints an internal error as one line, exit 70; its stack only with --verbose", async () => {
    const fault = () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'arn')"));
    const io = memoryIo();
    expect(await probe(fault)(["--stack", "dev"], io)).to.equal(EXIT_INTERNAL_ERROR);
    expect(EXIT_INTERNAL_ERROR).to.equal(70);
    expect(io.err).to.have.length(1);
    expect(io.err[0].split("\n")).to.have.length(1);
    expect(io.err[0]).to.match(
      /^error: internal error: TypeError: Cannot read properties of undefined \(reading 'arn'\) \(run again with --verbose/,
    );
    const verbose = memoryIo();
    expect(await probe(fault)(["--stack", "dev", "--verbose"], verbose)).to.equal(70);
    expect(verbose.err[0]).to.match(/^error: internal error: TypeError: .*\nTypeError: .*\n\s+at /);
  });

  it("shortens and escapes what an internal error shows: no control or bidi characters, one line", async () => {
    const io = memoryIo();
    const escape = String.fromCharCode(0x1b);
    const fault = () =>
      Promise.reject(new Error(`bad${escape}[2J\u202ename${"x".repeat(1000)}\nsecond line`));
    expect(await probe(fault)(["--stack", "dev"], io)).to.equal(70);
    expect(io.err[0]).to.not.contain(escape).and.not.contain("\u202e").and.not.contain("\n");
    expect(io.err[0]).to.contain("bad\\u001b[2J\\u202ename");
    expect(io.err[0].length).to.be.below(420);
    expect(escapeControls("tab\tnew\nline")).to.equal("tab\tnew\nline");
  });

  it("parses flags from the spec: required, repeated, unknown, positional", async () => {
    let seen: unknown;
    const command = mainOf(
      defineCommand({
        name: "probe",
        summary: "s",
        options: {
          stack: { type: "string", required: true, description: "d" },
          tag: { type: "string", multiple: true, description: "d" },
        },
        run: async (args) => {
          seen = args;
          return 0;
        },
      }),
    );
    expect(await command(["--stack", "dev", "--tag", "a", "--tag", "b"], memoryIo())).to.equal(0);
    expect(seen).to.deep.equal({ stack: "dev", tag: ["a", "b"] });
    const missing = memoryIo();
    expect(await command([], missing)).to.equal(2);
    expect(missing.err).to.deep.equal(["error: --stack is required (npm run probe -- --help)"]);
    const positional = memoryIo();
    expect(await command(["--stack", "dev", "stray"], positional)).to.equal(2);
    expect(positional.err[0]).to.match(/^error: Unexpected argument 'stray'/);
  });

  it("generates the usage and the help from the spec", async () => {
    const io = memoryIo();
    expect(await probe(async () => 0)(["-h"], io)).to.equal(0);
    expect(io.err).to.deep.equal([]);
    expect(io.out[0].split("\n")).to.deep.equal([
      "usage: npm run probe -- --stack NAME [--tag TAG...] [--json]",
      "",
      "A command for the runner's tests.",
      "",
      "options:",
      "  --stack NAME  the stack (required)",
      "  --tag TAG     a tag, repeatable",
      "  --json        print JSON",
      "  -h, --help    print this help and exit",
      "  --verbose     print stack traces and extra progress on stderr",
      "",
      "exit codes: 0 success; 1 a finding; 2 a user error (one line on stderr); 70 an internal error (one line; the stack with --verbose)",
    ]);
  });

  for (const command of COMMANDS) {
    describe(command.invocation, () => {
      it("--help and -h print the usage generated from its spec on stdout, exit 0", async () => {
        for (const flag of ["--help", "-h"]) {
          const io = memoryIo();
          expect(await mainOf(command)([flag], io)).to.equal(0);
          expect(io.err).to.deep.equal([]);
          expect(io.out).to.have.length(1);
          expect(io.out[0].split("\n")[0]).to.equal(command.usage);
          for (const option of Object.keys(command.options)) {
            expect(io.out[0], option).to.contain(`--${option}`);
          }
        }
      });

      it('answers an unknown flag with one "error: " line pointing to --help, exit 2', async () => {
        const io = memoryIo();
        expect(await mainOf(command)(["--no-such-flag"], io)).to.equal(2);
        expect(io.err).to.have.length(1);
        expect(io.err[0]).to.match(
          /^error: Unknown option '--no-such-flag'.* \(npm (start|run \S+) -- --help\)$/,
        );
        expect(io.out).to.deep.equal([]);
      });
    });
  }

  it("bench: a name that matches no benchmark is a usage mistake", async () => {
    const bench = COMMANDS.find((command) => command.name === "bench");
    const io = memoryIo();
    expect(await mainOf(bench as (typeof COMMANDS)[number])(["no-such-bench"], io)).to.equal(2);
    expect(io.err[0]).to.match(/^error: "no-such-bench" names no benchmark/);
  });

  it("a command reads stack files from io.cwd, not from the process's directory", async () => {
    const io = memoryIo("/nonexistent-project-dir");
    expect(await synthMain(["--stack", "dev"], io)).to.equal(2);
    expect(io.err).to.have.length(1);
    expect(io.err[0]).to.contain("/nonexistent-project-dir");
  });
});
