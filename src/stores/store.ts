/**
 * The shared state behind the link service: access token, jsapi_ticket, link
 * cache, single-flight locks, the upstream throttle and the quota counters.
 *
 * `memory.ts` keeps it in the process (one instance); `redis.ts` shares it
 * between every instance on one Redis and falls back to a local memory store
 * while Redis is away, so requests keep being answered.
 */
import type { PartHealth } from '../service/types'

export interface Store {
  readonly kind: 'memory' | 'redis'

  get(key: string): Promise<string | null>
  /** Sets `key` to `value` for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>
  del(key: string): Promise<void>

  /** SET key owner NX PX ttlMs: true when this caller now holds the lock. */
  acquireLock(key: string, owner: string, ttlMs: number): Promise<boolean>
  /** Deletes the lock only while `owner` still holds it (an expired lock may belong to someone else by now). */
  releaseLock(key: string, owner: string): Promise<boolean>

  /**
   * Takes one of `limit` throttle slots under `key` for at most `leaseMs`
   * (a crashed holder's slot frees itself). Returns -1 when taken, else the
   * milliseconds until the earliest held slot expires (a hint for waiting).
   */
  takeSlot(key: string, id: string, limit: number, leaseMs: number): Promise<number>
  /** Keeps slot `id` for `holdMs` more milliseconds from now, then frees it. */
  holdSlot(key: string, id: string, holdMs: number): Promise<void>

  /** Adds `by` to a counter kept for `ttlMs` after its creation; returns the new total. */
  addCount(key: string, by: number, ttlMs: number): Promise<number>
  getCount(key: string): Promise<number>

  /** 'ok', or 'degraded' while a shared store is unreachable and local state stands in. */
  health(): PartHealth
  close(): Promise<void>
}
