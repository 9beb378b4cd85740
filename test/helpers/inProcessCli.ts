/**
 * Runs a CLI's exported main(argv) in this process, from `cwd` as npm would run it there, capturing
 * what it writes: the CLIs' error paths are tested this way, without a process start each.
 */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMainInProcess(
  main: (argv: string[]) => Promise<number>,
  argv: string[],
  cwd: string,
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const previousDir = process.cwd();
  process.stdout.write = (chunk: string | Uint8Array) => ((stdout += chunk.toString()), true);
  process.stderr.write = (chunk: string | Uint8Array) => ((stderr += chunk.toString()), true);
  process.chdir(cwd);
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.chdir(previousDir);
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  }
}
