/**
 * The policy pack over generated first-preview stacks of 1,000 and 10,000 resources (KMS keys and
 * aliases, tables on unknown and known keys, IAM policies), through the Analyzer gRPC service as the
 * engine drives it: time per resource at each size and the ratio of the two totals. Linear cost
 * gives a ratio near 10. One pack process serves every run; its start-up (ts-node) is printed apart.
 * Each resource costs two calls (Remediate, then Analyze), as in the engine, plus its share of the one
 * AnalyzeStack.
 * Run alone: npx ts-node bench/policy.bench.ts
 */
import { DEFAULT_PACK_DIR, startPolicyPack } from "../guard/packProcess";
import { analyzePlan } from "../guard/run";
import type { Plan, PlanResourceState } from "../plan/types";
import { UNKNOWN_VALUE } from "../plan/values";
import { customState } from "../test/helpers/plan";

const SIZES = [1_000, 10_000] as const;

const resource = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  propertyDependencies: Record<string, string[]> = {},
) => customState("bench", type, name, inputs, propertyDependencies);

/** Groups of five: a new key, its alias, a table on the key, a table on a known key, a user policy. */
export function generatePlan(size: number): Plan {
  const states: PlanResourceState[] = [];
  for (let g = 0; states.length < size; g++) {
    const key = resource("aws:kms/key:Key", `key-${g}`, {
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            Action: "kms:*",
            Resource: "*",
          },
        ],
      }),
      arn: UNKNOWN_VALUE,
    });
    const alias = resource(
      "aws:kms/alias:Alias",
      `alias-${g}`,
      { name: `alias/bench-${g}`, targetKeyId: UNKNOWN_VALUE },
      { targetKeyId: [key.urn] },
    );
    const tableOnNewKey = resource(
      "aws:dynamodb/table:Table",
      `table-new-key-${g}`,
      {
        hashKey: "id",
        serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN_VALUE },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
      },
      { serverSideEncryption: [alias.urn] },
    );
    const tableOnKnownKey = resource("aws:dynamodb/table:Table", `table-known-key-${g}`, {
      hashKey: "id",
      serverSideEncryption: {
        enabled: true,
        kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    });
    const policy = resource("aws:iam/userPolicy:UserPolicy", `policy-${g}`, {
      user: `user-${g}`,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
            Resource: `arn:aws:dynamodb:us-east-1:111122223333:table/t-${g}`,
          },
        ],
      }),
    });
    states.push(key, alias, tableOnNewKey, tableOnKnownKey, policy);
  }
  states.length = size;
  return {
    steps: states.map((s) => ({ op: "create", urn: s.urn, newState: s, detailedDiff: null })),
    outputs: {},
    invokes: [],
  };
}

export async function run(): Promise<void> {
  const pack = await startPolicyPack(DEFAULT_PACK_DIR, () => undefined);
  try {
    console.log(`policy pack: start-up (run-policy-pack, ts-node type-checking the pack) ${pack.startMs} ms`);
    // The pack's first thousands of resources run cold (V8 compiles the server and the rules as they
    // get hot): warm it up, then keep the best of three runs per size (other work on the machine only
    // ever adds time).
    for (let i = 0; i < 3; i++) {
      await analyzePlan(pack.client, generatePlan(2_000), {}, () => undefined);
    }
    const totals: number[] = [];
    for (const size of SIZES) {
      const plan = generatePlan(size);
      let best = Infinity;
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = process.hrtime.bigint();
        const report = await analyzePlan(pack.client, plan, {}, () => undefined);
        best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
        if (report.mandatory !== 0) {
          throw new Error(
            `bench plan of ${size} resources should pass, found ${report.mandatory} mandatory violation(s)`,
          );
        }
      }
      totals.push(best);
      console.log(
        `policy pack: ${size} resources in ${(best / 1000).toFixed(2)} s, ${((best * 1000) / size).toFixed(0)} µs per resource`,
      );
    }
    console.log(
      `policy pack: ${SIZES[1]} / ${SIZES[0]} resources time ratio ${(totals[1] / totals[0]).toFixed(1)} (10 = linear)`,
    );
  } finally {
    await pack.stop();
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
