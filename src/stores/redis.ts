/**
 * Redis store (ioredis): token, link cache, locks, throttle slots and quota
 * counters shared by every instance.
 *
 * Redis going away must not stop the service: commands fail fast (no offline
 * queue, short command timeout) and each operation then falls back to a local
 * MemoryStore — the throttle and cache go per-instance, health() says
 * 'degraded'. Quota increments made meanwhile are buffered and flushed on
 * reconnect; if Redis came back empty (restarted without persistence), every
 * instance merges the last total it saw into a floor key (MAX, not ADD, so
 * instances do not double count), and totals read floor + counter.
 */
import { randomUUID } from 'node:crypto'
import Redis from 'ioredis'
import type { PartHealth } from '../service/types'
import { MemoryStore } from './memory'
import type { Store } from './store'

export interface RedisStoreOptions {
  url: string
  /** Namespace for every key (several services may share one Redis). */
  prefix?: string
  commandTimeoutMs?: number
  /** Instances sharing this Redis: while it is away, each takes limit / instances of a throttle's slots. */
  instances?: number
  logger?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void }
}

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

// Time comes from Redis itself so instances with skewed clocks share one window.
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
  return -1
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(first[2]) - now)`

const HOLD_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 1`

const ADD_COUNT = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v + (tonumber(redis.call('GET', KEYS[2])) or 0)`

const MERGE_FLOOR = `
local cur = tonumber(redis.call('GET', KEYS[1])) or 0
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`

/**
 * After a command failed or timed out, Redis counts as away this long. A Redis
 * that stalls keeps its connection 'ready', so without this every command of
 * every request would wait out its own timeout (a cached link: about ten).
 */
const BREAK_MS = 2000

interface CounterState {
  /** The last total (floor + counter) this instance read or wrote. */
  lastTotal: number
  /** Increments not yet in Redis. */
  pending: number
  ttlMs: number
  expiresAt: number
}

/** Where every key of the service goes unless `prefix` says otherwise. */
export const DEFAULT_REDIS_PREFIX = 'navi:'

export class RedisStore implements Store {
  readonly kind = 'redis' as const
  readonly client: Redis
  private readonly local = new MemoryStore()
  private readonly counters = new Map<string, CounterState>()
  private readonly prefix: string
  private readonly logger: RedisStoreOptions['logger']
  private readonly instances: number
  private lastFailureAt = 0
  /** Until then Redis counts as away (BREAK_MS after a failed command). */
  private brokenUntil = 0
  private epoch: string | null = null
  private flushing: Promise<void> | null = null
  /** Counts wait in `counters` for Redis (set when one is buffered, cleared by a flush that hands them all over). */
  private unflushed = false
  private closed = false

  constructor(options: RedisStoreOptions) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX
    this.logger = options.logger
    this.instances = Math.max(1, options.instances ?? 1)
    this.client = new Redis(options.url, {
      keyPrefix: this.prefix,
      // Fail fast instead of queueing: a request must not hang on a Redis that is away.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(100 * times, 1000),
      lazyConnect: true,
    })
    this.client.on('error', () => {
      this.lastFailureAt = Date.now()
    })
    this.client.on('ready', () => {
      this.brokenUntil = 0
      this.logger?.info({ store: 'redis' }, 'redis store connected')
      void this.flushCounters()
    })
  }

  /** Connects, waiting at most `timeoutMs`; the service starts degraded rather than not at all. */
  async connect(timeoutMs = 2000): Promise<void> {
    const connected = this.client.connect().catch(() => undefined)
    await Promise.race([connected, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())])
    if (this.ready()) await this.flushCounters()
  }

  private ready(): boolean {
    return !this.closed && this.client.status === 'ready' && Date.now() >= this.brokenUntil
  }

  /** A command failed or timed out: use local state for BREAK_MS before asking Redis again. */
  private commandFailed(): void {
    this.lastFailureAt = Date.now()
    this.brokenUntil = this.lastFailureAt + BREAK_MS
  }

  /** Runs `shared` on Redis, or `fallback` locally when Redis is away or fails. */
  private async either<T>(shared: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (!this.ready()) return fallback()
    try {
      const value = await shared()
      // Redis answers again after a stall that kept the connection open: no 'ready' event comes to hand it
      // the counts made meanwhile, and cached links may not count anything for a long time.
      if (this.unflushed && !this.flushing) void this.flushCounters()
      return value
    } catch (error) {
      this.commandFailed()
      this.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis command failed; using local state')
      return fallback()
    }
  }

  get(key: string): Promise<string | null> {
    return this.either(
      () => this.client.get(key),
      () => this.local.get(key),
    )
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    const ttl = Math.max(1, Math.round(ttlMs))
    return this.either(
      async () => {
        await this.client.set(key, value, 'PX', ttl)
      },
      () => this.local.set(key, value, ttl),
    )
  }

  del(key: string): Promise<void> {
    return this.either(
      async () => {
        await this.client.del(key)
      },
      () => this.local.del(key),
    )
  }

  acquireLock(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.either(
      async () => (await this.client.set(key, owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK',
      () => this.local.acquireLock(key, owner, ttlMs),
    )
  }

  async releaseLock(key: string, owner: string): Promise<boolean> {
    // Release both: the lock may have been taken locally while Redis was away.
    const local = await this.local.releaseLock(key, owner)
    if (this.closed || this.client.status !== 'ready') return local
    const shared = this.client.eval(RELEASE_LOCK, 1, key, owner).then(
      (released) => Number(released) === 1,
      () => {
        this.commandFailed()
        return false
      },
    )
    // Sent even while the breaker is open, as a lock left in Redis stalls every other instance for its whole
    // TTL; but then not waited for, so a request on a stalled Redis waits out no second timeout.
    if (Date.now() < this.brokenUntil) return local
    return (await shared) || local
  }

  takeSlot(key: string, id: string, limit: number, leaseMs: number): Promise<number> {
    return this.either(
      async () => Number(await this.client.eval(TAKE_SLOT, 1, key, id, limit, Math.round(leaseMs))),
      // Alone meanwhile: this instance's share, so all of them together stay within the limit.
      () => this.local.takeSlot(key, id, Math.max(1, Math.floor(limit / this.instances)), leaseMs),
    )
  }

  async holdSlot(key: string, id: string, holdMs: number): Promise<void> {
    await this.local.holdSlot(key, id, holdMs)
    await this.either(
      async () => {
        await this.client.eval(HOLD_SLOT, 1, key, id, Math.round(holdMs))
      },
      async () => undefined,
    )
  }

  private counterState(key: string, ttlMs: number): CounterState {
    let state = this.counters.get(key)
    const now = Date.now()
    if (!state || state.expiresAt <= now) {
      state = { lastTotal: 0, pending: 0, ttlMs, expiresAt: now + ttlMs }
      this.counters.set(key, state)
    }
    return state
  }

  async addCount(key: string, by: number, ttlMs: number): Promise<number> {
    const state = this.counterState(key, ttlMs)
    if (this.ready() && state.pending === 0) {
      try {
        state.lastTotal = Number(await this.client.eval(ADD_COUNT, 2, key, `${key}:floor`, by, Math.round(ttlMs)))
        return state.lastTotal
      } catch {
        this.commandFailed()
      }
    }
    // Redis away (or an earlier buffer not flushed yet): keep the count, flush it later.
    state.pending += by
    this.unflushed = true
    if (this.ready()) void this.flushCounters()
    return state.lastTotal + state.pending
  }

  async getCount(key: string): Promise<number> {
    const state = this.counters.get(key)
    const buffered = state && state.expiresAt > Date.now() ? state.pending : 0
    return this.either(
      async () => {
        const [counter, floor] = await this.client.mget(key, `${key}:floor`)
        const total = Number(counter ?? 0) + Number(floor ?? 0)
        if (state) state.lastTotal = total
        return total + buffered
      },
      async () => (state ? state.lastTotal : 0) + buffered,
    )
  }

  /** After (re)connecting: restore lost totals as floors, then add what was counted while away. */
  private flushCounters(): Promise<void> {
    if (this.flushing) return this.flushing
    this.flushing = (async () => {
      try {
        const candidate = randomUUID()
        await this.client.set('epoch', candidate, 'NX')
        const current = await this.client.get('epoch')
        const lostData = this.epoch !== null && current !== this.epoch
        this.epoch = current
        const now = Date.now()
        for (const [key, state] of this.counters) {
          if (state.expiresAt <= now) {
            this.counters.delete(key)
            continue
          }
          const ttl = Math.max(1, state.expiresAt - now)
          if (lostData && state.lastTotal > 0) {
            await this.client.eval(MERGE_FLOOR, 1, `${key}:floor`, state.lastTotal, ttl)
          }
          // A give-back (negative) is a count too.
          if (state.pending !== 0) {
            const by = state.pending
            state.lastTotal = Number(await this.client.eval(ADD_COUNT, 2, key, `${key}:floor`, by, ttl))
            state.pending -= by
          }
        }
        this.unflushed = this.pendingCounts() > 0
        if (lostData) this.logger?.warn({ store: 'redis' }, 'redis came back empty; quota totals restored from this instance')
      } catch (error) {
        this.commandFailed()
        this.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not flush quota counts yet')
      } finally {
        this.flushing = null
      }
    })()
    return this.flushing
  }

  /** Counts still waiting for Redis, give-backs included (tests and health). */
  pendingCounts(): number {
    let sum = 0
    for (const state of this.counters.values()) sum += Math.abs(state.pending)
    return sum
  }

  health(): PartHealth {
    if (!this.ready()) return 'degraded'
    if (this.pendingCounts() > 0) return 'degraded'
    return Date.now() - this.lastFailureAt < 2000 ? 'degraded' : 'ok'
  }

  async close(): Promise<void> {
    if (this.closed) return
    if (this.ready()) await this.flushCounters()
    const unsent = this.pendingCounts()
    if (unsent > 0) {
      this.logger?.warn(
        { store: 'redis', unsent },
        `closing with ${unsent} quota count(s) Redis never got: other instances will not see them, so today's total reads that much low`,
      )
    }
    this.closed = true
    await this.client.quit().catch(() => this.client.disconnect())
    await this.local.close()
  }
}
