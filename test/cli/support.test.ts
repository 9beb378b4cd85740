/**
 * One CLI convention for every command: strict flags, `error: ` and one line for a user mistake (exit 2),
 * a stack trace only for a defect (exit 1), and an injectable Io so each command runs in process here.
 */
import { expect } from "chai";
import { main as benchMain } from "../../cli/bench";
import { main as checksMain } from "../../cli/checks";
import { CheckInputError } from "../../checks/outputs";
import { isUserError, parseCliArgs, runCli, UsageError, UserError, type Io } from "../../cli/support";
import { main as guardMain } from "../../cli/policy";
import { PolicyConfigError } from "../../guard/policyConfig";
import { ConfigError } from "../../infra/validation";
import { main as synthMain } from "../../cli/synth";
import { StackConfigError } from "../../plan/stackConfig";
import { main as sandboxMain } from "../../cli/sandbox";
import { main as scenarioMain } from "../../cli/start";

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

describe("cli/support: one convention for every command", () => {
  it("counts every project error a user can fix as a user error, and nothing else", () => {
    for (const err of [
      new UsageError("x"),
      new ConfigError("x"),
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

  it("prints a user mistake as one line with one prefix (exit 2), a defect with its stack (exit 1)", async () => {
    const io = memoryIo();
    expect(await runCli(io, () => Promise.reject(new UserError("--x: bad")))).to.equal(2);
    expect(io.err).to.deep.equal(["error: --x: bad"]);
    const defect = memoryIo();
    expect(await runCli(defect, () => Promise.reject(new TypeError("boom")))).to.equal(1);
    expect(defect.err[0]).to.match(/^error: TypeError: boom\n\s+at /);
  });

  it("refuses unknown flags and positional arguments", () => {
    const options = { stack: { type: "string" } } as const;
    expect(() => parseCliArgs(["--stak", "dev"], options, "usage")).to.throw(UsageError, /--stak/);
    expect(() => parseCliArgs(["dev"], options, "usage")).to.throw(UsageError, /positional/);
    expect(parseCliArgs(["--stack", "dev"], options, "usage")).to.deep.equal({ stack: "dev" });
  });

  const commands = {
    synth: synthMain,
    policy: guardMain,
    sandbox: sandboxMain,
    checks: checksMain,
    scenario: scenarioMain,
  };
  for (const [name, main] of Object.entries(commands)) {
    it(`${name}: main(argv, io) answers an unknown flag with one "error: " line and exit 2`, async () => {
      const io = memoryIo();
      expect(await main(["--no-such-flag"], io)).to.equal(2);
      expect(io.err[0]).to.match(/^error: Unknown option '--no-such-flag'/);
      expect(io.out).to.deep.equal([]);
    });
  }

  it("bench: a name that matches no benchmark is a usage mistake", async () => {
    const io = memoryIo();
    expect(await benchMain(["no-such-bench"], io)).to.equal(2);
    expect(io.err[0]).to.match(/^error: "no-such-bench" names no benchmark/);
  });

  it("a command reads stack files from io.cwd, not from the process's directory", async () => {
    const io = memoryIo("/nonexistent-project-dir");
    expect(await synthMain(["--stack", "dev"], io)).to.equal(2);
    expect(io.err).to.have.length(1);
    expect(io.err[0]).to.contain("/nonexistent-project-dir");
  });
});
