/**
 * The test run's policy pack broker (packBroker.ts, sharedPack.ts): one pack start for every borrower,
 * one turn at a time in the order asked (@pulumi/policy's server.js keeps the policy config of the last
 * Configure process-wide), a borrower's closed connection ends its turn, and a pack that cannot start
 * is reported to each borrower. The pack here is a stand-in RunningPack: what is tested is the lending,
 * not the pack (the policy tests borrow the real one).
 */
import * as net from "node:net";
import { expect } from "chai";
import type { RunningPack } from "../../guard/packProcess";
import { type PackBroker, startPackBroker } from "./packBroker";
import { takeTurn } from "./sharedPack";
import { rejectionOf } from "./errors";

function standIn(stops: string[]): RunningPack {
  return {
    client: undefined as unknown as RunningPack["client"],
    address: "127.0.0.1:50051",
    pid: 4242,
    startMs: 0,
    stop: async () => void stops.push("stopped"),
  };
}

describe("the test run's policy pack broker", () => {
  let broker: PackBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it("starts the pack once, lends it one turn at a time in order, and stops it at close", async () => {
    const starts: string[] = [];
    const stops: string[] = [];
    broker = await startPackBroker({
      packDir: "/packs/ours",
      start: async (dir) => {
        starts.push(dir);
        return standIn(stops);
      },
    });
    const events: string[] = [];
    const first = await takeTurn(broker.address);
    expect(first).to.include({ address: "127.0.0.1:50051", pid: 4242 });
    const second = takeTurn(broker.address).then((turn) => (events.push("second granted"), turn));
    const third = takeTurn(broker.address).then((turn) => (events.push("third granted"), turn));
    // A grant made while the first turn lasts would arrive during this pause (it is no time budget).
    await new Promise((resolve) => setTimeout(resolve, 200));
    events.push("first ends");
    first.end();
    const secondTurn = await second;
    events.push("second ends");
    secondTurn.end();
    (await third).end();
    expect(events).to.deep.equal(["first ends", "second granted", "second ends", "third granted"]);
    expect(starts).to.deep.equal(["/packs/ours"]);
    expect(stops).to.deep.equal([]);
    await broker.close();
    broker = undefined;
    expect(stops).to.deep.equal(["stopped"]);
  });

  it("passes over a borrower that went away while waiting, and ends the turn of one that dies holding it", async () => {
    const stops: string[] = [];
    broker = await startPackBroker({ start: async () => standIn(stops) });
    const holder = await takeTurn(broker.address);
    const [host, port] = broker.address.split(":");
    const gone = net.connect(Number(port), host);
    await new Promise((resolve) => gone.once("connect", resolve));
    const next = takeTurn(broker.address);
    gone.destroy();
    // The holder's connection reset, as when its process dies mid-turn.
    holder.end();
    const turn = await next;
    expect(turn.pid).to.equal(4242);
    turn.end();
  });

  it("reports a pack that cannot start to every borrower, and starts it only once", async () => {
    let starts = 0;
    broker = await startPackBroker({
      start: async () => {
        starts += 1;
        throw new Error("policy pack /packs/broken exited with code 1 before serving:\nrules failed to load");
      },
    });
    for (let i = 0; i < 2; i++) {
      const error = await rejectionOf(takeTurn(broker.address));
      expect(error?.message).to.equal(
        "the test run's policy pack did not start: policy pack /packs/broken exited with code 1 before serving: rules failed to load",
      );
    }
    expect(starts).to.equal(1);
  });
});
