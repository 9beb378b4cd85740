/**
 * `npm run checks`: the data-access checks, as each user and role of the stack outputs, against a
 * deployed stack on AWS or the sandbox. Exit 0 iff every result matched its expectation; 1 if any did
 * not; 2 for a usage or input mistake.
 */
import * as path from "node:path";
import { formatCheckTable } from "../checks/format";
import { CheckInputError, readStackOutputs, type CommandRunner } from "../checks/outputs";
import { runChecks } from "../checks/run";
import type { RetryOptions } from "../checks/types";
import { DEFAULT_INTERVAL_SECONDS, DEFAULT_WAIT_SECONDS, waitForChecks } from "../checks/wait";
import { defineCommand, mainOf, runMain, type CommandContext, type Io } from "./runner";
import { displayValue } from "../common/display";

export interface CliIo extends Io {
  /** Injected for tests: how `pulumi` is run. */
  runCommand?: CommandRunner;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
}

export const command = defineCommand({
  name: "checks",
  summary:
    "Runs the data-access checks as each user (and each role, assumed with a trusted user's key) against a deployed stack, on AWS or the sandbox, and compares every result with what the stack declares.",
  options: {
    stack: {
      type: "string",
      placeholder: "NAME",
      description:
        "read the outputs with `pulumi stack output --json --show-secrets --stack NAME` (default: the selected stack)",
    },
    outputs: {
      type: "string",
      placeholder: "FILE",
      description: "read the outputs (docs/contracts.md section 2, secrets shown) from FILE instead",
    },
    endpoint: {
      type: "string",
      placeholder: "URL",
      description: "send every call to URL (the sandbox); default AWS, or AWS_ENDPOINT_URL if set",
    },
    json: { type: "boolean", description: "print { ok, results } as JSON instead of the table" },
    "wait-for-grant": {
      type: "boolean",
      description: "run again, with fresh connections, until every check matches or the bound passes",
    },
    "wait-for-revoke": {
      type: "boolean",
      description:
        "the same after a revoke: access ends when DynamoDB next asks KMS; the report records when each user's access changed",
    },
    "wait-seconds": {
      type: "string",
      placeholder: "N",
      description: `the bound for either wait (default ${DEFAULT_WAIT_SECONDS})`,
    },
    "interval-seconds": {
      type: "string",
      placeholder: "N",
      description: `the pause between runs of either wait (default ${DEFAULT_INTERVAL_SECONDS})`,
    },
  },
  exits: { 1: "a result that did not match its expectation" },
  async run(values, ctx: CommandContext<object, CliIo>) {
    const { io } = ctx;
    const args = checkArgs(values);
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
  },
});

export const main = mainOf(command);

interface CheckArgs {
  stack?: string;
  outputs?: string;
  endpoint?: string;
  json: boolean;
  /** --wait-for-grant or --wait-for-revoke. */
  waitFor?: "grant" | "revoke";
  waitSeconds?: number;
  intervalSeconds?: number;
}

/** The flags' combinations and values, checked: a mistake is a CheckInputError (one line, exit 2). */
function checkArgs(values: {
  stack?: string;
  outputs?: string;
  endpoint?: string;
  json?: boolean;
  "wait-for-grant"?: boolean;
  "wait-for-revoke"?: boolean;
  "wait-seconds"?: string;
  "interval-seconds"?: string;
}): CheckArgs {
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
      throw new CheckInputError(`--${flag}: ${displayValue(text)} is not a positive number of seconds`);
    }
    return number;
  };
  return {
    stack: values.stack,
    outputs: values.outputs,
    endpoint: values.endpoint,
    json: values.json ?? false,
    waitFor,
    waitSeconds: waitOnly("wait-seconds"),
    intervalSeconds: waitOnly("interval-seconds"),
  };
}

if (require.main === module) {
  runMain(command);
}
