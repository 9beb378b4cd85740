/**
 * DynamoDB's table-key cache on the sandbox's clock: "DynamoDB caches the plaintext table key for each
 * principal in memory. If DynamoDB gets a request for the cached table key after five minutes of
 * inactivity, it sends a new request to AWS KMS" (KMS developer guide, "How Amazon DynamoDB uses AWS
 * KMS", Table key), refreshed "once every 5 minutes per client connection with active traffic"
 * (DynamoDB developer guide, "Encryption at rest: how it works"). An entry is one connection's, one
 * caller's, one table's under one key.
 */
import { expect } from "chai";
import { MINUTE_MS, SandboxClock } from "../../../sandbox/admin/clock";
import { DEFAULT_TABLE_KEY_CACHE_MS, TableKeyCache } from "../../../sandbox/dynamodb/tableKeyCache";
import { ACCOUNT_ID } from "../../support/accounts";

const ALICE = `arn:aws:iam::${ACCOUNT_ID}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT_ID}:user/bob`;
const KEY_A = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/aaaaaaaa-0000-0000-0000-000000000000`;
const KEY_B = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/bbbbbbbb-0000-0000-0000-000000000000`;

describe("sandbox DynamoDB table-key cache", () => {
  let clock: SandboxClock;
  let cache: TableKeyCache;

  beforeEach(() => {
    const start = Date.UTC(2026, 0, 1);
    clock = new SandboxClock(() => start);
    cache = new TableKeyCache(clock);
  });

  it("uses a stored key until five minutes pass without a request", () => {
    expect(cache.use(1, ALICE, "orders", KEY_A)).to.equal(false);
    cache.store(1, ALICE, "orders", KEY_A);
    clock.advance(DEFAULT_TABLE_KEY_CACHE_MS - 1);
    expect(cache.use(1, ALICE, "orders", KEY_A)).to.equal(true);
    cache.store(1, ALICE, "orders", KEY_A);
    clock.advance(DEFAULT_TABLE_KEY_CACHE_MS);
    expect(cache.use(1, ALICE, "orders", KEY_A)).to.equal(false);
    // Expired is gone: KMS is asked again even if the clock stood still.
    expect(cache.use(1, ALICE, "orders", KEY_A)).to.equal(false);
  });

  it("asks KMS again five minutes after it gave the key, even on a connection that never goes idle", () => {
    // "once every 5 minutes per client connection with active traffic": a request every minute still
    // sends DynamoDB back to KMS once the key is five minutes old, so a revoke reaches a busy connection.
    cache.store(1, ALICE, "orders", KEY_A);
    for (let minute = 1; minute < 5; minute++) {
      clock.advance(MINUTE_MS);
      expect(cache.use(1, ALICE, "orders", KEY_A), `minute ${minute}`).to.equal(true);
    }
    clock.advance(MINUTE_MS);
    expect(cache.use(1, ALICE, "orders", KEY_A)).to.equal(false);
  });

  it("keeps entries apart per connection, caller, table and key", () => {
    cache.store(1, ALICE, "orders", KEY_A);
    expect(cache.use(2, ALICE, "orders", KEY_A)).to.equal(false);
    expect(cache.use(1, BOB, "orders", KEY_A)).to.equal(false);
    expect(cache.use(1, ALICE, "invoices", KEY_A)).to.equal(false);
    expect(cache.use(1, ALICE, "orders", KEY_B)).to.equal(false);
    cache.store(1, ALICE, "orders", KEY_B);
    // A table moved to another key and back within the window still has the first key's entry.
    expect(cache.use(1, ALICE, "orders", KEY_A)).to.equal(true);
    expect(cache.use(1, ALICE, "orders", KEY_B)).to.equal(true);
  });

  it("forgets a closed connection's keys, and only that connection's", () => {
    cache.store(1, ALICE, "orders", KEY_A);
    cache.store(1, BOB, "orders", KEY_A);
    cache.store(2, ALICE, "orders", KEY_A);
    cache.forgetConnection(1);
    expect(cache.use(1, ALICE, "orders", KEY_A)).to.equal(false);
    expect(cache.use(1, BOB, "orders", KEY_A)).to.equal(false);
    expect(cache.use(2, ALICE, "orders", KEY_A)).to.equal(true);
  });

  it("takes another inactivity period when given one", () => {
    const short = new TableKeyCache(clock, MINUTE_MS);
    short.store(1, ALICE, "orders", KEY_A);
    clock.advance(MINUTE_MS);
    expect(short.use(1, ALICE, "orders", KEY_A)).to.equal(false);
  });
});
