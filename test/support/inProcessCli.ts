/**
 * Runs a CLI's exported main(argv, io) in this process with an injected Io (cli/runner.ts): from `cwd`
 * as npm would run it there, capturing what it writes. The CLIs' error paths are tested this way,
 * without a process start each.
 */
import type { Io, Main } from "../../cli/runner";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMainInProcess(main: Main, argv: string[], cwd: string): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    env: process.env,
    cwd,
    stdout: (text) => void (stdout += `${text}\n`),
    stderr: (text) => void (stderr += `${text}\n`),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
