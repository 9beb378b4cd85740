/**
 * Memoizes authorization decisions: a hit is a Map lookup, cheaper than building the request context an
 * evaluation needs. Keys carry the versions of the policies the decision read, so a policy change makes
 * the old entries unreachable at once (and they age out): there is no window in which a stale decision
 * can be served.
 *
 * The promise itself is stored, so concurrent identical requests share one evaluation; once it has
 * resolved, its value can also be read at once (known()).
 */
export class DecisionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
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
      return cached.promise;
    }
    this.missCount++;
    const entry: Entry<T> = { promise: compute() };
    entry.promise.then(
      (value) => {
        entry.settled = { value };
      },
      // A failed evaluation is not a decision: forget it so the next request tries again.
      () => this.entries.delete(key),
    );
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.oldestKey());
    }
    this.entries.set(key, entry);
    return entry.promise;
  }

  /**
   * The value under `key` when its evaluation has finished, without a promise turn: the request path
   * would otherwise wait a microtask for a promise settled long ago. Undefined when the key was never
   * asked, is still being evaluated or failed, or has aged out: then ask get().
   */
  known(key: string): T | undefined {
    const settled = this.entries.get(key)?.settled;
    if (settled === undefined) {
      return undefined;
    }
    this.hitCount++;
    return settled.value;
  }

  /**
   * The oldest key (Map iterates in insertion order, a key set again going last). Read through one
   * iterator kept from call to call: a fresh `keys().next()` walks over every entry deleted before it
   * (V8 compacts a Map's table only as it grows), which made a full cache's every insertion cost
   * microseconds. The iterator skips deleted entries and sees new ones, as the language defines; once
   * done, it is done for good, so a new one starts over.
   */
  private oldestKey(): string {
    let next = this.oldest.next();
    if (next.done === true) {
      this.oldest = this.entries.keys();
      next = this.oldest.next();
    }
    return next.value as string;
  }

  private oldest: Iterator<string> = this.entries.keys();

  clear(): void {
    this.entries.clear();
    this.oldest = this.entries.keys();
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

interface Entry<T> {
  readonly promise: Promise<T>;
  /** Set once the promise has resolved. */
  settled?: { readonly value: T };
}
