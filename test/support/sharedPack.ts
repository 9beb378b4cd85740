/**
 * Borrows the test run's one policy pack (packBroker.ts) for one analysis at a time.
 *
 * Under `npm test` the runner's broker lends it (KMS_DYNAMODB_TEST_PACK); a file run by mocha alone
 * starts a broker of its own in this process, stopped by the root `afterAll` hook (test/setup.ts).
 * The pack is still the project's pack in its own process, started by @pulumi/pulumi's
 * run-policy-pack as the Pulumi CLI starts it, and driven over the Analyzer gRPC service.
 */
import * as net from "node:net";
import type { AnalyzerClient } from "../../guard/analyzerClient";
import * as path from "node:path";
import {
  connectAnalyzer,
  DEFAULT_PACK_DIR,
  type RunningPack,
  startPolicyPack,
} from "../../guard/packProcess";
import type { PackStarter } from "../../guard/run";
import { PACK_BROKER_ENV, type PackBroker, startPackBroker } from "./packBroker";
import { atFilesEnd } from "./runEnd";

let localBroker: Promise<PackBroker> | undefined;
const clients = new Map<string, AnalyzerClient>();

async function brokerAddress(): Promise<string> {
  const fromRunner = process.env[PACK_BROKER_ENV];
  if (fromRunner !== undefined && fromRunner !== "") {
    return fromRunner;
  }
  localBroker ??= startPackBroker();
  return (await localBroker).address;
}

export interface Turn {
  address: string;
  pid: number;
  /** Ends the turn: the next test process may configure the pack. */
  end(): void;
}

/**
 * Waits for a turn at the shared pack (and for the pack's start, the first time), from the broker at
 * `broker` (127.0.0.1:PORT; default: the run's).
 */
export async function takeTurn(broker?: string): Promise<Turn> {
  const [host, port] = (broker ?? (await brokerAddress())).split(":");
  const socket = net.connect(Number(port), host);
  const line = await new Promise<string>((resolve, reject) => {
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
      const end = received.indexOf("\n");
      if (end >= 0) {
        socket.removeAllListeners("data");
        resolve(received.slice(0, end));
      }
    });
    socket.once("error", reject);
    socket.once("close", () => reject(new Error(`the test run's policy pack broker closed: ${received}`)));
  });
  socket.removeAllListeners("close");
  socket.removeAllListeners("error");
  socket.on("error", () => undefined);
  const [status, ...rest] = line.split(" ");
  if (status !== "ok") {
    socket.destroy();
    throw new Error(`the test run's policy pack did not start: ${rest.join(" ")}`);
  }
  return { address: rest[0], pid: Number(rest[1]), end: () => void socket.destroy() };
}

async function clientOf(address: string): Promise<AnalyzerClient> {
  let client = clients.get(address);
  if (client === undefined) {
    client = connectAnalyzer(address);
    clients.set(address, client);
  }
  return client;
}

/** Runs `work` with the shared pack's Analyzer client, no other test process using the pack meanwhile. */
export async function withSharedPack<T>(work: (client: AnalyzerClient) => Promise<T>): Promise<T> {
  const turn = await takeTurn();
  try {
    return await work(await clientOf(turn.address));
  } finally {
    turn.end();
  }
}

/**
 * The shared pack as a RunningPack, for code that takes one (the scenario): its turn lasts until
 * `stop()`, which ends the turn and leaves the pack running for the rest of the run.
 */
export async function borrowSharedPack(): Promise<RunningPack> {
  const turn = await takeTurn();
  let ended = false;
  return {
    client: await clientOf(turn.address),
    address: turn.address,
    pid: turn.pid,
    startMs: 0,
    stop: async () => {
      if (!ended) {
        ended = true;
        turn.end();
      }
    },
  };
}

/**
 * For the guard CLI's `startPack` (cli/policy.ts): the project's pack is the shared one, for one turn
 * (the CLI stops it when its analysis ends); any other pack directory starts its own process.
 */
export const lendSharedPack: PackStarter = (packDir, log) =>
  path.resolve(packDir) === DEFAULT_PACK_DIR ? borrowSharedPack() : startPolicyPack(packDir, log);

/** Closes this process's clients, and the broker it started when mocha ran a file alone. */
export async function releaseSharedPack(): Promise<void> {
  for (const client of clients.values()) {
    client.close();
  }
  clients.clear();
  const broker = localBroker;
  localBroker = undefined;
  await (await broker)?.close();
}

atFilesEnd(releaseSharedPack);
