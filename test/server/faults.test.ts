/**
 * Upstream trouble, as the emulator provokes it: -1 storms, 44990, slow
 * answers and dropped connections. Every caller gets its link or a clear
 * ServiceError 503 — and nothing hangs.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_APP, startEmulator, type Emulator } from '../../src/emulator'
import { createLinkService } from '../../src/service/createLinkService'
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
