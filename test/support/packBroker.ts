/**
 * One policy pack for a whole test run, lent to every test process in turns.
 *
 * The Pulumi engine starts a pack once per update and sends it every resource; the tests do the same:
 * the runner (scripts/test.js) starts this broker, the pack starts once (at the first request, or at
 * once when the run surely needs it), and each test process borrows it through `withSharedPack`
 * (sharedPack.ts), which finds the broker in the `KMS_DYNAMODB_TEST_PACK` environment variable.
 *
 * Why turns: @pulumi/policy keeps the policy config process-wide (server.js: `configure` sets the
 * module's `policyPackConfig`, which every later Analyze reads), so two analyses with different
 * configs must not interleave, as the engine never interleaves them (one Configure per update). A
 * test process holds its turn for one analysis (Configure, ConfigureStack, Analyze, AnalyzeStack).
 *
 * The protocol, one TCP connection per turn on 127.0.0.1: the broker answers `ok ADDRESS PID\n` when
 * the turn is granted (ADDRESS is the pack's Analyzer server, 127.0.0.1:PORT) or `error MESSAGE\n`
 * when the pack could not start; the borrower closes the connection to end its turn, and a borrower
 * that dies ends it the same way.
 */
import * as net from "node:net";
import type { RunningPack } from "../../guard/packProcess";

/** The environment variable naming the broker (127.0.0.1:PORT) to the test processes. */
export const PACK_BROKER_ENV = "KMS_DYNAMODB_TEST_PACK";

export interface PackBroker {
  /** 127.0.0.1:PORT, for PACK_BROKER_ENV. */
  address: string;
  /** Starts the pack now rather than at the first request (a run that surely needs it). */
  warm(): void;
  /** Stops serving and stops the pack, if it started. */
  close(): Promise<void>;
}

export interface PackBrokerOptions {
  /** The pack directory. Default: the project's pack. */
  packDir?: string;
  /** How the pack starts: startPolicyPack by default (the broker's own tests give another). */
  start?: (packDir: string) => Promise<RunningPack>;
}

export async function startPackBroker(options: PackBrokerOptions = {}): Promise<PackBroker> {
  // The pack's modules (gRPC, the Analyzer protos) load with the first request: a run of files that
  // never borrow the pack (npm test -- test/plan/urn.test.ts) does not pay for them.
  const start = async (): Promise<RunningPack> => {
    const { DEFAULT_PACK_DIR, startPolicyPack } = await import("../../guard/packProcess");
    const packDir = options.packDir ?? DEFAULT_PACK_DIR;
    return options.start ? options.start(packDir) : startPolicyPack(packDir, () => undefined);
  };
  let pack: Promise<RunningPack> | undefined;
  const ensurePack = (): Promise<RunningPack> => {
    pack ??= start();
    return pack;
  };

  const waiting: net.Socket[] = [];
  let holder: net.Socket | undefined;
  const grantNext = (): void => {
    while (holder === undefined && waiting.length > 0) {
      const next = waiting.shift()!;
      if (next.destroyed) {
        continue;
      }
      holder = next;
      ensurePack().then(
        (running) => next.write(`ok ${running.address} ${running.pid}\n`),
        (err: unknown) => next.end(`error ${(err as Error).message.replace(/\n/g, " ")}\n`),
      );
    }
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    // A borrower that dies mid-turn resets the connection: that ends its turn too.
    socket.on("error", () => undefined);
    socket.on("end", () => socket.destroy());
    socket.on("close", () => {
      sockets.delete(socket);
      if (holder === socket) {
        holder = undefined;
      }
      grantNext();
    });
    waiting.push(socket);
    grantNext();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    warm: () => {
      // A failed start is reported to the first borrower; nothing to report here.
      ensurePack().catch(() => undefined);
    },
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const started = pack;
      pack = undefined;
      await started?.then(
        (running) => running.stop(),
        () => undefined,
      );
    },
  };
}
