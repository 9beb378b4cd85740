/**
 * `npm run collect -- --out DIR`: saves the account data `npm run access -- --account-data DIR` reads, by
 * running the AWS CLI's read commands (access/accountData/collect.ts) against AWS with the default
 * credential chain, or against `--endpoint URL` (the sandbox). Exit 0; 2 for a mistake or a command that
 * failed (one line naming it and AWS's error).
 */
import * as path from "node:path";
import { awsCliRunner, collectAccountData, type AwsCliRunner } from "../access/accountData/collect";
import { defineCommand, mainOf, runMain, type Io } from "./runner";

export interface CollectIo extends Io {
  /** Injected for tests: how `aws` is run. */
  aws?: AwsCliRunner;
}

export const command = defineCommand({
  name: "collect",
  summary:
    "Saves an account's IAM entities and policies, KMS key policies and grants, and SCPs and RCPs, as the AWS CLI prints them, for npm run access -- --account-data.",
  options: {
    out: {
      type: "string",
      placeholder: "DIR",
      required: true,
      description: "the new folder to write (0700; files 0600)",
    },
    endpoint: {
      type: "string",
      placeholder: "URL",
      description: "send every call to URL (the sandbox); default AWS, with the AWS CLI's credentials",
    },
    region: {
      type: "string",
      placeholder: "REGION",
      description: "the region of the keys (default: the AWS CLI's)",
    },
  },
  async run(args, ctx) {
    const io = ctx.io as CollectIo;
    const outDir = path.resolve(io.cwd, args.out);
    const aws = io.aws ?? awsCliRunner({ env: io.env, endpoint: args.endpoint, region: args.region });
    const result = await collectAccountData(outDir, aws);
    for (const note of result.notes) {
      io.stderr(`note: ${note}`);
    }
    io.stdout(`wrote ${result.files.length} files to ${args.out}`);
    return 0;
  },
});

export const main = mainOf(command);

if (require.main === module) {
  runMain(command);
}
