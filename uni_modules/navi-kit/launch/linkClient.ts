/**
 * The client side of the link service (src/): mints URL Schemes / URL Links
 * and keeps each one in memory until shortly before it expires, so a page
 * that opens the same mini program again makes no request (a plaintext
 * fallback is not kept). Per-user data
 * (`cq`) is sent along: the service appends it to its cached link, or folds it
 * into the query when it answers a plaintext scheme (daily quota exhausted).
 */
import { LaunchError } from '../errors'
import type { EnvVersion } from '../links'
import { seam, type RequestFn } from '../platform'
import { EXPIRY_MARGIN_MS, SERVICE_TIMEOUT_MS } from './limits'

export interface LinkRequest {
  /** The WeChat mini program to open: the service refuses any but its own (WECHAT_APPID). */
  appId?: string
  /** Page path, no leading '/', no query; none: the mini program's home page. */
  path?: string
  /** Query string within WeChat's character set. */
  query?: string
  envVersion?: EnvVersion
  /** Per-user data for the link's `cq`, within WeChat's character set, ≤ 256. */
  cq?: string
}

export interface MintedLink {
  url: string
  /** ISO time the link stops working; null when it never does. */
  expiresAt: string | null
  cached?: boolean
  sandbox?: boolean
  /** 'plaintext' when the service's daily quota ran out and it answered a plaintext scheme. */
  fallback?: 'plaintext'
}

export interface JssdkConfig {
  appId: string
  timestamp: number
  nonceStr: string
  signature: string
}

export interface LinkClient {
  mint(kind: 'scheme' | 'urllink', request: LinkRequest): Promise<MintedLink>
  /** The service's H5 transit page, which opens the scheme itself (Android). */
  transitPageUrl(request: LinkRequest): string
}

export { EXPIRY_MARGIN_MS, SERVICE_TIMEOUT_MS } from './limits'

interface ErrorBody {
  error?: { code?: string; message?: string }
}

/** A request and its answer's body, or a rejection once SERVICE_TIMEOUT_MS have passed without them. */
function requestWithin(url: string, init: Parameters<RequestFn>[1]): Promise<{ status: number; answer: unknown }> {
  const { request, setTimeout, clearTimeout } = seam()
  return new Promise((resolve, reject) => {
    // fetch has no timeout of its own: a stalled mobile network would leave the tap, and every later tap sharing
    // its cached request, waiting for good.
    const timer = setTimeout(() => reject(new Error(`no answer within ${SERVICE_TIMEOUT_MS / 1000} s`)), SERVICE_TIMEOUT_MS)
    request(url, init)
      .then(async (response) => ({ status: response.status, answer: await response.json().catch(() => undefined) }))
      .then(resolve, reject)
      .finally(() => clearTimeout(timer))
  })
}

/** One JSON call to the link service (a POST when there is a body), whose answer holds `expects`; its `{ error }` answers become LaunchError 'link-service'. */
async function callService<T>(base: string, path: string, body: unknown, expects: string): Promise<T> {
  let status: number
  let answer: unknown
  try {
    // GET goes without content-type, so the browser needs no CORS preflight for it.
    const init = body
      ? { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : { method: 'GET' as const }
    ;({ status, answer } = await requestWithin(base + path, init))
  } catch (e) {
    // A browser hides why a cross-origin call failed: a refused CORS answer looks like no answer.
    throw new LaunchError(
      'link-service',
      `${base}: ${(e as Error).message} (is the service running, and is this page's origin in its NAVI_ALLOWED_ORIGINS?)`,
    )
  }
  // A 2xx answer without what the service always sends (a gateway's own JSON, a wrong base URL) is not its answer.
  const ok = status >= 200 && status < 300
  if (ok && typeof (answer as Record<string, unknown> | undefined)?.[expects] === 'string') return answer as T
  const error = (answer as ErrorBody | undefined)?.error
  if (ok || !error?.code) {
    // Not the link service's own answer: a proxy's error page, or linkService pointing somewhere else.
    const missing = ok ? `a ${expects}` : 'a link-service error'
    throw new LaunchError('link-service', `${base}${path} answered HTTP ${status} without ${missing}: is linkService the service's base URL?`, { status })
  }
  throw new LaunchError('link-service', `${status} ${error.code}: ${error.message}`, { status, errMsg: error.code })
}

/**
 * What the service mints for `kind`: an encrypted or plaintext `weixin://dl/business/?…` scheme, or for a URL Link an
 * https link (or that plaintext fallback). The launcher hands the url to location.href, so any other string in a 2xx
 * answer (a `javascript:` URL, a captive portal's login page, another API's `url`) is not the service's answer: before,
 * it was opened as it came, reported as the route asked for.
 */
function checkLink(kind: 'scheme' | 'urllink', minted: MintedLink, base: string): MintedLink {
  const url = minted.url
  const wechatLink = url.startsWith('weixin://dl/business/?') || (kind === 'urllink' && url.startsWith('https://'))
  // Links come percent-encoded, quotes included (encodeLinkPart): none holds a space, a quote or markup.
  if (wechatLink && !/[\s"'<>\\]/.test(url)) return minted
  throw new LaunchError('link-service', `${base}/v1/wechat/${kind} answered a url that is not a WeChat link (${url.slice(0, 60)}): is linkService the service's base URL?`, { status: 200 })
}

/** The JS-SDK signature for `pageUrl` (without its #hash), for the WeChat open tag. */
export const fetchJssdkConfig = (baseUrl: string, pageUrl: string): Promise<JssdkConfig> =>
  callService(baseUrl.replace(/\/+$/, ''), `/v1/wechat/jssdk-config?url=${encodeURIComponent(pageUrl)}`, undefined, 'signature')

/**
 * A client for the link service at `baseUrl`. Browsers are let in by their
 * Origin (NAVI_ALLOWED_ORIGINS); API keys belong on servers, not in pages.
 */
export function createLinkClient(baseUrl: string): LinkClient {
  const base = baseUrl.replace(/\/+$/, '')
  const cache = new Map<string, { link: Promise<MintedLink>; until: number }>()

  return {
    mint(kind, request) {
      const key = JSON.stringify([kind, request.appId, request.path, request.query, request.envVersion, request.cq])
      const hit = cache.get(key)
      if (hit && Date.now() < hit.until) return hit.link
      const link = callService<MintedLink>(base, `/v1/wechat/${kind}`, request, 'url').then((minted) => checkLink(kind, minted, base))
      // Concurrent callers share one request; a link is kept until it nears expiry.
      const entry = { link, until: Infinity }
      cache.set(key, entry)
      link.then(
        (minted) => {
          // A plaintext fallback stands in only while the service's daily quota is spent
          // (expiresAt null): the next launch asks again, so the page gets a real link once it is back.
          if (minted.fallback) cache.delete(key)
          else if (minted.expiresAt !== null) entry.until = Date.parse(minted.expiresAt) - EXPIRY_MARGIN_MS
        },
        () => cache.delete(key),
      )
      return link
    },
    transitPageUrl: (request) =>
      `${base}/go/wechat?` +
      Object.entries({ appid: request.appId, path: request.path, query: request.query, env: request.envVersion, cq: request.cq })
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
        .join('&'),
  }
}

const clients = new Map<string, LinkClient>()

/** One client (and so one cache) per base URL. */
export function linkClientFor(service: string | LinkClient): LinkClient {
  if (typeof service !== 'string') return service
  let client = clients.get(service)
  if (!client) clients.set(service, (client = createLinkClient(service)))
  return client
}
