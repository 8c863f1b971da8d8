/**
 * Single-flight: concurrent calls for one key share one execution. Used for
 * link-cache misses (50 identical requests → one upstream call); the
 * cross-instance half (a store lock) lives in createLinkService's miss path.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>()

  get size(): number {
    return this.inflight.size
  }

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key)
    if (running) return running
    const started = work().finally(() => this.inflight.delete(key))
    this.inflight.set(key, started)
    return started
  }
}
