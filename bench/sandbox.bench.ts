/**
 * The sandbox's cost over its storage engine: PutItem and GetItem through the sandbox (SigV4 verified,
 * IAM and KMS authorization on every request, as the key user app-user) against dynalite alone (its own
 * HTTP server), each server in a process of its own (bench/serve.ts) so its CPU time is read apart from
 * the client's, with the same SDK v3 client configuration, in one run, rounds interleaved.
 *
 * One SDK client saturates near 1,000 requests/s here before either server does, so ops/s alone would
 * hide the server's cost: the server's process CPU time per request is the measure that compares them.
 * Targets (bench/README.md): server CPU per request within 1.25x of dynalite's, and throughput at concurrency
 * 16 at least 0.95x dynalite's.
 *
 * Run alone: `node -r ./scripts/register.js bench/sandbox.bench.ts`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { ServedTarget } from "./serve";
import { median, reportTarget } from "./target";

/**
 * Requests per measurement, and how many are in flight at once. Nine rounds, each measuring both servers,
 * so a load spike on a shared machine skews one round's pair, not the result: the ratios reported are the
 * medians of the rounds' ratios.
 * - Server CPU per request: each server serves a round's OPERATIONS requests in one stretch. Short turns
 *   would add the same idle-time work (V8 collects while a server waits) to both servers' CPU and pull
 *   the ratio towards 1.
 * - Throughput: the two servers take turns of OPERATIONS / THROUGHPUT_TURNS requests within a round.
 *   Throughput is the SDK client's (it saturates before either server), and the client's speed drifts
 *   with the machine by ±10% over a second: a pair of one-second stretches compared that drift, not the
 *   servers. Each turn's ramp and drain is the same for both servers.
 */
const OPERATIONS = 2000;
const THROUGHPUT_TURNS = 8;
const WARM_UP = 1000;
const CONCURRENCY = 16;
const ROUNDS = 9;
const OPERATION_NAMES = ["PutItem", "GetItem"] as const;
type Operation = (typeof OPERATION_NAMES)[number];

interface Server {
  name: "dynalite" | "sandbox";
  child: ChildProcess;
  target: ServedTarget;
  client: DynamoDBClient;
}

interface Measured {
  opsPerSecond: number;
  /** Server process CPU time (user + system) per request, µs. */
  cpuPerRequestUs: number;
}

export async function run(): Promise<void> {
  const servers: Server[] = [];
  try {
    for (const name of ["dynalite", "sandbox"] as const) {
      servers.push(await startServer(name));
    }
    for (const server of servers) {
      for (const operation of OPERATION_NAMES) {
        await measure(server, operation, WARM_UP); // warm-up: V8 optimizes both servers first
      }
    }
    const pair: [Server, Server] = [servers[0], servers[1]];
    const cpuRounds = await pairedRounds(pair, 1);
    const throughputRounds = await pairedRounds(pair, THROUGHPUT_TURNS);
    console.log(
      `sandbox vs dynalite alone, ${OPERATIONS} requests x ${ROUNDS} rounds, ${CONCURRENCY} in flight, medians ` +
        `(CPU: one stretch per server and round; throughput: ${THROUGHPUT_TURNS} turns per server and round)`,
    );
    for (const operation of OPERATION_NAMES) {
      const cpu = (runs: Measured[]) => median(runs.map((m) => m.cpuPerRequestUs));
      const ops = (runs: Measured[]) => median(runs.map((m) => m.opsPerSecond));
      const ratio = (rounds: Rounds, measure: (m: Measured) => number) =>
        median(
          rounds[operation].sandbox.map(
            (m, round) => measure(m) / measure(rounds[operation].dynalite[round]),
          ),
        );
      const [alone, through] = [cpuRounds[operation].dynalite, cpuRounds[operation].sandbox];
      const [aloneOps, throughOps] = [
        throughputRounds[operation].dynalite,
        throughputRounds[operation].sandbox,
      ];
      console.log(
        `${operation.padEnd(8)} dynalite ${ops(aloneOps).toFixed(0).padStart(6)} ops/s ${cpu(alone).toFixed(0).padStart(5)} µs CPU/request   ` +
          `sandbox ${ops(throughOps).toFixed(0).padStart(6)} ops/s ${cpu(through).toFixed(0).padStart(5)} µs CPU/request`,
      );
      reportTarget({
        name: `sandbox ${operation} server CPU per request / dynalite's`,
        value: ratio(cpuRounds, (m) => m.cpuPerRequestUs),
        unit: "x",
        limit: { max: 1.25 },
        note: `${cpu(through).toFixed(0)} µs vs ${cpu(alone).toFixed(0)} µs (medians), server process CPU time, median of ${ROUNDS} rounds' ratios`,
      });
      reportTarget({
        name: `sandbox ${operation} throughput at concurrency ${CONCURRENCY} / dynalite's`,
        value: ratio(throughputRounds, (m) => m.opsPerSecond),
        unit: "x",
        limit: { min: 0.95 },
        note: `${ops(throughOps).toFixed(0)} vs ${ops(aloneOps).toFixed(0)} ops/s (medians), median of ${ROUNDS} rounds' ratios, ${THROUGHPUT_TURNS} turns each`,
      });
    }
  } finally {
    await Promise.all(servers.map((server) => stopServer(server)));
  }
}

type Rounds = Record<Operation, Record<Server["name"], Measured[]>>;

/**
 * ROUNDS rounds of OPERATIONS requests per server and operation, the two servers taking `turns` turns
 * each per round (which goes first alternates), totals per round.
 */
async function pairedRounds(servers: [Server, Server], turns: number): Promise<Rounds> {
  const rounds: Rounds = {
    PutItem: { dynalite: [], sandbox: [] },
    GetItem: { dynalite: [], sandbox: [] },
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const operation of OPERATION_NAMES) {
      const totals = servers.map(() => ({ seconds: 0, cpuUs: 0, count: 0 }));
      for (let turn = 0; turn < turns; turn++) {
        for (const i of (round + turn) % 2 === 0 ? [0, 1] : [1, 0]) {
          const part = await measure(servers[i], operation, OPERATIONS / turns);
          totals[i].seconds += part.seconds;
          totals[i].cpuUs += part.cpuUs;
          totals[i].count += part.count;
        }
      }
      servers.forEach((server, i) => {
        const { seconds, cpuUs, count } = totals[i];
        rounds[operation][server.name].push({
          opsPerSecond: count / seconds,
          cpuPerRequestUs: cpuUs / count,
        });
      });
    }
  }
  return rounds;
}

function startServer(name: Server["name"]): Promise<Server> {
  const child = fork(join(__dirname, "serve.ts"), [name], {
    execArgv: ["-r", join(__dirname, "..", "scripts", "register.js")],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`bench server ${name} exited with ${code} before serving`)),
    );
    child.once("message", (message: { ready: ServedTarget }) => {
      const target = message.ready;
      const client = new DynamoDBClient({
        endpoint: target.endpoint,
        region: target.region,
        maxAttempts: 1,
        credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      });
      resolve({ name, child, target, client });
    });
  });
}

async function stopServer(server: Server): Promise<void> {
  server.client.destroy();
  if (server.child.exitCode === null) {
    const exited = new Promise<void>((resolve) => server.child.once("exit", () => resolve()));
    server.child.send("stop");
    await exited;
  }
}

function serverCpuUs(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.child.once("message", (message: { cpu: NodeJS.CpuUsage }) =>
      resolve(message.cpu.user + message.cpu.system),
    );
    server.child.send("cpu");
  });
}

/** `count` requests, `CONCURRENCY` at a time, on keys that exist after PutItem. */
async function measure(
  server: Server,
  operation: Operation,
  count: number,
): Promise<{ seconds: number; cpuUs: number; count: number }> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const key = `bench-${next++ % 500}`;
      if (operation === "PutItem") {
        await server.client.send(
          new PutItemCommand({
            TableName: server.target.table,
            Item: { pk: { S: key }, payload: { S: "x".repeat(100) } },
          }),
        );
      } else {
        await server.client.send(
          new GetItemCommand({ TableName: server.target.table, Key: { pk: { S: key } } }),
        );
      }
    }
  };
  const cpuBefore = await serverCpuUs(server);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = await serverCpuUs(server);
  return { seconds, cpuUs: cpuAfter - cpuBefore, count };
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
