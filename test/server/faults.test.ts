/**
 * Upstream trouble, as the emulator provokes it: -1 storms, 44990, slow
 * answers and dropped connections. Every caller gets its link or a clear
 * ServiceError 503 — and nothing hangs.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_APP, startEmulator, type Emulator } from '../../src/emulator'
import { createLinkService } from '../../src/service/createLinkService'
import { TRANSIENT_DOWN_MS } from '../../src/wechat/credential'
import { ServiceError, type LinkResult, type LinkService, type ServiceConfig } from '../../src/service/types'
import { coreConfig } from './setup/core'

let emulator: Emulator
const services: LinkService[] = []

beforeAll(async () => {
  emulator = await startEmulator()
})
afterAll(() => emulator.close())
beforeEach(() => emulator.control.reset())
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()))
})

async function service(overrides: Partial<ServiceConfig> = {}): Promise<LinkService> {
  const created = await createLinkService(coreConfig(emulator.url, SANDBOX_APP, overrides))
  services.push(created)
  return created
}

/** Settles `count` distinct mints; every outcome must be a link or a 503 ServiceError. */
async function burst(svc: LinkService, count: number, tag: string): Promise<{ links: LinkResult[]; errors: ServiceError[] }> {
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => svc.mint({ kind: 'scheme', path: 'pages/a/a', query: `${tag}=${i}` })),
  )
  const links: LinkResult[] = []
  const errors: ServiceError[] = []
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') links.push(outcome.value)
    else {
      expect(outcome.reason).toBeInstanceOf(ServiceError)
      expect((outcome.reason as ServiceError).status).toBe(503)
      errors.push(outcome.reason as ServiceError)
    }
  }
  return { links, errors }
}

describe('upstream faults', () => {
  it('rides out a -1 storm with retries; what still fails is a 503 upstream-busy', async () => {
    const svc = await service()
    await svc.mint({ kind: 'scheme', path: 'pages/warm/up' }) // token first, so the storm hits generation
    emulator.control.setFaults({ systemBusyRate: 0.5, apis: ['generatescheme'] })
    const { links, errors } = await burst(svc, 40, 'busy')
    expect(links.length).toBeGreaterThan(20) // 3 tries at 50 % each: ~87 % succeed
    for (const error of errors) expect(error).toMatchObject({ code: 'upstream-busy', errcode: -1 })
    expect((await svc.health()).parts.upstream).not.toBe('ok')
  })

  it('answers every caller after forced 44990s, none of which reaches them', async () => {
    const svc = await service()
    emulator.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: 44990, times: 5 } })
    const { links, errors } = await burst(svc, 10, 'rate')
    expect(errors).toEqual([])
    expect(links).toHaveLength(10)
    expect(emulator.control.counters().errcodes['44990']).toBe(5)
  })

  it('answers 503 upstream-timeout when WeChat is too slow, within the configured timeout', async () => {
    const svc = await service({ wechat: { ...coreConfig('', SANDBOX_APP).wechat, apiBase: emulator.url, timeoutMs: 300 } })
    await svc.mint({ kind: 'scheme', path: 'pages/warm/up' })
    emulator.control.setFaults({ delayMs: 1000, apis: ['generatescheme'] })
    const { links, errors } = await burst(svc, 5, 'slow')
    expect(links).toEqual([])
    for (const error of errors) expect(error).toMatchObject({ code: 'upstream-timeout', retryAfterSeconds: 2 })
    emulator.control.clearFaults()
    expect((await svc.mint({ kind: 'scheme', path: 'pages/a/a', query: 'after=1' })).url).toMatch(/^weixin:/)
  })

  it('answers 503 upstream-unavailable for dropped connections and recovers', async () => {
    const svc = await service()
    await svc.mint({ kind: 'scheme', path: 'pages/warm/up' })
    emulator.control.setFaults({ dropRate: 0.5, apis: ['generatescheme'] })
    const { links, errors } = await burst(svc, 20, 'drop')
    expect(links.length + errors.length).toBe(20)
    for (const error of errors) expect(error).toMatchObject({ code: 'upstream-unavailable' })
    emulator.control.clearFaults()
    const { errors: after } = await burst(svc, 5, 'healed')
    expect(after).toEqual([])
  })

  it('reports a wrong secret as a 502 configuration error and the token part as down', async () => {
    const svc = await service({ wechat: { ...coreConfig(emulator.url, SANDBOX_APP).wechat, secret: 'wrong' } })
    await expect(svc.mint({ kind: 'scheme', path: 'pages/a/a' })).rejects.toMatchObject({
      code: 'wechat-invalid-secret',
      status: 502,
      errcode: 40125,
    })
    expect((await svc.health()).parts.token).toBe('down')
  })
})

describe('health after upstream trouble', () => {
  /** A service on a clock the test moves, and its /healthz as a load balancer reads it. */
  async function onClock(overrides: Partial<ServiceConfig> = {}) {
    const clock = { at: Date.now() }
    const svc = await createLinkService(coreConfig(emulator.url, SANDBOX_APP, overrides), { now: () => clock.at })
    services.push(svc)
    return { svc, clock }
  }

  it('a token fetch that failed transiently keeps the token part down for a minute, then degraded (healthz answers 200 again), not down for good', async () => {
    const { svc, clock } = await onClock()
    emulator.control.setFaults({ forceErrcode: { api: 'stable_token', errcode: -1, times: 3 } })
    await expect(svc.mint({ kind: 'scheme', path: 'pages/a/a' })).rejects.toMatchObject({ code: 'upstream-busy', status: 503 })
    emulator.control.clearFaults()
    expect((await svc.health()).parts.token).toBe('down')
    // A load balancer took the instance out: no request comes to fetch a token again.
    clock.at += TRANSIENT_DOWN_MS - 1
    expect((await svc.health()).parts.token).toBe('down')
    clock.at += 1
    expect(await svc.health()).toMatchObject({ status: 'degraded', parts: { token: 'degraded' } })
    // Back in rotation, the next caller gets a link and the part is ok again.
    expect((await svc.mint({ kind: 'scheme', path: 'pages/a/a' })).url).toMatch(/^weixin:/)
    expect((await svc.health()).parts.token).toBe('ok')
  })

  it('a wrong secret keeps the token part down: no retry mends it', async () => {
    const { svc, clock } = await onClock({ wechat: { ...coreConfig(emulator.url, SANDBOX_APP).wechat, secret: 'wrong' } })
    await expect(svc.mint({ kind: 'scheme', path: 'pages/a/a' })).rejects.toMatchObject({ code: 'wechat-invalid-secret' })
    clock.at += 60 * 60_000
    expect((await svc.health()).parts.token).toBe('down')
  })

  it('five -1 answers in a row keep the upstream part down for a minute after the last, then degraded until WeChat answers', async () => {
    const { svc, clock } = await onClock()
    await svc.mint({ kind: 'scheme', path: 'pages/warm/up' })
    emulator.control.setFaults({ systemBusyRate: 1, apis: ['generatescheme'] })
    // Three tries each: six -1 answers in a row.
    for (const i of [1, 2]) await expect(svc.mint({ kind: 'scheme', path: 'pages/a/a', query: `busy=${i}` })).rejects.toMatchObject({ code: 'upstream-busy' })
    emulator.control.clearFaults()
    expect((await svc.health()).parts.upstream).toBe('down')
    clock.at += TRANSIENT_DOWN_MS
    expect((await svc.health()).parts.upstream).toBe('degraded')
    await svc.mint({ kind: 'scheme', path: 'pages/a/a', query: 'healed=1' })
    clock.at += 30_000
    expect((await svc.health()).parts.upstream).toBe('ok')
  })
})
