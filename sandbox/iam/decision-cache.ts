/**
 * Memoizes authorization decisions. A simulation costs about 1.2 ms (30 ms for the first one, which loads
 * iam-simulate's service data); a hit is a Map lookup. Keys carry the versions of the policies the
 * decision read, so a policy change makes the old entries unreachable at once (and they age out):
 * there is no window in which a stale decision can be served.
 *
 * The promise itself is stored, so concurrent identical requests share one simulation.
 */
export class DecisionCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new Error(`maxEntries: ${maxEntries} is not a positive integer`);
    }
  }

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) {
      this.hitCount++;
      return cached;
    }
    this.missCount++;
    const pending = compute();
    // A failed evaluation is not a decision: forget it so the next request tries again.
    pending.catch(() => this.entries.delete(key));
    if (this.entries.size >= this.maxEntries) {
      // Oldest first: Map iterates in insertion order.
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, pending);
    return pending;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  get hits(): number {
    return this.hitCount;
  }

  get misses(): number {
    return this.missCount;
  }
}
