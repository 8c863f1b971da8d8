/**
 * The contract between the link service's core (WeChat client, token, cache,
 * throttle, quota, stores) and its HTTP layer. The HTTP layer validates and
 * authenticates; the core mints. Both sides code against these types.
 */

export type LinkKind = 'scheme' | 'urllink' | 'shortlink'
export type EnvVersion = 'release' | 'trial' | 'develop'

export interface LinkRequest {
  kind: LinkKind
  /**
   * The mini program the caller means to open. The service mints for its own
   * (WECHAT_APPID) only: another one is refused, not silently swapped.
   */
  appId?: string
  /** Mini-program page path, no leading '/', no query. */
  path: string
  /** Query string within WeChat's character set, ≤ 1024. */
  query?: string
  envVersion?: EnvVersion
  /** 1–30; default 30. Not used by shortlink. */
  expireDays?: number
  /** Per-user data appended to the (cached) link as `cq`, ≤ 256. Not part of the cache key. */
  cq?: string
  /** shortlink only. */
  pageTitle?: string
  /** shortlink only; permanent links count against the 100,000 cap. */
  isPermanent?: boolean
}

export interface LinkResult {
  url: string
  /** ISO time the link stops working; null for permanent short links. */
  expiresAt: string | null
  cached: boolean
  /** Set when the daily quota was exhausted and the plaintext scheme was answered instead. */
  fallback?: 'plaintext'
  sandbox: boolean
}

export interface JssdkConfig {
  appId: string
  timestamp: number
  nonceStr: string
  signature: string
  sandbox: boolean
}

export type PartHealth = 'ok' | 'degraded' | 'down'
export interface HealthReport {
  status: 'ok' | 'degraded'
  sandbox: boolean
  parts: Record<string, PartHealth>
}

/** A failure the HTTP layer turns into `{ error: { code, message } }` with `status`. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError'
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
    /** The WeChat errcode behind it, when there is one. */
    readonly errcode?: number,
  ) {
    super(message)
  }
}

export interface ServiceConfig {
  wechat: {
    appId: string
    secret: string
    /** e.g. https://api.weixin.qq.com, or the emulator's URL. */
    apiBase: string
    timeoutMs: number
  }
  /** Service account for the JS-SDK; absent disables /jssdk-config. */
  officialAccount?: { appId: string; secret: string }
  /** Absent: memory store. */
  redisUrl?: string
  /** Namespace of every Redis key (default 'navi:'). */
  redisPrefix?: string
  /** Paths that may fall back to the plaintext scheme when the quota is gone. */
  plaintextPaths: string[]
  /** Upstream generation calls per second, ≤ 100. */
  ratePerSecond: number
  /**
   * How many instances share redisUrl (default 1). While Redis is away each
   * throttles alone, so each keeps to ratePerSecond / instances meanwhile.
   */
  instances?: number
  /** Requests that may wait for a throttle slot before 503. */
  maxQueue: number
  dailyQuota: number
  permanentShortLinkCap: number
  /** Cached links are served until this long before they expire. */
  cacheMarginSeconds: number
  sandbox: boolean
}

export interface LinkService {
  /** The mini program (WECHAT_APPID) whose links this service mints. */
  readonly appId: string
  mint(request: LinkRequest): Promise<LinkResult>
  jssdkConfig(pageUrl: string): Promise<JssdkConfig>
  health(): Promise<HealthReport>
  /** Prometheus text exposition. */
  metrics(): Promise<string>
  close(): Promise<void>
}
