/**
 * The sandbox's cost over its storage engine: GetItem and PutItem throughput through the sandbox (SigV4
 * verified, IAM and KMS authorization on every request, as the key user app-user) against dynalite alone
 * (its own HTTP server), with the same SDK v3 client configuration, in one run, rounds interleaved.
 * Target (issue 4): the sandbox keeps at least 70% of dynalite's throughput.
 *
 * Run alone: `npx ts-node bench/sandbox.bench.ts`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { synthesize } from "../plan/synth";
import { Sandbox } from "../sandbox";

/** Requests per measurement, and how many are in flight at once (an SDK client's usual pattern). */
const OPERATIONS = 2000;
const CONCURRENCY = 8;
const ROUNDS = 3;
const TARGET_RATIO = 0.7;

interface Target {
  name: string;
  client: DynamoDBClient;
  table: string;
}

export async function run(): Promise<void> {
  const plan = await synthesize({ stack: "dev" });
  const sandbox = await Sandbox.start();
  const baseline = dynalite({ createTableMs: 0 });
  try {
    await sandbox.apply(plan);
    const outputs = sandbox.outputs();
    const user = outputs.users["app-user"];
    const region = outputs.region;
    const clientFor = (endpoint: string, accessKeyId: string, secretAccessKey: string) =>
      new DynamoDBClient({ endpoint, region, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey } });

    await new Promise<void>((resolve) => baseline.listen(0, "127.0.0.1", resolve));
    const baselineEndpoint = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}`;
    // dynalite checks only the Authorization header's format, so any key works there.
    const baselineClient = clientFor(baselineEndpoint, user.accessKeyId, user.secretAccessKey);
    await baselineClient.send(
      new CreateTableCommand({
        TableName: outputs.tableName,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));

    const targets: Target[] = [
      { name: "dynalite", client: baselineClient, table: outputs.tableName },
      {
        name: "sandbox",
        client: clientFor(sandbox.endpoint, user.accessKeyId, user.secretAccessKey),
        table: outputs.tableName,
      },
    ];
    for (const target of targets) {
      await measure(target, "PutItem", OPERATIONS / 4);
      await measure(target, "GetItem", OPERATIONS / 4);
    }

    const results: Record<string, Record<string, number[]>> = { PutItem: {}, GetItem: {} };
    for (let round = 0; round < ROUNDS; round++) {
      for (const operation of ["PutItem", "GetItem"] as const) {
        for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
          (results[operation][target.name] ??= []).push(await measure(target, operation, OPERATIONS));
        }
      }
    }

    console.log(
      `sandbox vs dynalite alone, ${OPERATIONS} requests x ${ROUNDS} rounds, ${CONCURRENCY} in flight, median ops/s`,
    );
    let met = true;
    for (const operation of ["PutItem", "GetItem"] as const) {
      const alone = median(results[operation].dynalite);
      const through = median(results[operation].sandbox);
      const ratio = through / alone;
      met &&= ratio >= TARGET_RATIO;
      console.log(
        `${operation.padEnd(8)} dynalite ${alone.toFixed(0).padStart(6)}  sandbox ${through.toFixed(0).padStart(6)}  ` +
          `ratio ${(ratio * 100).toFixed(1)}% (target >= ${TARGET_RATIO * 100}%)`,
      );
    }
    console.log(met ? "target met" : "target NOT met");
  } finally {
    await sandbox.stop();
    await new Promise<void>((resolve) => (baseline as Server).close(() => resolve()));
  }
}

/** Ops per second for `count` requests, `CONCURRENCY` at a time, on keys that exist after PutItem. */
async function measure(target: Target, operation: "PutItem" | "GetItem", count: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const key = `bench-${next++ % 500}`;
      if (operation === "PutItem") {
        await target.client.send(
          new PutItemCommand({
            TableName: target.table,
            Item: { pk: { S: key }, payload: { S: "x".repeat(100) } },
          }),
        );
      } else {
        await target.client.send(new GetItemCommand({ TableName: target.table, Key: { pk: { S: key } } }));
      }
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
