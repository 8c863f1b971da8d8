/**
 * The client side of the link service (src/): mints URL Schemes / URL Links
 * and keeps each one in memory until shortly before it expires, so a page
 * that opens the same mini program again makes no request. Per-user data
 * rides in `cq`, outside the cache key.
 */
import { LaunchError } from '../errors'
import type { EnvVersion } from '../links'
import { seam } from '../platform'

export interface LinkRequest {
  /** Page path, no leading '/', no query. */
  path: string
  /** Query string within WeChat's character set. */
  query?: string
  envVersion?: EnvVersion
}

export interface MintedLink {
  url: string
  /** ISO time the link stops working; null when it never does. */
  expiresAt: string | null
  cached?: boolean
  sandbox?: boolean
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
  transitPageUrl(request: LinkRequest, cq?: string): string
  jssdkConfig(pageUrl: string): Promise<JssdkConfig>
}

/** A cached link is not handed out during its last minute. */
export const EXPIRY_MARGIN_MS = 60_000

interface ErrorBody {
  error?: { code?: string; message?: string }
}

export function createLinkClient(baseUrl: string, options: { apiKey?: string } = {}): LinkClient {
  const base = baseUrl.replace(/\/+$/, '')
  const cache = new Map<string, { link: Promise<MintedLink>; until: number }>()
  const auth: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let status: number
    let answer: unknown
    try {
      // GET goes without content-type, so the browser needs no CORS preflight for it.
      const init = body
        ? { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : { method, headers: auth }
      const response = await seam().request(base + path, init)
      status = response.status
      answer = await response.json().catch(() => undefined)
    } catch (e) {
      throw new LaunchError('link-service', `Could not reach the link service at ${base}: ${(e as Error).message}`)
    }
    if (status >= 200 && status < 300 && answer) return answer as T
    const error = (answer as ErrorBody | undefined)?.error ?? {}
    throw new LaunchError(
      'link-service',
      `The link service answered ${status} ${error.code ?? ''}: ${error.message ?? 'no details'}`,
      { status, errMsg: error.code },
    )
  }

  return {
    mint(kind, request) {
      const key = JSON.stringify([kind, request.path, request.query, request.envVersion])
      const hit = cache.get(key)
      if (hit && Date.now() < hit.until) return hit.link
      const link = call<MintedLink>('POST', `/v1/wechat/${kind}`, request)
      // Concurrent callers share one request; a link is kept until it nears expiry.
      cache.set(key, { link, until: Infinity })
      link.then(
        (minted) => {
          const expires = minted.expiresAt === null ? Infinity : Date.parse(minted.expiresAt)
          cache.set(key, { link, until: expires - EXPIRY_MARGIN_MS })
        },
        () => cache.delete(key),
      )
      return link
    },
    transitPageUrl(request, cq) {
      const params = [`path=${encodeURIComponent(request.path)}`]
      if (request.query) params.push(`query=${encodeURIComponent(request.query)}`)
      if (request.envVersion) params.push(`env=${request.envVersion}`)
      if (cq) params.push(`cq=${encodeURIComponent(cq)}`)
      return `${base}/go/wechat?${params.join('&')}`
    },
    jssdkConfig: (pageUrl) => call<JssdkConfig>('GET', `/v1/wechat/jssdk-config?url=${encodeURIComponent(pageUrl)}`),
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
