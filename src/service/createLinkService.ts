/**
 * The link service core: validates a LinkRequest, answers it from the link
 * cache, or mints it upstream — one call per link across concurrent misses
 * and instances, within WeChat's rate as WeChat counts it, inside the daily
 * quota — and falls back to the plaintext scheme when the quota is gone.
 */
import { randomUUID } from 'node:crypto'
import { linkExpiry, linkKey, LinkCache, DEFAULT_EXPIRE_DAYS, served, type CachedLink, type ServedLink } from '../links/cache'
import { CoreMetrics } from '../links/metrics'
import { isPlaintextPath, plaintextScheme } from '../links/plaintext'
import { msUntilShanghaiMidnight, Quota, type Release } from '../links/quota'
import { SingleFlight } from '../links/singleflight'
import { Throttle } from '../links/throttle'
import { appendCq, appMismatch, validateLinkRequest } from '../links/validate'
import { MemoryStore } from '../stores/memory'
import { RedisStore } from '../stores/redis'
import type { Store } from '../stores/store'
import { isErrcode, sleep, WechatClient } from '../wechat/client'
import { TRANSIENT_DOWN_MS, type SharedCredential } from '../wechat/credential'
import { QUOTA_SPENT } from '../wechat/errcodes'
import { createJsapiTicket, createNonce, jssdkSignature } from '../wechat/jssdk'
import { createAccessToken, withAccessToken } from '../wechat/token'
import {
  ServiceError,
  type HealthReport,
  type JssdkConfig,
  type LinkRequest,
  type LinkResult,
  type LinkService,
  type PartHealth,
  type ServiceConfig,
} from './types'

/** What the core logs (pino's Logger fits). */
export interface ServiceLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface LinkServiceDeps {
  /** Default: Redis when config.redisUrl is set, else memory. */
  store?: Store
  now?: () => number
  logger?: ServiceLogger
}

/** Attempts per link before a 44990 or -1 reaches the caller as a 503. */
const RATE_LIMIT_ATTEMPTS = 6
const BUSY_ATTEMPTS = 3
/** Other instances wait this long for the one minting a link before trying themselves. */
const MINT_LOCK_MS = 30_000
const MINT_WAIT_MS = 45_000

const silent: ServiceLogger = { info: () => undefined, warn: () => undefined, error: () => undefined }

/** WeChat's quota answer to a call sent before Beijing midnight and answered after it: about a day that is over. */
class DayTurned extends Error {
  constructor(readonly cause: unknown) {
    super('quota answer from the day before')
  }
}

export async function createLinkService(config: ServiceConfig, deps: LinkServiceDeps = {}): Promise<LinkService> {
  const now = deps.now ?? Date.now
  const logger = deps.logger ?? silent
  let store = deps.store
  const ownsStore = !store
  if (!store) {
    if (config.redisUrl) {
      const redis = new RedisStore({ url: config.redisUrl, prefix: config.redisPrefix, logger, instances: config.instances })
      await redis.connect()
      store = redis
    } else {
      store = new MemoryStore({ now })
    }
  }
  const shared: Store = store

  const metrics = new CoreMetrics()
  const upstream = createUpstreamHealth(now)
  const client = new WechatClient({
    apiBase: config.wechat.apiBase,
    timeoutMs: config.wechat.timeoutMs,
    onCall: (api, outcome) => {
      metrics.upstreamCall(api, outcome)
      upstream.record(outcome)
    },
  })
  const appId = config.wechat.appId
  const token = createAccessToken({
    client,
    appId,
    secret: config.wechat.secret,
    store: shared,
    now,
    timeoutMs: config.wechat.timeoutMs,
    onFetch: (outcome) => metrics.tokenFetch(outcome),
  })
  let jsapiTicket: SharedCredential | null = null
  if (config.officialAccount) {
    const oaToken = createAccessToken({
      client,
      appId: config.officialAccount.appId,
      secret: config.officialAccount.secret,
      store: shared,
      now,
      timeoutMs: config.wechat.timeoutMs,
      onFetch: (outcome) => metrics.tokenFetch(outcome),
    })
    jsapiTicket = createJsapiTicket({
      client,
      token: oaToken,
      appId: config.officialAccount.appId,
      store: shared,
      now,
      timeoutMs: config.wechat.timeoutMs,
    })
  }

  const cache = new LinkCache(shared, config.cacheMarginSeconds * 1000, now)
  const quota = new Quota({
    store: shared,
    appId,
    dailyQuota: config.dailyQuota,
    permanentCap: config.permanentShortLinkCap,
    now,
    logger,
  })
  const throttle = new Throttle({
    store: shared,
    limit: Math.min(100, Math.max(1, config.ratePerSecond)),
    maxQueue: config.maxQueue,
    // A slot whose holder died frees itself after the longest a call can take, plus WeChat's window.
    leaseMs: config.wechat.timeoutMs + 2000,
    key: `throttle:${appId}`,
  })
  const misses = new SingleFlight<ServedLink>()

  /** One upstream generation call per attempt, each holding a throttle slot; 44990 and -1 retried. */
  async function throttled(call: () => Promise<string>): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const slot = await throttle.acquire({ retry: attempt > 1 })
      let failure: unknown
      try {
        return await call()
      } catch (error) {
        failure = error
      } finally {
        await slot.release()
      }
      if (isErrcode(failure, 44990) && attempt < RATE_LIMIT_ATTEMPTS) {
        // WeChat's window is full: wait it out (the slot above is also held for that second).
        await sleep(1000)
        continue
      }
      if (isErrcode(failure, -1) && attempt < BUSY_ATTEMPTS) {
        await sleep(200 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2))
        continue
      }
      throw failure
    }
  }

  /** One link from WeChat. Throws DayTurned for a quota answer that concerns the day before. */
  async function generate(request: LinkRequest): Promise<CachedLink> {
    const mintedAt = now()
    let sentAt = mintedAt
    let url: string
    try {
      url = await withAccessToken(token, (accessToken) =>
        throttled(() => {
          // A quota answer is about the day the call leaves, which may not be the day it comes back.
          sentAt = now()
          const expireDays = request.expireDays ?? DEFAULT_EXPIRE_DAYS
          const body = { path: request.path, query: request.query, envVersion: request.envVersion, expireDays }
          if (request.kind === 'scheme') return client.generateScheme(accessToken, body)
          if (request.kind === 'urllink') return client.generateUrlLink(accessToken, body)
          return client.generateShortLink(accessToken, {
            pageUrl: request.query ? `${request.path}?${request.query}` : request.path,
            pageTitle: request.pageTitle,
            isPermanent: request.isPermanent === true,
          })
        }),
      )
    } catch (error) {
      // WeChat's count of permanent links is the one that holds (links minted before this service, or elsewhere).
      if (request.kind === 'shortlink' && request.isPermanent && isErrcode(error, 85400)) await quota.markPermanentSpent()
      if (!isErrcode(error, ...QUOTA_SPENT)) throw error
      const marked = request.kind === 'shortlink' ? quota.markShortLinksSpent(sentAt) : quota.markDailySpent(sentAt)
      if (await marked) throw request.kind === 'shortlink' ? quotaExhausted(error.errcode, 'shortlink') : error
      // Sent before midnight, answered after: the spent quota was yesterday's, and today's is fresh.
      throw new DayTurned(error)
    }
    return { url, expiresAt: linkExpiry(request, mintedAt), mintedAt }
  }

  /** A cache miss, minted once across this process (single-flight) and every instance (store lock). */
  async function mintOnce(key: string, request: LinkRequest): Promise<{ link: ServedLink; cached: boolean }> {
    let minted = false
    const link = await misses.run(key, async () => {
      const owner = randomUUID()
      const deadline = now() + MINT_WAIT_MS
      for (;;) {
        const found = await cache.get(key)
        if (found) return found
        if (await shared.acquireLock(`${key}:lock`, owner, MINT_LOCK_MS)) {
          try {
            const again = await cache.get(key)
            if (again) return again
            const fresh = served(await generateCounted(request))
            minted = true
            await cache.set(key, fresh)
            return fresh
          } finally {
            await shared.releaseLock(`${key}:lock`, owner).catch(() => false)
          }
        }
        if (now() > deadline) {
          throw new ServiceError('upstream-timeout', 503, 'Another instance is still minting this link; retry shortly.', 2)
        }
        await sleep(50)
      }
    })
    return { link, cached: !minted }
  }

  /**
   * generate(), counted against the day's quota (or the permanent cap) before the call leaves. A failed
   * call gives its count back; best effort, as a timed-out call may have been counted by WeChat after all.
   * A quota answer about the day before earns one more try, counted on the new day.
   */
  async function generateCounted(request: LinkRequest): Promise<CachedLink> {
    for (let attempt = 1; ; attempt++) {
      const release = await reserveQuota(request)
      try {
        return await generate(request)
      } catch (error) {
        await release?.().catch(() => undefined)
        if (!(error instanceof DayTurned)) throw error
        if (attempt > 1) throw error.cause
      }
    }
  }

  /** Counts the link about to be minted against its quota (given back if the call fails); throws when none is left. */
  async function reserveQuota(request: LinkRequest): Promise<Release | undefined> {
    if (request.kind === 'shortlink') {
      if (await quota.shortLinksSpent()) throw quotaExhausted(undefined, 'shortlink')
      if (!request.isPermanent) return undefined
      const release = await quota.reservePermanent()
      if (!release) {
        throw new ServiceError(
          'permanent-cap-reached',
          503,
          `The cap of ${config.permanentShortLinkCap} permanent Short Links is reached; mint temporary ones instead.`,
        )
      }
      return release
    }
    const release = await quota.reserveDaily()
    if (!release) throw quotaExhausted()
    return release
  }

  /**
   * 503 until midnight in Beijing. Short Links have a daily limit of their own (permanent ones included), apart from
   * the schemes and URL Links, which a plaintext scheme may stand in for.
   */
  function quotaExhausted(errcode?: number, kind: LinkRequest['kind'] = 'scheme'): ServiceError {
    const message =
      kind === 'shortlink'
        ? "Today's WeChat Short Link limit is reached; Short Links can be minted again after midnight Beijing time."
        : "Today's WeChat link quota is spent; links can be minted again after midnight Beijing time " +
          '(declare the page for plaintext schemes and list it in NAVI_PLAINTEXT_PATHS to get a plaintext link meanwhile).'
    return new ServiceError('quota-exhausted', 503, message, Math.ceil(msUntilShanghaiMidnight(now()) / 1000), errcode)
  }

  function plaintextFallback(request: LinkRequest): LinkResult | null {
    if (request.kind === 'shortlink' || !isPlaintextPath(request.path, config.plaintextPaths)) return null
    const url = plaintextScheme(appId, request)
    if (!url) return null
    metrics.answered(request.kind, 'plaintext')
    return { url, expiresAt: null, cached: false, fallback: 'plaintext', sandbox: config.sandbox }
  }

  const service: LinkService = {
    appId,
    async mint(raw) {
      const request = validateLinkRequest(raw)
      if (request.appId !== undefined && request.appId !== appId) throw appMismatch(appId, request.appId, config.sandbox)
      const key = linkKey(appId, request)
      const hit = await cache.get(key)
      metrics.cacheLookup(!!hit)
      let result: { link: ServedLink; cached: boolean }
      if (hit) {
        result = { link: hit, cached: true }
      } else {
        try {
          result = await mintOnce(key, request)
        } catch (error) {
          const spentUpstream = isErrcode(error, ...QUOTA_SPENT)
          const spentHere = error instanceof ServiceError && error.code === 'quota-exhausted'
          if (request.kind === 'shortlink' || !(spentUpstream || spentHere)) throw error
          const fallback = plaintextFallback(request)
          if (fallback) return fallback
          throw spentUpstream ? quotaExhausted(error.errcode) : error
        }
      }
      metrics.answered(request.kind, result.cached ? 'cache' : 'upstream')
      const { link, cached } = result
      return {
        url: request.cq !== undefined ? appendCq(link.url, request.cq) : link.url,
        expiresAt: link.expiresAtIso,
        cached,
        sandbox: config.sandbox,
      }
    },

    async jssdkConfig(pageUrl): Promise<JssdkConfig> {
      if (!jsapiTicket || !config.officialAccount) {
        throw new ServiceError(
          'jssdk-not-configured',
          501,
          'JS-SDK config needs a service account: set WECHAT_OA_APPID and WECHAT_OA_SECRET.',
        )
      }
      if (!/^https?:\/\/[^\s#]+/.test(pageUrl)) {
        throw new ServiceError('invalid', 400, 'url must be the page URL (http or https), as location.href.split("#")[0] gives it.')
      }
      const ticket = await jsapiTicket.get()
      const timestamp = Math.floor(now() / 1000)
      const nonceStr = createNonce()
      const signature = jssdkSignature({ jsapiTicket: ticket, nonceStr, timestamp, url: pageUrl })
      return { appId: config.officialAccount.appId, timestamp, nonceStr, signature, sandbox: config.sandbox }
    },

    async health(): Promise<HealthReport> {
      const parts: Record<string, PartHealth> = {
        token: token.health(),
        store: shared.health(),
        upstream: upstream.health(),
      }
      const values = Object.values(parts)
      return {
        status: values.every((part) => part === 'ok') ? 'ok' : 'degraded',
        sandbox: config.sandbox,
        parts,
      }
    },

    async metrics(): Promise<string> {
      const [quotaUsed, permanentUsed] = await Promise.all([quota.usedToday(), quota.permanentUsed()])
      return metrics.exposition({
        quotaUsed,
        quotaLimit: config.dailyQuota,
        permanentUsed,
        queueDepth: throttle.depth,
      })
    },

    async close() {
      throttle.close()
      if (ownsStore) await shared.close()
    },
  }
  return service
}

/**
 * Upstream health from the last calls: any answer is 'ok'; no answers or -1 lately 'degraded'; many in a row 'down',
 * for TRANSIENT_DOWN_MS after the last one, then 'degraded' until WeChat answers again.
 */
function createUpstreamHealth(now: () => number): { record(outcome: number | string): void; health(): PartHealth } {
  let failuresInARow = 0
  let lastFailureAt = -Infinity
  return {
    record(outcome) {
      if (outcome === 'timeout' || outcome === 'network' || outcome === -1) {
        failuresInARow++
        lastFailureAt = now()
      } else {
        failuresInARow = 0
      }
    },
    health() {
      const since = now() - lastFailureAt
      if (failuresInARow >= 5) return since < TRANSIENT_DOWN_MS ? 'down' : 'degraded'
      return since < 30_000 ? 'degraded' : 'ok'
    },
  }
}
