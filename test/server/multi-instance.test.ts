/**
 * Three service instances on one real Redis (the suite's redis-server) and
 * one emulated WeChat: one upstream call per unique link, one token fetch, one
 * quota count, and one shared throttle window. Two mini programs on that Redis
 * keep their own quota counts (WeChat counts per AppID).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { SANDBOX_APP, startEmulator, type Emulator } from '../../src/emulator'
import { createLinkService } from '../../src/service/createLinkService'
import type { LinkService } from '../../src/service/types'
import { RedisStore } from '../../src/stores/redis'
import { peakInWindow } from '../../src/emulator/limits'
import { coreConfig, metricValue } from './setup/core'

// A second mini program of the documented shape, registered with the emulator.
const SHOP = { appId: 'wx4e1ba651bbe36d01', secret: 'shop-secret-0001' }

let emulator: Emulator
let instances: LinkService[] = []
let stores: RedisStore[] = []

beforeAll(async () => {
  emulator = await startEmulator({ apps: [SHOP] })
})
afterAll(() => emulator.close())

beforeEach(async () => {
  emulator.control.reset()
  const prefix = `multi-${randomUUID()}:`
  stores = [0, 1, 2].map(() => new RedisStore({ url: inject('redisUrl'), prefix }))
  await Promise.all(stores.map((store) => store.connect()))
  instances = await Promise.all(
    stores.map((store) => createLinkService(coreConfig(emulator.url, SANDBOX_APP, { redisUrl: inject('redisUrl') }), { store })),
  )
})
afterEach(async () => {
  await Promise.all(instances.map((instance) => instance.close()))
  await Promise.all(stores.map((store) => store.close()))
})

describe('three instances on one Redis', () => {
  it('make one upstream call per unique link, one token fetch and one quota count', async () => {
    const requests = []
    for (let link = 0; link < 30; link++) {
      for (const instance of instances) {
        requests.push(instance.mint({ kind: 'urllink', path: 'pages/a/a', query: `link=${link}`, cq: `via=${requests.length}` }))
      }
    }
    const results = await Promise.all(requests)
    const counters = emulator.control.counters()
    expect(counters.calls.generate_urllink).toBe(30)
    expect(counters.tokenFetches).toBe(1)
    expect(new Set(results.map((result) => result.url.split('?cq=')[0])).size).toBe(30)
    for (const instance of instances) {
      expect(metricValue(await instance.metrics(), 'navi_quota_used')).toBe(30)
    }
    for (const instance of instances) expect((await instance.health()).parts.store).toBe('ok')
  })

  it('share one throttle window: 450 links across the three stay within 100 arrivals per second', async () => {
    const requests = instances.flatMap((instance, which) =>
      Array.from({ length: 150 }, (_, i) => instance.mint({ kind: 'scheme', path: 'pages/a/a', query: `i=${which}-${i}` })),
    )
    const outcomes = await Promise.allSettled(requests)
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([])
    const counters = emulator.control.counters()
    expect(counters.generationArrivals).toHaveLength(450)
    expect(counters.rateLimited).toBe(0)
    expect(peakInWindow(counters.generationArrivals, 1000)).toBeLessThanOrEqual(100)
  }, 30_000)

  it('keep to NAVI_DAILY_QUOTA together when far more links are asked for at once than it allows', async () => {
    const limited = await Promise.all(
      stores.map((store) => createLinkService(coreConfig(emulator.url, SANDBOX_APP, { redisUrl: inject('redisUrl'), dailyQuota: 50 }), { store })),
    )
    try {
      const requests = limited.flatMap((instance, which) =>
        Array.from({ length: 100 }, (_, i) => instance.mint({ kind: 'scheme', path: 'pages/a/a', query: `q=${which}-${i}` })),
      )
      const outcomes = await Promise.allSettled(requests)
      const minted = outcomes.filter((outcome) => outcome.status === 'fulfilled')
      const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as { code?: string }).code] : []))
      expect(minted).toHaveLength(50)
      expect(new Set(refused)).toEqual(new Set(['quota-exhausted']))
      expect(emulator.control.counters().calls.generatescheme).toBe(50)
      expect(metricValue(await limited[0].metrics(), 'navi_quota_used')).toBe(50)
    } finally {
      await Promise.all(limited.map((instance) => instance.close()))
    }
  }, 30_000)
})

describe("WeChat's Short Link refusals, heard by one instance on one Redis", () => {
  it('hold for the others: the permanent cap (85400) and the day spent (45009) send no more calls upstream', async () => {
    // Links no instance counted (minted before the service ran) filled WeChat's permanent cap.
    emulator.control.setPermanentShortLinkCount(100_000, SANDBOX_APP.appId)
    await expect(instances[0].mint({ kind: 'shortlink', path: 'pages/a/a', isPermanent: true })).rejects.toMatchObject({
      code: 'permanent-cap-reached',
    })
    for (const instance of instances.slice(1)) {
      await expect(instance.mint({ kind: 'shortlink', path: 'pages/b/b', isPermanent: true })).rejects.toMatchObject({
        code: 'permanent-cap-reached',
      })
    }
    expect(emulator.control.counters().calls.genwxashortlink).toBe(1)

    emulator.control.exhaustQuota({ appId: SANDBOX_APP.appId, kind: 'shortlinks' })
    await expect(instances[1].mint({ kind: 'shortlink', path: 'pages/c/c' })).rejects.toMatchObject({ code: 'quota-exhausted' })
    for (const instance of [instances[0], instances[2]]) {
      const refused = await instance.mint({ kind: 'shortlink', path: 'pages/d/d' }).catch((error: unknown) => error)
      expect(refused).toMatchObject({ code: 'quota-exhausted', status: 503 })
      expect((refused as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0)
    }
    expect(emulator.control.counters().errcodes).toMatchObject({ 85400: 1, 45009: 1 })
    expect(emulator.control.counters().calls.genwxashortlink).toBe(2)
    // Schemes draw on their own quota.
    expect((await instances[2].mint({ kind: 'scheme', path: 'pages/a/a' })).url).toMatch(/^weixin:\/\/dl\/business\/\?t=/)
  })
})

describe('two mini programs on one Redis', () => {
  it('count their daily quota, spent days and permanent Short Links apart', async () => {
    const limits = { redisUrl: inject('redisUrl'), dailyQuota: 2, permanentShortLinkCap: 1 }
    const [sandbox, shop] = await Promise.all([
      createLinkService(coreConfig(emulator.url, SANDBOX_APP, limits), { store: stores[0] }),
      createLinkService(coreConfig(emulator.url, SHOP, limits), { store: stores[1] }),
    ])
    try {
      await sandbox.mint({ kind: 'scheme', path: 'pages/a/a', query: 'i=1' })
      await sandbox.mint({ kind: 'scheme', path: 'pages/a/a', query: 'i=2' })
      await sandbox.mint({ kind: 'shortlink', path: 'pages/a/a', isPermanent: true })
      await expect(sandbox.mint({ kind: 'scheme', path: 'pages/a/a', query: 'i=3' })).rejects.toMatchObject({ code: 'quota-exhausted' })
      await expect(sandbox.mint({ kind: 'shortlink', path: 'pages/b/b', isPermanent: true })).rejects.toMatchObject({
        code: 'permanent-cap-reached',
      })
      expect(metricValue(await shop.metrics(), 'navi_quota_used')).toBe(0)
      expect((await shop.mint({ kind: 'scheme', path: 'pages/a/a', query: 'i=1' })).url).toMatch(/^weixin:\/\/dl\/business\/\?t=/)
      expect((await shop.mint({ kind: 'shortlink', path: 'pages/a/a', isPermanent: true })).url).toMatch(/^#/)

      // WeChat saying the sandbox app's quota is spent marks its day only.
      const other = await createLinkService(coreConfig(emulator.url, SANDBOX_APP, { redisUrl: inject('redisUrl') }), { store: stores[2] })
      try {
        emulator.control.exhaustQuota({ appId: SANDBOX_APP.appId })
        await expect(other.mint({ kind: 'urllink', path: 'pages/a/a' })).rejects.toMatchObject({ code: 'quota-exhausted' })
      } finally {
        await other.close()
      }
      expect((await shop.mint({ kind: 'urllink', path: 'pages/a/a' })).url).toMatch(/^https:\/\//)
    } finally {
      await Promise.all([sandbox.close(), shop.close()])
    }
  })
})
