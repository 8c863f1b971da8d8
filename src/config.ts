/**
 * Environment → configuration for the link service (core + HTTP layer).
 *
 * Every variable is read once, validated, and turned into typed settings; a bad
 * value stops start-up with a `ConfigError` that names the variable and says
 * how to fix it, instead of failing later on the first request.
 */
import { isIP } from 'node:net'
import type { ServiceConfig } from './service/types'
import { PAGE_PATH } from '../uni_modules/navi-kit/links'

export type Env = Readonly<Record<string, string | undefined>>

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly code = 'config'
  constructor(
    /** The environment variable that is wrong. */
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
  }
}

export interface HttpSettings {
  port: number
  host: string
  /** Bearer keys accepted from server-side callers. */
  apiKeys: string[]
  /** Browser origins (scheme://host[:port]) that may call without a key. */
  allowedOrigins: string[]
  /** Sandbox without NAVI_ALLOWED_ORIGINS: any http://127.0.0.1:*, http://localhost:* origin is allowed. */
  allowLoopbackOrigins: boolean
  /** Mini-program paths that may be minted; null: any path. An entry ending in `/*` allows a folder. */
  allowedPaths: string[] | null
  /** Per browser caller (origin + IP, or IP on the transit page). */
  rateLimit: { max: number; windowSeconds: number }
  /** The public base URL (behind a proxy), used to sign the JS-SDK config of the transit page. */
  publicUrl?: string
  /** The mini program's original id (gh_…), the `username` of `<wx-open-launch-weapp>`. */
  originalId?: string
  /**
   * Which X-Forwarded-* writers to believe: false (none, the socket's address is the client), a number of
   * proxy hops in front of the service, or the proxies' addresses / CIDRs (and proxy-addr's names
   * loopback, linklocal, uniquelocal).
   */
  trustProxy: false | number | string[]
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
}

export interface AppConfig {
  sandbox: boolean
  /** SANDBOX only: the mini program the emulator mints for (NAVI_SANDBOX_APPID), so a page's own target matches. */
  sandboxAppId?: string
  service: ServiceConfig
  http: HttpSettings
}

/** A WeChat mini program's AppID: wx and 16 letters or digits (the HTTP schema and the core check it too). */
export const WECHAT_APPID = /^wx[0-9A-Za-z]{16}$/

export const DEFAULT_API_BASE = 'https://api.weixin.qq.com'

/**
 * Mini-program page path, the plugin's rule (links.ts): names of letters, digits and _ - . joined by single '/'. The
 * request schemas (http/schemas.ts) use the same source.
 */
export const PAGE_PATH_PATTERN = PAGE_PATH
export const PAGE_PATH_SOURCE = PAGE_PATH.source
/** The characters a page path may hold at all (the rest of PAGE_PATH_PATTERN is about segments). */
export const PAGE_PATH_CHARS = /^[A-Za-z0-9_\-./]*$/

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Empty strings count as unset: `FOO=` in a .env file means "not configured". */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

function list(env: Env, name: string): string[] {
  const value = read(env, name)
  if (!value) return []
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `'${raw}' is not a whole number; use ${min}–${max}.`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(name, `${value} is out of range; use ${min}–${max}.`)
  return value
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase()
  if (raw === undefined) return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true
  if (['0', 'false', 'no', 'off'].includes(raw)) return false
  throw new ConfigError(name, `'${raw}' is not a boolean; use true or false.`)
}

/**
 * A URL-ish value as an error message may quote it: everything before the last '@' (userinfo, i.e. a
 * user and password) is replaced, however malformed the value — config errors go to the terminal and
 * to log collectors. Over-trimming an '@' in a path costs only some context in the message.
 */
function shown(raw: string): string {
  const at = raw.lastIndexOf('@')
  if (at < 0) return raw
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw)?.[0] ?? ''
  return `${scheme}…@${raw.slice(at + 1)}`
}

const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])
const MAX_PROXY_HOPS = 10

/**
 * NAVI_TRUST_PROXY. 'true' trusts proxies on this host or a private network (loopback, link-local,
 * unique-local / RFC 1918 peers), not every hop: trusting every hop would make the client's address the
 * leftmost X-Forwarded-For entry, which the client writes itself, and dodge every rate limit; and a
 * client that reaches the service directly from a public address is not taken for a proxy.
 */
function trustProxy(env: Env, name: string): HttpSettings['trustProxy'] {
  const raw = read(env, name)
  if (raw === undefined) return false
  const word = raw.toLowerCase()
  if (['0', 'false', 'no', 'off'].includes(word)) return false
  if (['true', 'yes', 'on'].includes(word)) return [...TRUST_PROXY_NAMES]
  const usage = `use false, true (proxies on loopback or a private network), a number of proxy hops (1–${MAX_PROXY_HOPS}) or a comma list of the proxies' addresses or CIDRs, e.g. 10.0.0.0/8,127.0.0.1.`
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw)
    if (hops > MAX_PROXY_HOPS) throw new ConfigError(name, `${hops} proxy hops is out of range; ${usage}`)
    return hops
  }
  return list(env, name).map((entry) => {
    if (TRUST_PROXY_NAMES.has(entry)) return entry
    const [address = '', prefix, ...rest] = entry.split('/')
    const version = isIP(address)
    const bits = version === 4 ? 32 : 128
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits)
    if (!version || !prefixOk || rest.length) {
      throw new ConfigError(name, `'${entry}' is not a number of proxy hops, an IP address or a CIDR; ${usage}`)
    }
    return entry
  })
}

function httpUrl(name: string, raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(name, `'${shown(raw)}' is not a URL; write e.g. https://example.com.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, `'${shown(raw)}' must use http or https.`)
  }
  return url
}

/** Hosts whose http origins are fine anywhere: only this machine can serve them. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

function origins(env: Env, name: string, sandbox: boolean): string[] {
  return list(env, name).map((entry) => {
    if (entry === '*') {
      throw new ConfigError(name, "'*' would let every website mint links with your quota; list the origins instead.")
    }
    // Origins are compared literally, so a pattern such as https://*.example.com would never match anything.
    if (entry.includes('*')) {
      throw new ConfigError(
        name,
        `'${shown(entry)}': wildcards are not supported (origins are matched exactly); list each origin, e.g. https://m.example.com,https://www.example.com.`,
      )
    }
    const url = httpUrl(name, entry)
    // An origin has no path: 'https://a.com/' is accepted as 'https://a.com', 'https://a.com/x' is a mistake.
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) {
      throw new ConfigError(name, `'${shown(entry)}' is not an origin; write scheme://host[:port] without a path or user.`)
    }
    // Anyone on the network path can rewrite a page served over plain http and mint with this quota.
    if (!sandbox && url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      throw new ConfigError(
        name,
        `'${url.origin}' is plain http, and any script injected into a page served over http could mint links with your quota; ` +
          `serve the page over https and set https://${url.host} (http is accepted only for localhost, 127.0.0.1 and [::1], or in SANDBOX).`,
      )
    }
    return url.origin
  })
}

function paths(env: Env, name: string): string[] {
  return list(env, name).map((entry) => {
    const folder = entry.endsWith('/*') ? entry.slice(0, -2) : entry
    if (!PAGE_PATH_PATTERN.test(folder)) {
      if (!entry.startsWith('/') && PAGE_PATH_CHARS.test(folder)) {
        throw new ConfigError(name, `'${entry}' has a '.', '..' or empty segment; write the page path itself, e.g. pages/goods/detail or pages/goods/*.`)
      }
      const hint = entry.startsWith('/') ? " without the leading '/'" : ''
      throw new ConfigError(name, `'${entry}' is not a mini-program page path; write e.g. pages/index/index${hint}.`)
    }
    return entry
  })
}

function pair(env: Env, idName: string, secretName: string): { appId: string; secret: string } | undefined {
  const appId = read(env, idName)
  const secret = read(env, secretName)
  if (!appId && !secret) return undefined
  if (!appId) throw new ConfigError(idName, `is missing while ${secretName} is set; set both or neither.`)
  if (!secret) throw new ConfigError(secretName, `is missing while ${idName} is set; set both or neither.`)
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(appId)) {
    throw new ConfigError(idName, "does not look like an appid (letters, digits, '_' or '-', e.g. wx0123456789abcdef).")
  }
  if (/\s/.test(secret)) throw new ConfigError(secretName, 'contains whitespace; paste the secret exactly.')
  return { appId, secret }
}

/**
 * Reads the configuration. Without WECHAT_APPID/WECHAT_SECRET the service runs
 * in SANDBOX mode: `service.wechat` is left for the caller to point at the
 * built-in emulator (see server.ts).
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const miniProgram = pair(env, 'WECHAT_APPID', 'WECHAT_SECRET')
  const officialAccount = pair(env, 'WECHAT_OA_APPID', 'WECHAT_OA_SECRET')
  const sandbox = !miniProgram

  const apiBaseRaw = read(env, 'WECHAT_API_BASE') ?? DEFAULT_API_BASE
  const apiBase = httpUrl('WECHAT_API_BASE', apiBaseRaw).toString().replace(/\/$/, '')

  const redisUrl = read(env, 'NAVI_REDIS_URL')
  if (redisUrl && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new ConfigError('NAVI_REDIS_URL', `must start with redis:// or rediss:// (got '${shown(redisUrl).slice(0, 40)}').`)
  }

  const apiKeys = list(env, 'NAVI_API_KEYS')
  for (const key of apiKeys) {
    if (key.length < 16) {
      throw new ConfigError('NAVI_API_KEYS', 'every key must be at least 16 characters; generate one with `openssl rand -hex 24`.')
    }
  }
  const allowedOrigins = origins(env, 'NAVI_ALLOWED_ORIGINS', sandbox)
  if (!sandbox && apiKeys.length === 0 && allowedOrigins.length === 0) {
    throw new ConfigError(
      'NAVI_API_KEYS',
      'no caller could use the service: set NAVI_API_KEYS (server callers) and/or NAVI_ALLOWED_ORIGINS (web pages).',
    )
  }
  const allowedPathsList = paths(env, 'NAVI_ALLOWED_PATHS')

  const publicUrlRaw = read(env, 'NAVI_PUBLIC_URL')
  const publicUrl = publicUrlRaw ? httpUrl('NAVI_PUBLIC_URL', publicUrlRaw).toString().replace(/\/$/, '') : undefined

  const originalId = read(env, 'WECHAT_ORIGINAL_ID')
  if (originalId && !/^gh_[0-9a-f]{6,32}$/i.test(originalId)) {
    throw new ConfigError('WECHAT_ORIGINAL_ID', "must be the mini program's original id, e.g. gh_0123456789ab.")
  }

  const logLevel = (read(env, 'NAVI_LOG_LEVEL') ?? 'info').toLowerCase()
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('NAVI_LOG_LEVEL', `'${logLevel}' is not a level; use one of ${LOG_LEVELS.join(', ')}.`)
  }

  const service: ServiceConfig = {
    wechat: {
      appId: miniProgram?.appId ?? '',
      secret: miniProgram?.secret ?? '',
      apiBase,
      timeoutMs: integer(env, 'WECHAT_TIMEOUT_MS', 5000, 100, 60_000),
    },
    officialAccount,
    redisUrl,
    plaintextPaths: paths(env, 'NAVI_PLAINTEXT_PATHS'),
    ratePerSecond: integer(env, 'NAVI_UPSTREAM_RATE', 100, 1, 100),
    instances: integer(env, 'NAVI_INSTANCES', 1, 1, 1000),
    maxQueue: integer(env, 'NAVI_MAX_QUEUE', 1000, 0, 1_000_000),
    dailyQuota: integer(env, 'NAVI_DAILY_QUOTA', 500_000, 1, 500_000),
    permanentShortLinkCap: integer(env, 'NAVI_PERMANENT_SHORTLINK_CAP', 100_000, 0, 100_000),
    cacheMarginSeconds: integer(env, 'NAVI_CACHE_MARGIN_SECONDS', 86_400, 0, 15 * 86_400),
    sandbox,
  }

  const http: HttpSettings = {
    port: integer(env, 'PORT', 8787, 0, 65_535),
    host: read(env, 'HOST') ?? '127.0.0.1',
    apiKeys,
    allowedOrigins,
    allowLoopbackOrigins: sandbox && allowedOrigins.length === 0,
    allowedPaths: allowedPathsList.length ? allowedPathsList : null,
    rateLimit: {
      max: integer(env, 'NAVI_RATE_LIMIT_MAX', 60, 1, 1_000_000),
      windowSeconds: integer(env, 'NAVI_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    },
    publicUrl,
    originalId,
    trustProxy: trustProxy(env, 'NAVI_TRUST_PROXY'),
    logLevel: logLevel as HttpSettings['logLevel'],
  }

  const sandboxAppId = read(env, 'NAVI_SANDBOX_APPID')
  if (sandboxAppId !== undefined) {
    if (!sandbox) {
      throw new ConfigError('NAVI_SANDBOX_APPID', 'applies in SANDBOX only; with WECHAT_APPID/WECHAT_SECRET set, WECHAT_APPID names the mini program.')
    }
    if (!WECHAT_APPID.test(sandboxAppId)) {
      throw new ConfigError('NAVI_SANDBOX_APPID', `must be a WeChat AppID: wx and 16 letters or digits (got '${shown(sandboxAppId).slice(0, 40)}').`)
    }
  }

  return { sandbox, sandboxAppId, service, http }
}

/** True when `path` may be minted under the allow-list (`null`: everything). */
export function isPathAllowed(path: string | undefined, allowedPaths: readonly string[] | null): boolean {
  // The home page (no path) is what anyone opening the mini program sees: never held back.
  if (!allowedPaths || !path) return true
  return allowedPaths.some((entry) =>
    entry.endsWith('/*') ? path.startsWith(entry.slice(0, -1)) : entry === path,
  )
}
