import { describe, expect, it } from 'vitest'
import { msUntilShanghaiMidnight, Quota, shanghaiDay } from '../../src/links/quota'
import { MemoryStore } from '../../src/stores/memory'

describe('quota day (Asia/Shanghai, UTC+8)', () => {
  it('turns over at 16:00 UTC', () => {
    expect(shanghaiDay(Date.parse('2026-11-22T15:59:59Z'))).toBe('2026-11-22')
    expect(shanghaiDay(Date.parse('2026-11-22T16:00:00Z'))).toBe('2026-11-23')
    expect(msUntilShanghaiMidnight(Date.parse('2026-11-22T15:00:00Z'))).toBe(3_600_000)
  })
})

describe('Quota', () => {
  function setup(dailyQuota = 10) {
    let now = Date.parse('2026-11-22T10:00:00Z')
    const warnings: object[] = []
    const store = new MemoryStore({ now: () => now })
    const quota = new Quota({
      store,
      appId: 'wxsandbox000000001',
      dailyQuota,
      permanentCap: 2,
      now: () => now,
      logger: { warn: (obj) => warnings.push(obj) },
    })
    return { quota, warnings, now: () => now, advance: (ms: number) => (now += ms) }
  }

  it('counts reserved links per day, refuses past the quota, and takes back what is given back', async () => {
    const { quota } = setup(3)
    const taken = await Promise.all([1, 2, 3, 4, 5].map(() => quota.reserveDaily()))
    expect(taken.filter(Boolean)).toHaveLength(3)
    expect(await quota.usedToday()).toBe(3)
    await taken[0]?.()
    expect(await quota.usedToday()).toBe(2)
    expect(await quota.reserveDaily()).toBeTypeOf('function')
    expect(await quota.reserveDaily()).toBeUndefined()
  })

  it('warns once a day when 80% is used', async () => {
    const { quota, warnings } = setup(10)
    for (let i = 0; i < 7; i++) await quota.reserveDaily()
    expect(warnings).toHaveLength(0)
    await quota.reserveDaily()
    await quota.reserveDaily()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ used: 8, dailyQuota: 10 })
  })

  it('starts a new count after midnight in Beijing, and forgets a day WeChat declared spent', async () => {
    const { quota, now, advance } = setup(10)
    await quota.reserveDaily()
    await quota.markDailySpent(now())
    expect(await quota.reserveDaily()).toBeUndefined()
    advance(6 * 3_600_000 + 1) // 16:00:00.001 UTC = 00:00 the next day in Shanghai
    expect(await quota.usedToday()).toBe(0)
    expect(await quota.reserveDaily()).toBeTypeOf('function')
  })

  it('caps permanent short links for good', async () => {
    const { quota, advance } = setup()
    await quota.reservePermanent()
    await quota.reservePermanent()
    advance(3 * 86_400_000)
    expect(await quota.reservePermanent()).toBeUndefined()
    expect(await quota.permanentUsed()).toBe(2)
  })
})
