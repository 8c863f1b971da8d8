/**
 * Access tokens as the service uses them against the emulator: one fetch for
 * many concurrent first requests, renewal in the last 5 minutes, a 40001 /
 * 42001 storm answered by one refetch and one retry per request, and never a
 * force_refresh that would kill the token other instances are using.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_APP, startEmulator, type Emulator } from '../../src/emulator'
import { createLinkService } from '../../src/service/createLinkService'
import type { LinkService } from '../../src/service/types'
import { MemoryStore } from '../../src/stores/memory'
import { coreConfig } from './setup/core'

let emulator: Emulator
let clock = Date.now()
const now = () => clock
const services: LinkService[] = []

beforeAll(async () => {
  emulator = await startEmulator({ now })
})
afterAll(() => emulator.close())
beforeEach(() => {
  clock = Date.now()
  emulator.control.reset()
})
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()))
})

async function service(): Promise<LinkService> {
  const created = await createLinkService(coreConfig(emulator.url, SANDBOX_APP), { now })
  services.push(created)
  return created
}

const mint = (svc: LinkService, i: number) => svc.mint({ kind: 'scheme', path: 'pages/a/a', query: `n=${i}` })

describe('access token', () => {
  it('is fetched once for 20 concurrent first requests', async () => {
    const svc = await service()
    await Promise.all(Array.from({ length: 20 }, (_, i) => mint(svc, i)))
    expect(emulator.control.counters().tokenFetches).toBe(1)
    expect(emulator.control.counters().calls.stable_token).toBe(1)
  })

  it('is reused while fresh and renewed once under 5 minutes remain', async () => {
    const svc = await service()
    await mint(svc, 1)
    clock += 7200_000 - 6 * 60_000 // 6 minutes left: still fresh
    await mint(svc, 2)
    expect(emulator.control.counters().tokenFetches).toBe(1)
    clock += 2 * 60_000 // 4 minutes left: renew
    await mint(svc, 3)
    await mint(svc, 4)
    const counters = emulator.control.counters()
    expect(counters.tokenFetches).toBe(2)
    expect(counters.errcodes['42001'] ?? 0).toBe(0)
    expect(counters.errcodes['40001'] ?? 0).toBe(0)
  })

  it('in its last 5 minutes keeps serving the token it holds while a slow renewal is on its way', async () => {
    const created = await createLinkService(
      coreConfig(emulator.url, SANDBOX_APP, { wechat: { ...coreConfig(emulator.url, SANDBOX_APP).wechat, timeoutMs: 1000 } }),
      { now },
    )
    services.push(created)
    await mint(created, 1)
    clock += 7200_000 - 4 * 60_000 // 4 minutes left: renewal due, the old token still valid
    emulator.control.setFaults({ delayMs: 3000, apis: ['stable_token'] })
    // Three cache misses: each gets its link with the old token, none waits for the renewal WeChat has not answered.
    for (const i of [2, 3, 4]) expect((await mint(created, i)).url).toMatch(/^weixin:/)
    const counters = emulator.control.counters()
    expect(counters.calls.stable_token).toBe(2)
    expect(counters.tokenFetches).toBe(1)
    expect(counters.calls.generatescheme).toBe(4)
  })

  it("in its last 5 minutes a token shared through the store serves an instance that does not hold it yet (just started) while the renewal is on its way", async () => {
    const store = new MemoryStore({ now })
    const config = coreConfig(emulator.url, SANDBOX_APP, { wechat: { ...coreConfig(emulator.url, SANDBOX_APP).wechat, timeoutMs: 1000 } })
    const first = await createLinkService(config, { now, store })
    services.push(first)
    await mint(first, 1)
    clock += 7200_000 - 4 * 60_000 // 4 minutes left: renewal due, the shared token still valid
    emulator.control.setFaults({ delayMs: 3000, apis: ['stable_token'] })
    const started = await createLinkService(config, { now, store })
    services.push(started)
    // It gets its link with the token every other instance is still using, not a 503 after a stable_token timeout.
    expect((await mint(started, 2)).url).toMatch(/^weixin:/)
    expect(emulator.control.counters().tokenFetches).toBe(1)
    expect(emulator.control.counters().calls.generatescheme).toBe(2)
  })

  it('survives a 40001 storm with one refetch, each request retried once', async () => {
    const svc = await service()
    await mint(svc, 0)
    emulator.control.invalidateTokens(SANDBOX_APP.appId)
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => mint(svc, i + 1)))
    expect(results.every((result) => result.url.startsWith('weixin://dl/business/?t='))).toBe(true)
    const counters = emulator.control.counters()
    expect(counters.tokenFetches).toBe(2)
    const rejected = counters.errcodes['40001'] ?? 0
    expect(rejected).toBeGreaterThan(0)
    expect(rejected).toBeLessThanOrEqual(30)
    // Every generation call beyond one per link is a single retry after a 40001.
    expect(counters.calls.generatescheme).toBe(1 + 30 + rejected)
  })

  it('refetches after 42001 (expired early) and answers the caller', async () => {
    const svc = await service()
    await mint(svc, 0)
    emulator.control.expireTokens(SANDBOX_APP.appId)
    const result = await mint(svc, 1)
    expect(result.url).toMatch(/^weixin:/)
    expect(emulator.control.counters().errcodes['42001']).toBe(1)
    expect(emulator.control.counters().tokenFetches).toBe(2)
  })

  it('retries a rejected token only once: a second rejection reaches the caller as 503', async () => {
    const svc = await service()
    await mint(svc, 0)
    emulator.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: 40001, times: 2 } })
    await expect(mint(svc, 1)).rejects.toMatchObject({ code: 'upstream-token-rejected', status: 503, errcode: 40001 })
    expect(emulator.control.counters().calls.generatescheme).toBe(3)
  })

  it('rides out a WeChat blip on stable_token: two busy answers (-1) in a row, and the request still gets its link', async () => {
    const svc = await service()
    emulator.control.setFaults({ forceErrcode: { api: 'stable_token', errcode: -1, times: 2 } })
    await expect(mint(svc, 1)).resolves.toMatchObject({ url: expect.stringMatching(/^weixin:\/\/dl\/business\/\?t=/) })
    expect(emulator.control.counters().calls.stable_token).toBe(3)
  })

  it("a stable_token refused for the day (45009, its own daily call limit) is no link quota answer: nothing is marked spent, the next request mints", async () => {
    const svc = await service()
    emulator.control.setFaults({ forceErrcode: { api: 'stable_token', errcode: 45009, times: 2 } })
    for (const request of [() => mint(svc, 1), () => svc.mint({ kind: 'shortlink', path: 'pages/a/a' })]) {
      const refused = await request().catch((error: unknown) => error)
      expect(refused).toMatchObject({ code: 'token-unavailable', status: 503, errcode: 45009 })
    }
    // The limit lifted (clear_quota, or another system stopped fetching): links are minted at once, not after midnight.
    await expect(mint(svc, 2)).resolves.toMatchObject({ url: expect.stringMatching(/^weixin:\/\/dl\/business\/\?t=/) })
    await expect(svc.mint({ kind: 'shortlink', path: 'pages/a/a' })).resolves.toMatchObject({ url: expect.stringMatching(/^#小程序:\/\//) })
    expect(emulator.control.counters().calls.generatescheme).toBe(1)
  })

  it('never force-refreshes: two instances with separate stores both keep working', async () => {
    const [a, b] = [await service(), await service()]
    await mint(a, 1)
    await mint(b, 2)
    await mint(a, 3)
    await mint(b, 4)
    const counters = emulator.control.counters()
    expect(counters.tokenFetches).toBe(2)
    expect(counters.errcodes['40001'] ?? 0).toBe(0)
    expect((await a.health()).parts.token).toBe('ok')
  })
})
