/**
 * `npm run checks -- [--stack S] [--outputs FILE] [--endpoint URL] [--json] [--wait-for-grant | --wait-for-revoke [--wait-seconds N]]`
 * Exit 0 iff every result matched its expectation; 1 if any did not; 2 for a usage or input mistake.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { processIo, runCli, runMain, type Io } from "./support";
import { formatCheckTable } from "../checks/format";
import { CheckInputError, readStackOutputs, type CommandRunner } from "../checks/outputs";
import { runChecks } from "../checks/run";
import type { RetryOptions } from "../checks/types";
import { DEFAULT_INTERVAL_SECONDS, DEFAULT_WAIT_SECONDS, waitForChecks } from "../checks/wait";

export const USAGE = `usage: npm run checks -- [--stack S | --outputs FILE] [--endpoint URL] [--json] [--wait-for-grant | --wait-for-revoke [--wait-seconds N] [--interval-seconds N]]

  --stack S            read the outputs with \`pulumi stack output --json --show-secrets --stack S\` (default: the selected stack)
  --outputs FILE       read the outputs (contracts.md section 2, secrets shown) from FILE instead
  --endpoint URL       send every call to URL (the sandbox); default AWS, or AWS_ENDPOINT_URL if set
  --json               print { ok, results } as JSON instead of the table
  --wait-for-grant     run again, with fresh connections, until every check matches or the bound passes
  --wait-for-revoke    the same after a revoke (a user taken out of the key policy): access ends when
                       DynamoDB next asks KMS; the report records when each user's access changed
  --wait-seconds N     the bound for either wait (default ${DEFAULT_WAIT_SECONDS})
  --interval-seconds N the pause between runs of either wait (default ${DEFAULT_INTERVAL_SECONDS})`;

export interface CliIo extends Io {
  /** Injected for tests: how `pulumi` is run. */
  runCommand?: CommandRunner;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
}

export function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(io, async () => {
    const args = parseCliArgs(argv);
    if (args.help) {
      io.stdout(USAGE);
      return 0;
    }
    io.stderr(
      args.outputs
        ? `reading stack outputs from ${args.outputs}`
        : `reading stack outputs with pulumi stack output${args.stack ? ` --stack ${args.stack}` : ""}`,
    );
    const outputs = await readStackOutputs({
      outputsFile: args.outputs === undefined ? undefined : path.resolve(io.cwd, args.outputs),
      stack: args.stack,
      run: io.runCommand,
    });
    const runOptions = { outputs, endpoint: args.endpoint, log: io.stderr, retry: io.retry };
    const report = args.waitFor
      ? await waitForChecks({
          ...runOptions,
          direction: args.waitFor,
          waitSeconds: args.waitSeconds,
          intervalSeconds: args.intervalSeconds,
          sleep: io.sleep,
        })
      : await runChecks(runOptions);
    io.stdout(args.json ? JSON.stringify(report, null, 2) : formatCheckTable(report));
    return report.ok ? 0 : 1;
  });
}

interface CliArgs {
  stack?: string;
  outputs?: string;
  endpoint?: string;
  json: boolean;
  /** --wait-for-grant or --wait-for-revoke. */
  waitFor?: "grant" | "revoke";
  waitSeconds?: number;
  intervalSeconds?: number;
  help: boolean;
}

function parseCliArgs(argv: string[]): CliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string" },
        outputs: { type: "string" },
        endpoint: { type: "string" },
        json: { type: "boolean", default: false },
        "wait-for-grant": { type: "boolean", default: false },
        "wait-for-revoke": { type: "boolean", default: false },
        "wait-seconds": { type: "string" },
        "interval-seconds": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new CheckInputError(`${(err as Error).message.split("\n")[0]} (see --help)`);
  }
  if (values.stack !== undefined && values.outputs !== undefined) {
    throw new CheckInputError(
      `--stack ${values.stack} and --outputs ${values.outputs}: give one source of outputs, not both`,
    );
  }
  if (values.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(values.endpoint)) {
    throw new CheckInputError(`--endpoint: "${values.endpoint}" is not an http:// or https:// URL`);
  }
  if (values["wait-for-grant"] && values["wait-for-revoke"]) {
    throw new CheckInputError("--wait-for-grant and --wait-for-revoke: give one of them, not both");
  }
  const waitFor = values["wait-for-grant"] ? "grant" : values["wait-for-revoke"] ? "revoke" : undefined;
  const waitOnly = (flag: "wait-seconds" | "interval-seconds") => {
    const text = values[flag];
    if (text === undefined) {
      return undefined;
    }
    if (waitFor === undefined) {
      throw new CheckInputError(
        `--${flag} ${text}: only meaningful with --wait-for-grant or --wait-for-revoke`,
      );
    }
    const number = Number(text);
    if (!Number.isFinite(number) || number <= 0) {
      throw new CheckInputError(`--${flag}: "${text}" is not a positive number of seconds`);
    }
    return number;
  };
  return {
    stack: values.stack,
    outputs: values.outputs,
    endpoint: values.endpoint,
    json: values.json,
    waitFor,
    waitSeconds: waitOnly("wait-seconds"),
    intervalSeconds: waitOnly("interval-seconds"),
    help: values.help,
  };
}

if (require.main === module) {
  runMain(main);
}
