/**
 * Redis stopped and started again mid-run (its own redis-server, no
 * persistence, so it comes back empty): the service keeps answering from
 * local state, health says the store is degraded meanwhile, and no quota
 * count is lost — neither the ones counted before nor those made while away.
 */
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_APP, startEmulator, type Emulator } from '../../src/emulator'
import { shanghaiDay } from '../../src/links/quota'
import { createLinkService } from '../../src/service/createLinkService'
import type { LinkService } from '../../src/service/types'
import { coreConfig, eventually, metricValue } from './setup/core'
import { startRedis, type RunningRedis } from './setup/redis'

let emulator: Emulator
let redis: RunningRedis
let service: LinkService
/** A second instance on the same Redis: its counts must survive the restart too. */
let other: LinkService

beforeAll(async () => {
  emulator = await startEmulator()
  redis = await startRedis()
  service = await createLinkService(coreConfig(emulator.url, SANDBOX_APP, { redisUrl: redis.url }))
  other = await createLinkService(coreConfig(emulator.url, SANDBOX_APP, { redisUrl: redis.url }))
})
afterAll(async () => {
  await service.close()
  await other.close()
  await redis.stop()
  await emulator.close()
})

const mintBatch = (tag: string, count: number, via = service) =>
  Promise.all(Array.from({ length: count }, (_, i) => via.mint({ kind: 'scheme', path: 'pages/a/a', query: `${tag}=${i}` })))
const quotaUsed = async () => metricValue(await service.metrics(), 'navi_quota_used')

describe('Redis stopped and restarted mid-run', () => {
  it('keeps answering, reports degraded, and loses no quota count', async () => {
    await mintBatch('before', 6)
    await mintBatch('before-other', 4, other)
    expect(await quotaUsed()).toBe(10)
    expect((await service.health()).parts.store).toBe('ok')

    await redis.stop()
    await eventually(async () => (await service.health()).parts.store === 'degraded', 5000, 'store degraded')
    const whileAway = await mintBatch('away', 10)
    expect(whileAway.every((result) => result.url.startsWith('weixin://'))).toBe(true)
    // Cached locally meanwhile: asking again costs no upstream call.
    expect((await service.mint({ kind: 'scheme', path: 'pages/a/a', query: 'away=3' })).cached).toBe(true)
    expect(await quotaUsed()).toBe(20)
    expect((await service.health()).status).toBe('degraded')
    await mintBatch('away-other', 3, other)

    redis = await startRedis(redis.port)
    await eventually(async () => (await service.health()).parts.store === 'ok', 10_000, 'store ok again')
    await eventually(async () => (await other.health()).parts.store === 'ok', 10_000, 'other store ok again')
    expect(await quotaUsed()).toBe(23)

    // Redis itself holds the whole count again (what other instances read).
    const direct = new Redis(redis.url)
    const day = shanghaiDay(Date.now())
    const [counter, floor] = await direct.mget(`navi:quota:${SANDBOX_APP.appId}:day:${day}`, `navi:quota:${SANDBOX_APP.appId}:day:${day}:floor`)
    await direct.quit()
    expect(Number(counter ?? 0) + Number(floor ?? 0)).toBe(23)

    await mintBatch('after', 5)
    expect(await quotaUsed()).toBe(28)
    expect(metricValue(await other.metrics(), 'navi_quota_used')).toBe(28)
    expect(emulator.control.counters().calls.generatescheme).toBe(28)
  })
})
