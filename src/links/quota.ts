/**
 * WeChat's generation quotas, counted where every instance sees them:
 * - the daily total of URL Schemes + URL Links (500,000), per Asia/Shanghai
 *   day (UTC+8, no daylight saving), warned about at 80 %;
 * - permanent Short Links (100,000 in all).
 * WeChat saying the quota is spent (44993, 45009, 85406) marks the day spent
 * too, so the next requests fall back without asking again.
 * WeChat counts both per mini program, so every key carries the AppID: mini
 * programs sharing one Redis must not spend each other's quota.
 */
import type { Store } from '../stores/store'

const DAY_MS = 86_400_000
const SHANGHAI_OFFSET_MS = 8 * 3_600_000

/** The Asia/Shanghai calendar day of `at`, e.g. 2026-11-23. */
export function shanghaiDay(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** Milliseconds from `at` to the next midnight in Asia/Shanghai. */
export function msUntilShanghaiMidnight(at: number): number {
  return DAY_MS - ((at + SHANGHAI_OFFSET_MS) % DAY_MS)
}

export interface QuotaOptions {
  store: Store
  /** The mini program whose quota this is. */
  appId: string
  dailyQuota: number
  permanentCap: number
  now: () => number
  logger?: { warn(obj: object, msg?: string): void }
  warnAt?: number
}

export class Quota {
  private warnedDay = ''

  constructor(private readonly options: QuotaOptions) {}

  private dayKey(): string {
    return `quota:${this.options.appId}:day:${shanghaiDay(this.options.now())}`
  }

  private get permanentKey(): string {
    return `quota:${this.options.appId}:permanent`
  }

  /** Links generated today (Asia/Shanghai). */
  usedToday(): Promise<number> {
    return this.options.store.getCount(this.dayKey())
  }

  permanentUsed(): Promise<number> {
    return this.options.store.getCount(this.permanentKey)
  }

  async dailyExhausted(): Promise<boolean> {
    if ((await this.options.store.get(`${this.dayKey()}:spent`)) !== null) return true
    return (await this.usedToday()) >= this.options.dailyQuota
  }

  async permanentExhausted(): Promise<boolean> {
    return (await this.permanentUsed()) >= this.options.permanentCap
  }

  /**
   * WeChat said the quota is gone: believe it until midnight. The answer is about
   * the day the call was sent (`sentAt`); one that arrives after midnight says
   * nothing about the new day, so it marks nothing. Says whether it marked.
   */
  async markDailySpent(sentAt: number): Promise<boolean> {
    const at = this.options.now()
    if (shanghaiDay(sentAt) !== shanghaiDay(at)) return false
    await this.options.store.set(`${this.dayKey()}:spent`, '1', msUntilShanghaiMidnight(at))
    return true
  }

  /** Counts one generated scheme / URL Link. */
  async recordDaily(): Promise<void> {
    // Kept two days: long enough to outlive the day it counts, whatever the store's clock.
    const used = await this.options.store.addCount(this.dayKey(), 1, 2 * DAY_MS)
    const day = shanghaiDay(this.options.now())
    const warnAt = this.options.warnAt ?? 0.8
    if (used >= this.options.dailyQuota * warnAt && this.warnedDay !== day) {
      this.warnedDay = day
      this.options.logger?.warn(
        { used, dailyQuota: this.options.dailyQuota },
        `${Math.round((used / this.options.dailyQuota) * 100)}% of today's link quota is used; plaintext fallback or 503 follow when it runs out`,
      )
    }
  }

  /** Counts one permanent Short Link (they never expire, so neither does the count). */
  async recordPermanent(): Promise<void> {
    await this.options.store.addCount(this.permanentKey, 1, 100 * 365 * DAY_MS)
  }
}
