/**
 * Minting through the service against the emulator: cache hits and misses,
 * the expiry margin, cq on the cached link, one upstream call for concurrent
 * identical misses, queue-full, and the quota running out (plaintext fallback
 * or 503 quota-exhausted).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_APP, startEmulator, type Emulator } from '../../src/emulator'
import { createLinkService } from '../../src/service/createLinkService'
import { ServiceError, type LinkService, type ServiceConfig } from '../../src/service/types'
import { coreConfig, metricValue } from './setup/core'

// An appid of the documented shape (wx + 16), so the plaintext scheme can be built for it.
const SHOP = { appId: 'wx4e1ba651bbe36d01', secret: 'shop-secret-0001' }
const DAY = 86_400_000

let emulator: Emulator
let clock = Date.now()
const now = () => clock
const services: LinkService[] = []

beforeAll(async () => {
  emulator = await startEmulator({ now, apps: [SHOP] })
})
afterAll(() => emulator.close())
beforeEach(() => {
  clock = Date.now()
  emulator.control.reset()
})
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()))
})

async function service(overrides: Partial<ServiceConfig> = {}, app = SANDBOX_APP): Promise<LinkService> {
  const created = await createLinkService(coreConfig(emulator.url, app, overrides), { now })
  services.push(created)
  return created
}

const generations = () => {
  const calls = emulator.control.counters().calls
  return (calls.generatescheme ?? 0) + (calls.generate_urllink ?? 0) + (calls.genwxashortlink ?? 0)
}

describe('link cache', () => {
  it('answers a repeated request from the cache, a different one upstream', async () => {
    const svc = await service()
    const first = await svc.mint({ kind: 'scheme', path: 'pages/a/a', query: 'id=1', expireDays: 7 })
    expect(first.cached).toBe(false)
    expect(Date.parse(first.expiresAt ?? '')).toBe(clock + 7 * DAY)
    const again = await svc.mint({ kind: 'scheme', path: 'pages/a/a', query: 'id=1', expireDays: 7 })
    expect(again).toMatchObject({ url: first.url, cached: true })
    const other = await svc.mint({ kind: 'scheme', path: 'pages/a/a', query: 'id=2', expireDays: 7 })
    expect(other.url).not.toBe(first.url)
    const urlLink = await svc.mint({ kind: 'urllink', path: 'pages/a/a', query: 'id=1', expireDays: 7 })
    expect(urlLink.url).toMatch(/^https:\/\//)
    expect(generations()).toBe(3)
    const metrics = await svc.metrics()
    expect(metricValue(metrics, 'navi_link_cache_total{result="hit"}')).toBe(1)
    expect(metricValue(metrics, 'navi_link_cache_total{result="miss"}')).toBe(3)
    expect(metricValue(metrics, 'navi_upstream_calls_total{api="generatescheme",errcode="0"}')).toBe(2)
    expect(metricValue(metrics, 'navi_quota_used')).toBe(3)
  })

  it('stops serving a link one margin before it expires and mints a new one', async () => {
    const svc = await service({ cacheMarginSeconds: 86_400 })
    const first = await svc.mint({ kind: 'scheme', path: 'pages/a/a', expireDays: 3 })
    clock += 2 * DAY - 60_000
    expect((await svc.mint({ kind: 'scheme', path: 'pages/a/a', expireDays: 3 })).url).toBe(first.url)
    clock += 120_000 // now less than a day before expiry
    const renewed = await svc.mint({ kind: 'scheme', path: 'pages/a/a', expireDays: 3 })
    expect(renewed.cached).toBe(false)
    expect(renewed.url).not.toBe(first.url)
  })

  it('appends cq to the cached link (&cq= on a scheme, ?cq= on a URL Link), outside the cache key', async () => {
    const svc = await service()
    const plain = await svc.mint({ kind: 'scheme', path: 'pages/a/a' })
    const forUser = await svc.mint({ kind: 'scheme', path: 'pages/a/a', cq: 'uid=42&src=sms' })
    expect(forUser).toMatchObject({ url: `${plain.url}&cq=uid%3D42%26src%3Dsms`, cached: true })
    expect(emulator.control.lookupLink(forUser.url)).toMatchObject({ path: 'pages/a/a' })
    expect(new URLSearchParams(forUser.url.split('?')[1]).get('cq')).toBe('uid=42&src=sms')
    const link = await svc.mint({ kind: 'urllink', path: 'pages/a/a', cq: 'uid=7' })
    expect(link.url).toMatch(/\?cq=uid%3D7$/)
    expect(emulator.control.lookupLink(link.url)).toMatchObject({ kind: 'urllink', path: 'pages/a/a' })
    expect(generations()).toBe(2)
  })

  it('an empty cq (a template whose per-user placeholder came out empty) adds nothing: no bare cq= on the link or in a plaintext fallback', async () => {
    const svc = await service({ plaintextPaths: ['pages/shop/item'] }, SHOP)
    const plain = await svc.mint({ kind: 'scheme', path: 'pages/a/a' })
    expect((await svc.mint({ kind: 'scheme', path: 'pages/a/a', cq: '' })).url).toBe(plain.url)
    expect((await svc.mint({ kind: 'urllink', path: 'pages/a/a', cq: '' })).url).toMatch(/^https:\/\/wxaurl\.cn\/\w+$/)
    emulator.control.exhaustQuota({ appId: SHOP.appId })
    const fallback = await svc.mint({ kind: 'scheme', path: 'pages/shop/item', query: 'id=1', cq: '' })
    expect(fallback.url).toBe(`weixin://dl/business/?appid=${SHOP.appId}&path=pages/shop/item&query=id%3D1`)
  })

  it('makes one upstream call for 50 concurrent identical misses', async () => {
    const svc = await service()
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => svc.mint({ kind: 'urllink', path: 'pages/a/a', query: 'same=1', cq: `u=${i}` })),
    )
    expect(generations()).toBe(1)
    expect(new Set(results.map((result) => result.url.split('?cq=')[0])).size).toBe(1)
    expect(results.filter((result) => !result.cached)).toHaveLength(1)
  })

  it('mints short links, counting permanent ones against their cap', async () => {
    const svc = await service({ permanentShortLinkCap: 1 })
    const temporary = await svc.mint({ kind: 'shortlink', path: 'pages/a/a', query: 'id=1', pageTitle: 'Shop' })
    expect(temporary.expiresAt).not.toBeNull()
    const permanent = await svc.mint({ kind: 'shortlink', path: 'pages/a/a', isPermanent: true })
    expect(permanent.expiresAt).toBeNull()
    expect(emulator.control.lookupLink(permanent.url)).toMatchObject({ kind: 'shortlink' })
    await expect(svc.mint({ kind: 'shortlink', path: 'pages/b/b', isPermanent: true })).rejects.toMatchObject({
      code: 'permanent-cap-reached',
      status: 503,
    })
    expect(generations()).toBe(2)
  })

  it('refuses bad input with 400 before any upstream call', async () => {
    const svc = await service()
    await expect(svc.mint({ kind: 'scheme', path: '/pages/a/a' })).rejects.toMatchObject({ code: 'invalid', status: 400 })
    await expect(svc.mint({ kind: 'urllink', path: 'pages/a/a', expireDays: 31 })).rejects.toMatchObject({ status: 400 })
    expect(emulator.control.counters().calls).toEqual({})
  })
})

describe('queue', () => {
  it('answers 503 queue-full with Retry-After once maxQueue requests wait', async () => {
    const svc = await service({ ratePerSecond: 1, maxQueue: 2 })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => svc.mint({ kind: 'scheme', path: 'pages/a/a', query: `q=${i}` })),
    )
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
    expect(refused.length).toBeGreaterThan(0)
    for (const { reason } of refused) {
      expect(reason).toBeInstanceOf(ServiceError)
      expect(reason).toMatchObject({ code: 'queue-full', status: 503 })
      expect((reason as ServiceError).retryAfterSeconds).toBeGreaterThanOrEqual(1)
    }
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(6 - refused.length)
    expect(emulator.control.counters().rateLimited).toBe(0)
  })
})

describe('quota', () => {
  it("falls back to the plaintext scheme for declared pages once the service's own count is spent", async () => {
    const svc = await service({ dailyQuota: 2, plaintextPaths: ['pages/shop/*'] }, SHOP)
    await svc.mint({ kind: 'scheme', path: 'pages/shop/item', query: 'id=1' })
    await svc.mint({ kind: 'scheme', path: 'pages/shop/item', query: 'id=2' })
    const fallback = await svc.mint({ kind: 'scheme', path: 'pages/shop/item', query: 'id=3', envVersion: 'trial' })
    expect(fallback).toMatchObject({
      url: `weixin://dl/business/?appid=${SHOP.appId}&path=pages/shop/item&query=id%3D3&env_version=trial`,
      fallback: 'plaintext',
      cached: false,
      expiresAt: null,
    })
    expect(generations()).toBe(2)
    const refused = await svc.mint({ kind: 'scheme', path: 'pages/other/page' }).catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 'quota-exhausted', status: 503 })
    expect((refused as ServiceError).retryAfterSeconds).toBeGreaterThan(0)
    expect(generations()).toBe(2)
  })

  it.each([
    ['generatescheme', 'scheme' as const, 44993],
    ['generate_urllink', 'urllink' as const, 45009],
  ])('falls back when WeChat says the quota is spent (%s → %i), then stops asking', async (_api, kind, errcode) => {
    const svc = await service({ plaintextPaths: ['pages/shop/item'] }, SHOP)
    emulator.control.exhaustQuota({ appId: SHOP.appId })
    const fallback = await svc.mint({ kind, path: 'pages/shop/item', cq: 'u=1' })
    expect(fallback).toMatchObject({ fallback: 'plaintext' })
    expect(fallback.url).toBe(`weixin://dl/business/?appid=${SHOP.appId}&path=pages/shop/item&query=cq%3Du%253D1`)
    expect(emulator.control.counters().errcodes[String(errcode)]).toBe(1)
    await expect(svc.mint({ kind, path: 'pages/b/b' })).rejects.toMatchObject({ code: 'quota-exhausted', status: 503 })
    // The day is marked spent: no more calls upstream until midnight in Beijing.
    expect(generations()).toBe(1)
  })
})

describe('Short Link quota', () => {
  it('a permanent Short Link WeChat refuses at its cap (85400) marks the cap reached: no more permanent calls, temporary ones still go', async () => {
    const svc = await service({}, SHOP)
    // Links this service never counted (minted before it ran, or by another system) filled WeChat's cap.
    emulator.control.setPermanentShortLinkCount(100_000, SHOP.appId)
    for (const path of ['pages/a/a', 'pages/b/b']) {
      await expect(svc.mint({ kind: 'shortlink', path, isPermanent: true })).rejects.toMatchObject({
        code: 'permanent-cap-reached',
        status: 503,
      })
    }
    expect(emulator.control.counters().errcodes['85400']).toBe(1)
    const temporary = await svc.mint({ kind: 'shortlink', path: 'pages/a/a' })
    expect(temporary.expiresAt).not.toBeNull()
    expect(emulator.control.counters().calls.genwxashortlink).toBe(2)
  })

  it("Short Links WeChat refuses for the day (45009) stop going upstream until midnight in Beijing; schemes draw on their own quota", async () => {
    clock = Date.parse('2026-12-01T10:00:00.000Z') // 18:00 in Shanghai
    const svc = await service({}, SHOP)
    emulator.control.exhaustQuota({ appId: SHOP.appId, kind: 'shortlinks' })
    for (const path of ['pages/a/a', 'pages/b/b']) {
      const refused = await svc.mint({ kind: 'shortlink', path }).catch((error: unknown) => error)
      expect(refused).toMatchObject({ code: 'quota-exhausted', status: 503 })
      expect((refused as ServiceError).retryAfterSeconds).toBe(6 * 3600)
    }
    expect(emulator.control.counters().errcodes['45009']).toBe(1)
    await svc.mint({ kind: 'scheme', path: 'pages/a/a' })
    clock += 6 * 3600_000 // midnight in Beijing: a new day for both sides
    const fresh = await svc.mint({ kind: 'shortlink', path: 'pages/b/b' })
    expect(fresh.url).toMatch(/^#小程序:\/\//)
    expect(emulator.control.counters().calls.genwxashortlink).toBe(2)
  })
})

describe('quota spent across midnight', () => {
  it("a spent answer to a call sent before midnight in Beijing: the caller gets a link from the new day's quota, which is not marked spent", async () => {
    clock = Date.parse('2026-12-01T15:59:59.000Z') // 23:59:59 in Shanghai
    const svc = await service()
    await svc.mint({ kind: 'scheme', path: 'pages/a/a' }) // the token is fetched before the fault
    emulator.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: 44993, times: 1 }, delayMs: 1500, apis: ['generatescheme'] })
    // Midnight passes while WeChat answers: sent at 23:59:59, answered after 00:00:01.
    const midnight = setTimeout(() => (clock += 2000), 500)
    let straddling: Awaited<ReturnType<LinkService['mint']>>
    try {
      straddling = await svc.mint({ kind: 'scheme', path: 'pages/b/b' })
    } finally {
      clearTimeout(midnight)
      emulator.control.clearFaults()
    }
    expect(straddling.url).toMatch(/^weixin:\/\/dl\/business\/\?t=/)
    expect(emulator.control.counters().errcodes['44993']).toBe(1)
    expect(generations()).toBe(3) // pages/a/a, and pages/b/b twice: refused for the old day, minted on the new
    // The link made on the new day counts on the new day.
    expect(metricValue(await svc.metrics(), 'navi_quota_used')).toBe(1)
    const fresh = await svc.mint({ kind: 'scheme', path: 'pages/c/c' })
    expect(fresh.url).toMatch(/^weixin:\/\/dl\/business\/\?t=/)
  })

  it('a spent answer from the day before earns one retry, not more', async () => {
    clock = Date.parse('2026-12-01T15:59:59.000Z')
    const svc = await service()
    await svc.mint({ kind: 'scheme', path: 'pages/a/a' })
    emulator.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: 44993, times: 2 }, delayMs: 1500, apis: ['generatescheme'] })
    // Each answer arrives a day after its call left, so each says nothing about the day it lands in.
    const days = setInterval(() => (clock += DAY), 1000)
    try {
      await expect(svc.mint({ kind: 'scheme', path: 'pages/b/b' })).rejects.toMatchObject({ code: 'quota-exhausted', errcode: 44993 })
    } finally {
      clearInterval(days)
      emulator.control.clearFaults()
    }
    expect(generations()).toBe(3)
  })

  it('a spent answer on the day the call was sent still marks that day spent', async () => {
    clock = Date.parse('2026-12-01T10:00:00.000Z')
    const svc = await service()
    emulator.control.exhaustQuota()
    await expect(svc.mint({ kind: 'scheme', path: 'pages/a/a' })).rejects.toMatchObject({ code: 'quota-exhausted' })
    const calls = generations()
    await expect(svc.mint({ kind: 'scheme', path: 'pages/b/b' })).rejects.toMatchObject({ code: 'quota-exhausted' })
    expect(generations()).toBe(calls)
  })
})

describe('health and metrics', () => {
  it('reports token, store and upstream parts and Prometheus text', async () => {
    const svc = await service()
    await svc.mint({ kind: 'scheme', path: 'pages/a/a' })
    expect(await svc.health()).toEqual({ status: 'ok', sandbox: false, parts: { token: 'ok', store: 'ok', upstream: 'ok' } })
    const text = await svc.metrics()
    expect(text).toContain('# TYPE navi_upstream_calls_total counter')
    expect(metricValue(text, 'navi_token_fetches_total{outcome="ok"}')).toBe(1)
    expect(metricValue(text, 'navi_throttle_queue_depth')).toBe(0)
    expect(metricValue(text, 'navi_quota_limit')).toBe(500_000)
  })
})
