/**
 * DynamoDB's cache of a table key, per connection. "DynamoDB caches the plaintext table key for each
 * principal in memory. If DynamoDB gets a request for the cached table key after five minutes of
 * inactivity, it sends a new request to AWS KMS to decrypt the table key" (KMS developer guide, "How
 * Amazon DynamoDB uses AWS KMS", Table key), and the DynamoDB developer guide ("Encryption at rest: how it
 * works") refreshes it "once every 5 minutes per client connection with active traffic". So a revoke, a
 * disable or a deletion reaches a caller when DynamoDB next calls KMS for it: on a new connection at once,
 * on a warm one after five minutes without a request, and on a connection that never goes idle at the
 * next request five minutes after KMS last gave the key. Only a key that KMS gave is cached: a refusal is
 * asked again at the next request.
 */
import type { Clock } from "../admin/clock";

/** AWS's inactivity period. */
export const DEFAULT_TABLE_KEY_CACHE_MS = 5 * 60_000;

/**
 * When each table key was last used: per connection, then caller, then table, then key. Nested maps, so a
 * request looks its entry up by the strings it already holds (their hashes cached by V8) instead of
 * building and hashing a composite key, and a closed connection drops its whole map at once.
 */
type LastUsed = Map<number, Map<string, Map<string, Map<string, CachedKey>>>>;

/** When KMS gave the key to this connection, and when it was last used. */
interface CachedKey {
  readonly fetched: number;
  used: number;
}

export class TableKeyCache {
  private readonly lastUsed: LastUsed = new Map();

  constructor(
    private readonly clock: Clock,
    readonly inactivityMs: number = DEFAULT_TABLE_KEY_CACHE_MS,
  ) {}

  /**
   * True, and the entry touched, when this connection used this caller's table key recently enough and
   * KMS gave it less than the refresh period ago (the same five minutes: DynamoDB refreshes it "once
   * every 5 minutes per client connection with active traffic").
   */
  use(connection: number, callerArn: string, tableName: string, keyArn: string): boolean {
    const byKey = this.lastUsed.get(connection)?.get(callerArn)?.get(tableName);
    const cached = byKey?.get(keyArn);
    const now = this.clock.now();
    if (
      byKey === undefined ||
      cached === undefined ||
      now - cached.used >= this.inactivityMs ||
      now - cached.fetched >= this.inactivityMs
    ) {
      byKey?.delete(keyArn);
      return false;
    }
    cached.used = now;
    return true;
  }

  /** Records a table key KMS just gave for this connection and caller. */
  store(connection: number, callerArn: string, tableName: string, keyArn: string): void {
    const byCaller = child(this.lastUsed, connection);
    const now = this.clock.now();
    child(child(byCaller, callerArn), tableName).set(keyArn, { fetched: now, used: now });
  }

  /** A closed connection's keys are gone with it. */
  forgetConnection(connection: number): void {
    this.lastUsed.delete(connection);
  }
}

/** The map under `key`, made empty when there is none yet. */
function child<K, ChildKey, ChildValue>(
  map: Map<K, Map<ChildKey, ChildValue>>,
  key: K,
): Map<ChildKey, ChildValue> {
  let found = map.get(key);
  if (found === undefined) {
    found = new Map<ChildKey, ChildValue>();
    map.set(key, found);
  }
  return found;
}
