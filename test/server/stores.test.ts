/**
 * One contract, two stores: the in-process MemoryStore and the RedisStore on
 * the suite's real redis-server behave the same for every operation the core uses.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MemoryStore } from '../../src/stores/memory'
import { RedisStore } from '../../src/stores/redis'
import type { Store } from '../../src/stores/store'
import Redis from 'ioredis'
import { eventually } from './setup/core'
import { freePort, startRedis } from './setup/redis'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const redis = new RedisStore({ url: inject('redisUrl'), prefix: `test-${randomUUID()}:` })
beforeAll(() => redis.connect())
afterAll(() => redis.close())

describe.each([
  ['memory', () => new MemoryStore() as Store],
  ['redis', () => redis as Store],
])('%s store', (_name, make) => {
  const key = (name: string) => `${name}:${randomUUID()}`

  it('keeps a value for its TTL and then forgets it', async () => {
    const store = make()
    const k = key('v')
    await store.set(k, 'hello', 80)
    expect(await store.get(k)).toBe('hello')
    await sleep(120)
    expect(await store.get(k)).toBeNull()
    await store.set(k, 'again', 10_000)
    await store.del(k)
    expect(await store.get(k)).toBeNull()
  })

  it('gives a lock to one owner at a time and lets only that owner release it', async () => {
    const store = make()
    const k = key('lock')
    expect(await store.acquireLock(k, 'a', 10_000)).toBe(true)
    expect(await store.acquireLock(k, 'b', 10_000)).toBe(false)
    expect(await store.releaseLock(k, 'b')).toBe(false)
    expect(await store.acquireLock(k, 'b', 10_000)).toBe(false)
    expect(await store.releaseLock(k, 'a')).toBe(true)
    expect(await store.acquireLock(k, 'b', 10_000)).toBe(true)
  })

  it('frees an expired lock for the next owner', async () => {
    const store = make()
    const k = key('lock')
    expect(await store.acquireLock(k, 'a', 50)).toBe(true)
    await sleep(90)
    expect(await store.acquireLock(k, 'b', 10_000)).toBe(true)
    expect(await store.releaseLock(k, 'a')).toBe(false)
  })

  it('hands out at most `limit` throttle slots and frees one only after its hold time', async () => {
    const store = make()
    const k = key('slots')
    expect(await store.takeSlot(k, 's1', 2, 10_000)).toBe(-1)
    expect(await store.takeSlot(k, 's2', 2, 10_000)).toBe(-1)
    const wait = await store.takeSlot(k, 's3', 2, 10_000)
    expect(wait).toBeGreaterThan(0)
    await store.holdSlot(k, 's1', 100)
    expect(await store.takeSlot(k, 's3', 2, 10_000)).toBeGreaterThan(0) // still held for the window
    await sleep(150)
    expect(await store.takeSlot(k, 's3', 2, 10_000)).toBe(-1)
    expect(await store.takeSlot(k, 's4', 2, 10_000)).toBeGreaterThan(0)
  })

  it('counts and reads counters', async () => {
    const store = make()
    const k = key('count')
    expect(await store.getCount(k)).toBe(0)
    expect(await store.addCount(k, 1, 60_000)).toBe(1)
    expect(await store.addCount(k, 2, 60_000)).toBe(3)
    expect(await store.getCount(k)).toBe(3)
  })

  it('keeps a counter for its TTL from its first add: later adds do not extend it', async () => {
    const store = make()
    const k = key('count-ttl')
    await store.addCount(k, 1, 150)
    await sleep(100)
    await store.addCount(k, 1, 150)
    await sleep(100)
    // 200 ms after it was made: gone, though the last add was 100 ms ago.
    expect(await store.getCount(k)).toBe(0)
  })

  it('reports itself healthy while reachable', () => {
    expect(make().health()).toBe('ok')
  })
})

describe('redis store while Redis is away', () => {
  it("throttles alone at its share of the limit, so NAVI_INSTANCES instances together stay within it", async () => {
    const port = await freePort() // nothing listens there
    const away = new RedisStore({ url: `redis://127.0.0.1:${port}`, prefix: `test-${randomUUID()}:`, instances: 4 })
    await away.connect(300)
    try {
      const granted: number[] = []
      for (let i = 0; i < 40; i++) granted.push(await away.takeSlot('slots', `s${i}`, 100, 10_000))
      expect(granted.filter((wait) => wait === -1)).toHaveLength(25)
      expect(granted.slice(25).every((wait) => wait > 0)).toBe(true)
      expect(away.health()).toBe('degraded')
    } finally {
      await away.close()
    }
  })

  it('says so when it closes with quota counts Redis never got', async () => {
    const warnings: string[] = []
    const logger = { warn: (_obj: object, msg?: string) => void warnings.push(msg ?? ''), info: () => undefined }
    const away = new RedisStore({ url: `redis://127.0.0.1:${await freePort()}`, prefix: `test-${randomUUID()}:`, logger })
    await away.connect(300)
    await away.addCount('quota:day', 1, 60_000)
    await away.addCount('quota:day', 1, 60_000)
    await away.close()
    expect(warnings).toContainEqual(expect.stringMatching(/^closing with 2 quota count\(s\) Redis never got/))
  })
})

describe('redis store after a command timed out (breaker open)', () => {
  /** A store on a Redis of its own, whose breaker has just opened: one command timed out while Redis was stalled. */
  async function tripped() {
    const own = await startRedis()
    const prefix = `test-${randomUUID()}:`
    const store = new RedisStore({ url: own.url, prefix, commandTimeoutMs: 200 })
    await store.connect()
    const peek = new Redis(own.url, { keyPrefix: prefix })
    const trip = async () => {
      own.pause()
      await store.get('anything') // times out: the breaker opens for 2 s
      own.resume()
    }
    const close = async () => {
      peek.disconnect()
      await store.close()
      await own.stop()
    }
    return { store, peek, trip, close }
  }

  it('still releases a lock in Redis, so other instances need not wait out its TTL', async () => {
    const { store, peek, trip, close } = await tripped()
    try {
      expect(await store.acquireLock('mint:lock', 'a', 30_000)).toBe(true)
      await trip()
      expect(store.health()).toBe('degraded')
      await store.releaseLock('mint:lock', 'a') // sent, not waited for
      await eventually(async () => (await peek.get('mint:lock')) === null, 2000, 'the lock released in Redis')
    } finally {
      await close()
    }
  })

  it('hands a give-back made meanwhile to Redis later, and counts it as unsent until then', async () => {
    const { store, peek, trip, close } = await tripped()
    try {
      expect(await store.addCount('quota:day', 1, 60_000)).toBe(1)
      await trip()
      await store.addCount('quota:day', -1, 60_000) // the call failed: its reservation goes back
      expect(store.pendingCounts()).toBe(1)
      expect(store.health()).toBe('degraded')
      await new Promise((resolve) => setTimeout(resolve, 2100)) // the breaker closes
      await store.close() // flushes what is pending
      expect(await peek.get('quota:day')).toBe('0')
    } finally {
      await close()
    }
  })

  it('hands a count made meanwhile to Redis once Redis answers again, without a reconnect or another count', async () => {
    // A stall (SIGSTOP, a slow command) keeps the connection 'ready': no 'ready' event comes to flush the buffer.
    // Cached links then keep the store busy with reads only; the count must not wait for the next fresh mint.
    const { store, peek, trip, close } = await tripped()
    try {
      await trip()
      await store.addCount('quota:day', 1, 60_000) // reserved while the breaker was open
      expect(store.pendingCounts()).toBe(1)
      await new Promise((resolve) => setTimeout(resolve, 2100)) // the breaker closes
      await store.get('link:cached') // a cache hit's read: Redis answers
      await eventually(async () => (await peek.get('quota:day')) === '1', 2000, 'the count reaches Redis')
      expect(store.pendingCounts()).toBe(0)
      await eventually(async () => store.health() === 'ok', 3000, 'health back to ok')
    } finally {
      await close()
    }
  })
})
