/**
 * WeChat's limits as the emulator enforces them: the per-second generation
 * rate counted on ARRIVAL in a sliding 1-s window, and daily quotas that reset
 * at midnight Asia/Shanghai. Plus the counters tests read.
 */

const WINDOW_MS = 1000
/** Arrival times kept for counters(): enough for any test, bounded for a long-running sandbox. */
const MAX_ARRIVALS_KEPT = 100_000
const SHANGHAI_OFFSET_MS = 8 * 3600_000

/**
 * At most `limit` admitted calls in any 1-s window (t-1000, t]. A call over
 * the limit is refused (44990) and does not take a slot, so a caller that
 * waits out the window gets through again.
 */
export class ArrivalWindow {
  private readonly admitted: number[] = []

  constructor(private readonly limit: number) {}

  admit(now: number): boolean {
    while (this.admitted.length > 0 && this.admitted[0] <= now - WINDOW_MS) this.admitted.shift()
    if (this.admitted.length >= this.limit) return false
    this.admitted.push(now)
    return true
  }
}

/**
 * The most instants in any half-open window [t, t + widthMs): how WeChat would
 * count a list of arrivals against its per-second limit. Tests and the server
 * benchmark read the emulator's arrival times through this.
 */
export function peakInWindow(times: readonly number[], widthMs = WINDOW_MS): number {
  const sorted = [...times].sort((a, b) => a - b)
  let peak = 0
  let start = 0
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= widthMs) start++
    peak = Math.max(peak, end - start + 1)
  }
  return peak
}

/** The calendar day in Asia/Shanghai (UTC+8, no DST), e.g. '2026-11-23'. */
export function shanghaiDay(now: number): string {
  return new Date(now + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** Which daily budget a call draws on. */
export type QuotaKind = 'links' | 'shortlinks' | 'queries'

/** One app's daily budget of one kind; `used` restarts with each Shanghai day. */
export class DailyQuota {
  private day = ''
  private used = 0

  constructor(private readonly limit: number) {}

  remaining(now: number): number {
    this.roll(now)
    return Math.max(0, this.limit - this.used)
  }

  /** Takes one unit; false when the day's budget is spent. */
  take(now: number): boolean {
    if (this.remaining(now) <= 0) return false
    this.used++
    return true
  }

  setRemaining(remaining: number, now: number): void {
    this.roll(now)
    this.used = this.limit - remaining
  }

  private roll(now: number): void {
    const today = shanghaiDay(now)
    if (today !== this.day) {
      this.day = today
      this.used = 0
    }
  }
}

export interface EmulatorCounters {
  /** Calls per API name (every call that reached the emulator, faulted ones included). */
  calls: Record<string, number>
  /** Answers per errcode ('0' for success); dropped connections are not answers. */
  errcodes: Record<string, number>
  /** stable_token calls that handed out a token. */
  tokenFetches: number
  /** Arrival times (epoch ms, the emulator clock) of generation calls, in order (the latest 100,000). */
  generationArrivals: number[]
  /** The most generation calls that arrived in any 1-s window. */
  maxGenerationCallsPerSecond: number
  /** Generation calls refused with 44990. */
  rateLimited: number
  /** Links handed out. */
  linksMinted: number
  /** Connections destroyed by the drop fault. */
  dropped: number
}

export class Counters {
  private state = Counters.empty()
  private readonly recentArrivals: number[] = []

  static empty(): EmulatorCounters {
    return {
      calls: {},
      errcodes: {},
      tokenFetches: 0,
      generationArrivals: [],
      maxGenerationCallsPerSecond: 0,
      rateLimited: 0,
      linksMinted: 0,
      dropped: 0,
    }
  }

  call(api: string): void {
    this.state.calls[api] = (this.state.calls[api] ?? 0) + 1
  }

  answer(errcode: number): void {
    this.state.errcodes[errcode] = (this.state.errcodes[errcode] ?? 0) + 1
    if (errcode === 44990) this.state.rateLimited++
  }

  generationArrived(now: number): void {
    const arrivals = this.state.generationArrivals
    arrivals.push(now)
    if (arrivals.length > MAX_ARRIVALS_KEPT) arrivals.splice(0, arrivals.length - MAX_ARRIVALS_KEPT / 2)
    this.recentArrivals.push(now)
    while (this.recentArrivals[0] <= now - WINDOW_MS) this.recentArrivals.shift()
    this.state.maxGenerationCallsPerSecond = Math.max(this.state.maxGenerationCallsPerSecond, this.recentArrivals.length)
  }

  tokenFetched(): void {
    this.state.tokenFetches++
  }

  minted(): void {
    this.state.linksMinted++
  }

  dropped(): void {
    this.state.dropped++
  }

  /** A copy: later calls do not change what a test already read. */
  snapshot(): EmulatorCounters {
    return structuredClone(this.state)
  }

  reset(): void {
    this.state = Counters.empty()
    this.recentArrivals.length = 0
  }
}
