/**
 * Helpers for the core's integration tests: a ServiceConfig pointing at the
 * project's WeChat emulator (src/emulator, the one emulation of WeChat's API),
 * and small readers over the emulator's control counters.
 */
import type { ServiceConfig } from '../../../src/service/types'

export function coreConfig(
  apiBase: string,
  app: { appId: string; secret: string },
  overrides: Partial<ServiceConfig> = {},
): ServiceConfig {
  return {
    wechat: { appId: app.appId, secret: app.secret, apiBase, timeoutMs: 5000 },
    plaintextPaths: [],
    ratePerSecond: 100,
    maxQueue: 1000,
    dailyQuota: 500_000,
    permanentShortLinkCap: 100_000,
    cacheMarginSeconds: 86_400,
    sandbox: false,
    ...overrides,
  }
}

/** Largest number of instants in any half-open window [t, t + widthMs). */
export function maxInWindow(times: readonly number[], widthMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  let start = 0
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= widthMs) start++
    best = Math.max(best, end - start + 1)
  }
  return best
}

/** The value of one sample line in a Prometheus text exposition (0 when absent). */
export function metricValue(text: string, sample: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(sample + ' '))
  return line ? Number(line.slice(sample.length + 1)) : 0
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
