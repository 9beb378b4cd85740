/**
 * `npm run bench`: every benchmark of the project, one after the other, each printing its own lines
 * (ratios measured side by side within one run; see bench/README.md).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { readdirSync } from "node:fs";
import { join } from "node:path";

interface Benchmark {
  run(): Promise<void>;
}

export async function main(only: string[]): Promise<number> {
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith(".bench.ts"))
    .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
    .sort();
  let failed = 0;
  for (const file of files) {
    console.log(`\n== ${file}`);
    const started = Date.now();
    try {
      const bench = (await import(join(__dirname, file))) as Benchmark;
      await bench.run();
    } catch (err) {
      failed++;
      console.error(`${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    console.log(`(${file}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
