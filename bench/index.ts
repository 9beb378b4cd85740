/**
 * `npm run bench`: every benchmark of the project, one after the other, each printing its own lines
 * (ratios measured side by side within one run; see bench/README.md).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { processIo, runCli, runMain, UsageError, type Io } from "../cli/support";

export const USAGE = "usage: npm run bench [-- NAME...]   (NAME: a benchmark file's prefix, e.g. sandbox)";

interface Benchmark {
  run(): Promise<void>;
}

/** Benchmarks are named by positional arguments; a name that matches none is a usage mistake. */
export function main(argv: string[], io: Io = processIo()): Promise<number> {
  return runCli(io, async () => {
    const all = readdirSync(__dirname)
      .filter((file) => file.endsWith(".bench.ts"))
      .sort();
    for (const name of argv) {
      if (name.startsWith("-") || !all.some((file) => file.startsWith(name))) {
        throw new UsageError(`"${name}" names no benchmark (${all.join(", ")})\n${USAGE}`);
      }
    }
    return runBenchmarks(
      all.filter((file) => argv.length === 0 || argv.some((name) => file.startsWith(name))),
      io,
    );
  });
}

async function runBenchmarks(files: string[], io: Io): Promise<number> {
  let failed = 0;
  for (const file of files) {
    io.stdout(`\n== ${file}`);
    const started = Date.now();
    try {
      const bench = (await import(join(__dirname, file))) as Benchmark;
      await bench.run();
    } catch (err) {
      failed++;
      io.stderr(`${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    io.stdout(`(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  runMain(main);
}
