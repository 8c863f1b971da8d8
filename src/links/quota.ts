/**
 * WeChat's generation quotas, counted where every instance sees them:
 * - the daily total of URL Schemes + URL Links (500,000), per Asia/Shanghai
 *   day (UTC+8, no daylight saving), warned about at 80 %;
 * - permanent Short Links (100,000 in all).
 * WeChat saying the quota is spent (44993, 45009, 85406) marks the day spent
 * too, so the next requests fall back without asking again. Short Links have
 * a daily limit of their own (WeChat counts it, this service does not), and
 * WeChat's 85400 marks the permanent cap reached: links never counted here
 * (minted before this service ran, or by another system) may have filled it.
 * A link is counted when its call is about to leave (a reservation), and given
 * back if the call fails: counting only after success let every request queued
 * behind the throttle pass the check at once.
 * WeChat counts both per mini program, so every key carries the AppID: mini
 * programs sharing one Redis must not spend each other's quota.
 */
import type { Store } from '../stores/store'

const DAY_MS = 86_400_000
const SHANGHAI_OFFSET_MS = 8 * 3_600_000
/** Permanent links never expire, so neither does what is known of their cap. */
const PERMANENT_TTL_MS = 100 * 365 * DAY_MS
/** The key of the mark that WeChat said `key`'s quota is spent. */
const spentKey = (key: string) => `${key}:spent`

/** The Asia/Shanghai calendar day of `at`, e.g. 2026-11-23. */
export function shanghaiDay(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** Milliseconds from `at` to the next midnight in Asia/Shanghai. */
export function msUntilShanghaiMidnight(at: number): number {
  return DAY_MS - ((at + SHANGHAI_OFFSET_MS) % DAY_MS)
}

/** Gives a reserved link back when its call failed (best effort: a timed-out call may have been counted by WeChat). */
export type Release = () => Promise<void>

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

  /**
   * WeChat said the quota is gone: believe it until midnight. The answer is about
   * the day the call was sent (`sentAt`); one that arrives after midnight says
   * nothing about the new day, so it marks nothing. Says whether it marked.
   */
  markDailySpent(sentAt: number): Promise<boolean> {
    return this.markSpentToday(spentKey(this.dayKey()), sentAt)
  }

  /** WeChat said today's Short Links are spent (45009): believe it until midnight, as markDailySpent does. */
  markShortLinksSpent(sentAt: number): Promise<boolean> {
    return this.markSpentToday(this.shortLinksSpentKey(), sentAt)
  }

  shortLinksSpent(): Promise<boolean> {
    return this.marked(this.shortLinksSpentKey())
  }

  private shortLinksSpentKey(): string {
    return spentKey(`quota:${this.options.appId}:shortlinks:${shanghaiDay(this.options.now())}`)
  }

  /** WeChat said the permanent cap is reached (85400): it never comes back. */
  async markPermanentSpent(): Promise<void> {
    await this.options.store.set(spentKey(this.permanentKey), '1', PERMANENT_TTL_MS)
  }

  /** Marks `key` (a spent mark of today's) until midnight, unless the answer came from a call sent the day before. */
  private async markSpentToday(key: string, sentAt: number): Promise<boolean> {
    const at = this.options.now()
    if (shanghaiDay(sentAt) !== shanghaiDay(at)) return false
    await this.options.store.set(key, '1', msUntilShanghaiMidnight(at))
    return true
  }

  private async marked(key: string): Promise<boolean> {
    return (await this.options.store.get(key)) !== null
  }

  /**
   * Takes one of today's schemes / URL Links for a call about to be made;
   * undefined when the day is spent (by count, or WeChat said so).
   */
  async reserveDaily(): Promise<Release | undefined> {
    const key = this.dayKey()
    if (await this.marked(spentKey(key))) return undefined
    // Kept two days: long enough to outlive the day it counts, whatever the store's clock.
    const taken = await this.reserve(key, this.options.dailyQuota, 2 * DAY_MS)
    if (!taken) return undefined
    const used = taken.used
    const day = shanghaiDay(this.options.now())
    const warnAt = this.options.warnAt ?? 0.8
    if (used >= this.options.dailyQuota * warnAt && this.warnedDay !== day) {
      this.warnedDay = day
      this.options.logger?.warn(
        { used, dailyQuota: this.options.dailyQuota },
        `${Math.round((used / this.options.dailyQuota) * 100)}% of today's link quota is used; plaintext fallback or 503 follow when it runs out`,
      )
    }
    return taken.release
  }

  /** Takes one permanent Short Link (they never expire, so neither does the count); undefined at the cap. */
  async reservePermanent(): Promise<Release | undefined> {
    if (await this.marked(spentKey(this.permanentKey))) return undefined
    return (await this.reserve(this.permanentKey, this.options.permanentCap, PERMANENT_TTL_MS))?.release
  }

  /** One more on `key`, unless that passes `limit` (then it is given back at once). */
  private async reserve(key: string, limit: number, ttlMs: number): Promise<{ used: number; release: Release } | undefined> {
    const release: Release = async () => {
      await this.options.store.addCount(key, -1, ttlMs)
    }
    const used = await this.options.store.addCount(key, 1, ttlMs)
    if (used <= limit) return { used, release }
    await release()
    return undefined
  }
}
