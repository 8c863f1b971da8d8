/**
 * The throttle's promise: calls arriving upstream (anywhere between send and
 * answer) never exceed `limit` in any window of `holdAfterMs`, however long
 * each call takes; waiting is bounded by the queue.
 */
import { describe, expect, it } from 'vitest'
import { peakInWindow } from '../../src/emulator/limits'
import { Throttle } from '../../src/links/throttle'
import { ServiceError } from '../../src/service/types'
import { MemoryStore } from '../../src/stores/memory'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('Throttle', () => {
  it('keeps arrivals within the limit per window whatever the call latency', async () => {
    const throttle = new Throttle({ store: new MemoryStore(), limit: 5, maxQueue: 100, leaseMs: 5000, holdAfterMs: 100 })
    const arrivals: number[] = []
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const slot = await throttle.acquire()
        try {
          // The request reaches "upstream" at some point between send and answer.
          const before = Math.random() * 40
          await sleep(before)
          arrivals.push(Date.now())
          await sleep(Math.random() * 40)
        } finally {
          await slot.release()
        }
      }),
    )
    expect(arrivals).toHaveLength(40)
    expect(peakInWindow(arrivals, 100)).toBeLessThanOrEqual(5)
    expect(throttle.depth).toBe(0)
  })

  it('refuses with queue-full (503, Retry-After) once maxQueue callers wait', async () => {
    const throttle = new Throttle({ store: new MemoryStore(), limit: 1, maxQueue: 2, leaseMs: 5000, holdAfterMs: 50 })
    const first = await throttle.acquire()
    const waiting = [throttle.acquire(), throttle.acquire()]
    expect(throttle.depth).toBe(2)
    const refused = await throttle.acquire().catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ServiceError)
    expect(refused).toMatchObject({ code: 'queue-full', status: 503 })
    expect((refused as ServiceError).retryAfterSeconds).toBeGreaterThanOrEqual(1)
    // The waiting callers are served in order as slots free up.
    await first.release()
    await (await waiting[0]).release()
    await (await waiting[1]).release()
    expect(throttle.depth).toBe(0)
  })

  it('a retry (its first try drew -1 or 44990) is never refused and goes before the callers already waiting', async () => {
    const throttle = new Throttle({ store: new MemoryStore(), limit: 1, maxQueue: 1, leaseMs: 5000, holdAfterMs: 20 })
    const first = await throttle.acquire()
    const served: string[] = []
    const waiting = throttle.acquire().then(async (slot) => (served.push('waiting'), slot.release()))
    // The queue is full: a new caller is refused, a retry is not.
    await expect(throttle.acquire()).rejects.toMatchObject({ code: 'queue-full' })
    const retry = throttle.acquire({ retry: true }).then(async (slot) => (served.push('retry'), slot.release()))
    expect(throttle.depth).toBe(2)
    await first.release()
    await Promise.all([waiting, retry])
    expect(served).toEqual(['retry', 'waiting'])
  })

  it('rejects waiting callers when closed, so nothing hangs on shutdown', async () => {
    const throttle = new Throttle({ store: new MemoryStore(), limit: 1, maxQueue: 5, leaseMs: 5000, holdAfterMs: 50 })
    await throttle.acquire()
    const waiting = throttle.acquire()
    throttle.close()
    await expect(waiting).rejects.toMatchObject({ code: 'closing', status: 503 })
  })
})
