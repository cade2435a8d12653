/**
 * Joins concurrent calls for the same key in this process: the first caller (the leader) runs the
 * work, the others await the leader's promise. The key is forgotten as soon as the work settles.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  /** The running flight for `key`, if any. */
  join(key: string): Promise<T> | undefined {
    return this.inflight.get(key);
  }

  /** Runs `work` as the leader of `key`. */
  lead(key: string, work: () => Promise<T>): Promise<T> {
    const promise = work().finally(() => {
      if (this.inflight.get(key) === promise) this.inflight.delete(key);
    });
    this.inflight.set(key, promise);
    return promise;
  }

  get size(): number {
    return this.inflight.size;
  }
}
