/**
 * A server for bench/sandbox.bench.ts in a process of its own, so the benchmark reads the server's CPU
 * time apart from the client's: `sandbox` (the dev stack deployed, SigV4, IAM and KMS on every request)
 * or `dynalite` (dynalite's own HTTP server). It sends `{ endpoint, region, table, accessKeyId,
 * secretAccessKey }` once ready, answers "cpu" with its process.cpuUsage(), and exits on "stop".
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { synthesize } from "../plan/synth";
import { Sandbox } from "../sandbox";

export interface ServedTarget {
  endpoint: string;
  region: string;
  table: string;
  accessKeyId: string;
  secretAccessKey: string;
}

async function serveSandbox(): Promise<{ target: ServedTarget; stop: () => Promise<void> }> {
  const sandbox = await Sandbox.start();
  await sandbox.apply(await synthesize({ stack: "dev" }));
  const outputs = sandbox.outputs();
  const user = outputs.users["app-user"];
  return {
    target: {
      endpoint: sandbox.endpoint,
      region: outputs.region,
      table: outputs.tableName,
      accessKeyId: user.accessKeyId,
      secretAccessKey: user.secretAccessKey,
    },
    stop: () => sandbox.stop(),
  };
}

async function serveDynalite(): Promise<{ target: ServedTarget; stop: () => Promise<void> }> {
  const server = dynalite({ createTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const target: ServedTarget = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: "us-east-1",
    table: "bench",
    // dynalite checks only the Authorization header's format, so any key works there.
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  };
  const client = new DynamoDBClient({
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  });
  await client.send(
    new CreateTableCommand({
      TableName: target.table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  client.destroy();
  return { target, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

if (require.main === module) {
  const kind = process.argv[2];
  const serve = kind === "sandbox" ? serveSandbox : kind === "dynalite" ? serveDynalite : undefined;
  if (serve === undefined || process.send === undefined) {
    console.error("usage: fork bench/serve.ts sandbox|dynalite (with an IPC channel)");
    process.exit(2);
  }
  void serve().then(({ target, stop }) => {
    process.send?.({ ready: target });
    process.on("message", (message) => {
      if (message === "cpu") {
        process.send?.({ cpu: process.cpuUsage() });
      } else if (message === "stop") {
        void stop().then(() => process.exit(0));
      }
    });
  });
}
