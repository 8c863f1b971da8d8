/**
 * WeChat OpenAPI client: one HTTP request per call, JSON in and out, a
 * timeout on each (AbortSignal.timeout), and errors with stable codes:
 * `WechatApiError` for an errcode WeChat answered, `ServiceError`
 * 'upstream-timeout' / 'upstream-unavailable' (503) when no answer came.
 *
 * Retrying is left to the callers, because a retried link-generation call
 * must take a throttle slot again (`withBackoff` below is the shared policy).
 */
import { ServiceError, type EnvVersion } from '../service/types'
import { describeErrcode, type ErrcodeInfo } from './errcodes'

export type WechatApi =
  | 'stable_token'
  | 'generatescheme'
  | 'generate_urllink'
  | 'genwxashortlink'
  | 'queryscheme'
  | 'query_urllink'
  | 'getticket'

/** WeChat answered with a non-zero errcode. */
export class WechatApiError extends ServiceError {
  readonly info: ErrcodeInfo
  constructor(
    readonly api: WechatApi,
    errcode: number,
    readonly errmsg: string,
  ) {
    const info = describeErrcode(errcode, errmsg)
    super(info.code, info.status, info.message, info.retryable ? 2 : undefined, errcode)
    this.info = info
  }
}

export interface WechatClientOptions {
  apiBase: string
  timeoutMs: number
  /** Called once per HTTP call with its outcome: 0, an errcode, 'timeout' or 'network'. */
  onCall?: (api: WechatApi, outcome: number | 'timeout' | 'network') => void
}

export interface StableToken {
  access_token: string
  expires_in: number
}

export interface ExpirySpec {
  /** 1–30 days; sent as expire_type 1 + expire_interval. */
  expireDays: number
}

export interface SchemeBody extends ExpirySpec {
  path: string
  query?: string
  envVersion?: EnvVersion
}

export interface ShortLinkBody {
  pageUrl: string
  pageTitle?: string
  isPermanent: boolean
}

type Json = Record<string, unknown>

export class WechatClient {
  private readonly base: string

  constructor(private readonly options: WechatClientOptions) {
    this.base = options.apiBase.replace(/\/+$/, '')
  }

  /** POST /cgi-bin/stable_token in normal mode (force_refresh false: never invalidates a token others use). */
  async stableToken(appId: string, secret: string): Promise<StableToken> {
    const json = await this.request('stable_token', 'POST', '/cgi-bin/stable_token', {
      body: { grant_type: 'client_credential', appid: appId, secret, force_refresh: false },
    })
    if (typeof json.access_token !== 'string' || typeof json.expires_in !== 'number') {
      throw malformed('stable_token')
    }
    return { access_token: json.access_token, expires_in: json.expires_in }
  }

  async generateScheme(token: string, body: SchemeBody): Promise<string> {
    const jumpWxa: Json = { path: body.path, query: body.query ?? '' }
    if (body.envVersion) jumpWxa.env_version = body.envVersion
    const json = await this.request('generatescheme', 'POST', '/wxa/generatescheme', {
      token,
      body: { jump_wxa: jumpWxa, is_expire: true, expire_type: 1, expire_interval: body.expireDays },
    })
    return stringField(json, 'openlink', 'generatescheme')
  }

  async generateUrlLink(token: string, body: SchemeBody): Promise<string> {
    const request: Json = {
      path: body.path,
      query: body.query ?? '',
      is_expire: true,
      expire_type: 1,
      expire_interval: body.expireDays,
    }
    if (body.envVersion) request.env_version = body.envVersion
    const json = await this.request('generate_urllink', 'POST', '/wxa/generate_urllink', { token, body: request })
    return stringField(json, 'url_link', 'generate_urllink')
  }

  async generateShortLink(token: string, body: ShortLinkBody): Promise<string> {
    const request: Json = { page_url: body.pageUrl, is_permanent: body.isPermanent }
    if (body.pageTitle) request.page_title = body.pageTitle
    const json = await this.request('genwxashortlink', 'POST', '/wxa/genwxashortlink', { token, body: request })
    return stringField(json, 'link', 'genwxashortlink')
  }

  /** POST /wxa/queryscheme: what WeChat knows about an encrypted scheme. */
  async queryScheme(token: string, scheme: string): Promise<Json> {
    return this.request('queryscheme', 'POST', '/wxa/queryscheme', { token, body: { scheme } })
  }

  /** POST /wxa/query_urllink: what WeChat knows about a URL Link. */
  async queryUrlLink(token: string, urlLink: string): Promise<Json> {
    return this.request('query_urllink', 'POST', '/wxa/query_urllink', { token, body: { url_link: urlLink } })
  }

  /** GET /cgi-bin/ticket/getticket?type=jsapi (service-account token). */
  async jsapiTicket(token: string): Promise<{ ticket: string; expires_in: number }> {
    const json = await this.request('getticket', 'GET', '/cgi-bin/ticket/getticket', { token, query: { type: 'jsapi' } })
    if (typeof json.ticket !== 'string' || typeof json.expires_in !== 'number') throw malformed('getticket')
    return { ticket: json.ticket, expires_in: json.expires_in }
  }

  private async request(
    api: WechatApi,
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; query?: Record<string, string>; body?: Json },
  ): Promise<Json> {
    const url = new URL(this.base + path)
    if (options.token) url.searchParams.set('access_token', options.token)
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value)
    let response: Response
    let text: string
    try {
      response = await fetch(url, {
        method,
        headers: options.body ? { 'content-type': 'application/json' } : undefined,
        body: options.body ? JSON.stringify(options.body) : undefined,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      })
      text = await response.text()
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      this.options.onCall?.(api, timedOut ? 'timeout' : 'network')
      throw timedOut
        ? new ServiceError('upstream-timeout', 503, `WeChat did not answer ${api} within ${this.options.timeoutMs} ms; retry shortly.`, 2)
        : new ServiceError('upstream-unavailable', 503, `WeChat could not be reached for ${api}; retry shortly.`, 2)
    }
    let json: Json
    try {
      json = JSON.parse(text) as Json
    } catch {
      this.options.onCall?.(api, 'network')
      throw malformed(api, response.status)
    }
    const errcode = typeof json.errcode === 'number' ? json.errcode : 0
    this.options.onCall?.(api, errcode)
    if (errcode !== 0) throw new WechatApiError(api, errcode, typeof json.errmsg === 'string' ? json.errmsg : '')
    return json
  }
}

function malformed(api: WechatApi, status?: number): ServiceError {
  return new ServiceError(
    'upstream-unavailable',
    503,
    `WeChat answered ${api} with something that is not the documented JSON${status ? ` (HTTP ${status})` : ''}; retry shortly.`,
    2,
  )
}

function stringField(json: Json, field: string, api: WechatApi): string {
  const value = json[field]
  if (typeof value !== 'string' || !value) throw malformed(api)
  return value
}

export interface BackoffOptions {
  attempts: number
  baseMs: number
  /** Which failures to try again (default: errcode -1). */
  retryOn?: (error: unknown) => boolean
  sleep?: (ms: number) => Promise<void>
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export const isErrcode = (error: unknown, ...codes: number[]): error is WechatApiError =>
  error instanceof WechatApiError && codes.includes(error.errcode ?? 0)

/** Runs `call` up to `attempts` times, waiting baseMs, 2×baseMs, … (with jitter) between tries of a retryable failure. */
export async function withBackoff<T>(call: (attempt: number) => Promise<T>, options: BackoffOptions): Promise<T> {
  const retryOn = options.retryOn ?? ((error: unknown) => isErrcode(error, -1))
  const wait = options.sleep ?? sleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt)
    } catch (error) {
      if (attempt >= options.attempts || !retryOn(error)) throw error
      const delay = options.baseMs * 2 ** (attempt - 1)
      await wait(delay / 2 + Math.random() * (delay / 2))
    }
  }
}
