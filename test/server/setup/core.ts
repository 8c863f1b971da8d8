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
