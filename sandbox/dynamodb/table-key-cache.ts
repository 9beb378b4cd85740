/**
 * DynamoDB's cache of a table key, per connection. "DynamoDB caches the plaintext table key for each
 * principal in memory. If DynamoDB gets a request for the cached table key after five minutes of
 * inactivity, it sends a new request to AWS KMS to decrypt the table key" (KMS developer guide, "How
 * Amazon DynamoDB uses AWS KMS", Table key), and the DynamoDB developer guide ("Encryption at rest: how it
 * works") refreshes it "once every 5 minutes per client connection with active traffic". So a revoke, a
 * disable or a deletion reaches a caller only when DynamoDB next calls KMS for it: on a new connection at
 * once, on a warm one after five minutes without a request. Only a key that KMS gave is cached: a refusal
 * is asked again at the next request.
 */
import type { Clock } from "../clock";

/** AWS's inactivity period. */
export const DEFAULT_TABLE_KEY_CACHE_MS = 5 * 60_000;

export class TableKeyCache {
  private readonly lastUsed = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    readonly inactivityMs: number = DEFAULT_TABLE_KEY_CACHE_MS,
  ) {}

  /** True, and the entry touched, when this connection used this caller's table key recently enough. */
  use(connection: number, callerArn: string, tableName: string, keyArn: string): boolean {
    const entry = cacheKey(connection, callerArn, tableName, keyArn);
    const last = this.lastUsed.get(entry);
    const now = this.clock.now();
    if (last === undefined || now - last >= this.inactivityMs) {
      this.lastUsed.delete(entry);
      return false;
    }
    this.lastUsed.set(entry, now);
    return true;
  }

  /** Records a table key KMS just gave for this connection and caller. */
  store(connection: number, callerArn: string, tableName: string, keyArn: string): void {
    this.lastUsed.set(cacheKey(connection, callerArn, tableName, keyArn), this.clock.now());
  }

  /** A closed connection's keys are gone with it. */
  forgetConnection(connection: number): void {
    const prefix = `${connection}\n`;
    for (const entry of this.lastUsed.keys()) {
      if (entry.startsWith(prefix)) {
        this.lastUsed.delete(entry);
      }
    }
  }
}

function cacheKey(connection: number, callerArn: string, tableName: string, keyArn: string): string {
  return `${connection}\n${callerArn}\n${tableName}\n${keyArn}`;
}
