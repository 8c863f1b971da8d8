/**
 * Simulated platforms for the launcher's unit tests: a scriptable `uni`,
 * `plus`, a link service answering through the seam's request function, and
 * a clock driven by hand through the seam's setTimeout.
 */
import { vi } from 'vitest'
import { setPlatformSeam } from '../../../uni_modules/navi-kit/platform'
import type {
  PlatformSeam,
  PlusApi,
  PlusShareService,
  RequestFn,
  UniApi,
  UniCallbackResult,
  UniCallOptions,
} from '../../../uni_modules/navi-kit/platform'

/** How a fake uni API answers: success, or fail with this errMsg. */
export type Answer = { ok: true } | { ok: false; errMsg: string }

export interface FakeUni extends UniApi {
  calls: { api: string; options: Record<string, unknown> }[]
  answers: Record<string, Answer>
}

/** A uni whose callback APIs answer as `answers` says (default: success). */
export function fakeUni(options: { embedded?: boolean } = {}): FakeUni {
  const calls: FakeUni['calls'] = []
  const answers: Record<string, Answer> = {}
  const api =
    (name: string) =>
    (o: UniCallOptions): void => {
      const { success, fail, complete, ...rest } = o
      calls.push({ api: name, options: rest })
      const answer = answers[name] ?? { ok: true }
      const result: UniCallbackResult = { errMsg: answer.ok ? `${name}:ok` : answer.errMsg }
      // Callbacks come later, as on the real platforms.
      queueMicrotask(() => {
        if (answer.ok) success?.(result)
        else fail?.(result)
        complete?.(result)
      })
    }
  return {
    calls,
    answers,
    navigateTo: api('navigateTo'),
    redirectTo: api('redirectTo'),
    switchTab: api('switchTab'),
    reLaunch: api('reLaunch'),
    navigateBack: api('navigateBack'),
    addInterceptor: vi.fn(),
    removeInterceptor: vi.fn(),
    navigateToMiniProgram: api('navigateToMiniProgram'),
    navigateBackMiniProgram: api('navigateBackMiniProgram'),
    openEmbeddedMiniProgram: options.embedded ? api('openEmbeddedMiniProgram') : undefined,
  }
}

/** A clock the test advances; the code under test schedules through the seam. */
export class FakeClock {
  now = 0
  private timers: { at: number; fn: () => void }[] = []

  setTimeout = (fn: () => void, ms: number): unknown => {
    const timer = { at: this.now + ms, fn }
    this.timers.push(timer)
    return timer
  }

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((timer) => timer !== handle)
  }

  get pending(): number {
    return this.timers.length
  }

  /** Runs every timer due within `ms`, in order, letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms
    await flush()
    for (;;) {
      const next = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0]
      if (!next) break
      this.timers = this.timers.filter((timer) => timer !== next)
      this.now = next.at
      next.fn()
      await flush()
    }
    this.now = end
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

export interface FakeService {
  request: RequestFn
  calls: { url: string; method: string; headers?: Record<string, string>; body?: unknown }[]
  /** The next answers, in order; when empty, a fresh scheme valid for a day. */
  answers: { status: number; body: unknown }[]
  /** Pending answers wait until release() when true. */
  hold: boolean
  release(): void
}

let ticket = 0
export function fakeLinkService(): FakeService {
  const waiting: (() => void)[] = []
  const service: FakeService = {
    calls: [],
    answers: [],
    hold: false,
    release: () => waiting.splice(0).forEach((go) => go()),
    request: async (url, init) => {
      service.calls.push({ url, method: init.method, headers: init.headers, body: init.body && JSON.parse(init.body) })
      if (service.hold) await new Promise<void>((resolve) => waiting.push(resolve))
      const kind = url.includes('/urllink') ? 'urllink' : 'scheme'
      // Like the real service: a fresh ticket, the caller's cq appended (&cq= on a scheme, ?cq= on a URL Link).
      const cq = init.body && (JSON.parse(init.body) as { cq?: string }).cq
      const cqPart = cq ? `${kind === 'urllink' ? '?' : '&'}cq=${encodeURIComponent(cq)}` : ''
      const answer = service.answers.shift() ?? {
        status: 200,
        body: {
          url: (kind === 'urllink' ? `https://wxaurl.cn/T${++ticket}` : `weixin://dl/business/?t=T${++ticket}`) + cqPart,
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          cached: false,
          sandbox: true,
        },
      }
      return { status: answer.status, json: async () => answer.body }
    },
  }
  return service
}

/** A plus whose share service list and launch answer are scriptable. */
export interface FakePlus extends PlusApi {
  launches: { id: string; path?: string; type?: number }[]
  openedUrls: string[]
  services: PlusShareService[]
  launchError?: { code?: number; message?: string }
  servicesError?: { code?: number; message?: string }
  openUrlError?: { code?: number; message?: string }
}

export function fakePlus(): FakePlus {
  const plus: FakePlus = {
    launches: [],
    openedUrls: [],
    services: [],
    share: {
      getServices: (success, error) =>
        queueMicrotask(() => (plus.servicesError ? error?.(plus.servicesError) : success(plus.services))),
    },
    runtime: {
      openURL: (url, error) => {
        plus.openedUrls.push(url)
        if (plus.openUrlError) queueMicrotask(() => error?.(plus.openUrlError!))
      },
    },
  }
  plus.services = [
    { id: 'qq', launchMiniProgram: () => {} },
    {
      id: 'weixin',
      nativeClient: true,
      launchMiniProgram: (options, success, error) => {
        plus.launches.push(options)
        queueMicrotask(() => (plus.launchError ? error?.(plus.launchError) : success?.()))
      },
    },
  ]
  return plus
}

/** Installs seam parts for one test; returns the restore function. */
export function useSeam(parts: Partial<PlatformSeam>): () => void {
  return setPlatformSeam(parts)
}
