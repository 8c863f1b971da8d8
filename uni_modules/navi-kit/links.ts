/**
 * Pure builders for the links that open a mini program from outside it.
 * No platform access: the link service (src/) reuses them as they are.
 *
 * Encodings follow WeChat's and Alipay's worked examples:
 *   weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=mall/order/list&query=index%3D2
 *   https://ds.alipay.com/?scheme=alipays%3A%2F%2F…%26query%3Dkey1%253Dvalue1%2526key2%253Dvalue2
 */
import { LaunchError } from './errors'

export type EnvVersion = 'release' | 'trial' | 'develop'
/** A query as an object (serialised `k=v&…`, each part percent-encoded; undefined members left out) or a ready string. */
export type LinkQuery = string | Record<string, string | number | boolean | undefined>

export interface WeixinSchemeInput {
  /** The mini program's AppID, `wx` + 16 characters. */
  appId: string
  /** A page declared for plaintext schemes; a leading '/' is dropped, no query. */
  path: string
  query?: LinkQuery
  envVersion?: EnvVersion
}

export interface AlipaySchemeInput {
  /** The Alipay mini program's 16-digit AppID. */
  appId: string
  /** As in app.json; page parameters after '?' must already be encoded (`a%3D1%26b%3D2`). */
  page?: string
  query?: LinkQuery
}

// WeChat's character set for `query` and `cq`: digits, letters and !#$&'()*+,/:;=?@-._~%
const WEIXIN_CHARS = "0-9A-Za-z!#$&'()*+,/:;=?@._~%-"
const WEIXIN_QUERY = new RegExp(`^[${WEIXIN_CHARS}]*$`)

/**
 * encodeURIComponent, whose URIError on a lone surrogate (text cut inside an emoji, `text.slice(0, n)`) becomes
 * LaunchError 'invalid' naming `field`.
 */
export function encode(text: string, field = 'query'): string {
  try {
    return encodeURIComponent(text)
  } catch {
    throw invalid(field, 'holds half an emoji (a lone surrogate): cut text by characters, e.g. Array.from(text).slice(0, n)')
  }
}

/**
 * encodeURIComponent, plus ! ' ( ) * as %XX (it leaves them, though they are in
 * WeChat's set): a link's query and cq then hold no quote or parenthesis, so the
 * link passes the transit page's URL checks and fits any HTML or script context.
 * WeChat decodes %27 back to ' like every other escape.
 */
export function encodeLinkPart(text: string): string {
  return encode(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** LaunchError 'invalid' naming the field and the rule it broke. */
export const invalid = (field: string, rule: string): LaunchError => new LaunchError('invalid', `${field} ${rule}`)

/** The members of an object query that are there: an undefined one is left out, as JSON.stringify and the router leave it. */
const presentKeys = (query: Record<string, unknown>): string[] => Object.keys(query).filter((key) => query[key] !== undefined)

/** An object as `k=v&…` with each key and value percent-encoded; a string as it is. `field` names it in errors. */
export function serializeQuery(query: LinkQuery, field = 'query'): string {
  return typeof query === 'string'
    ? query
    : presentKeys(query)
        .map((key) => `${encode(key, field)}=${encode(String(query[key]), field)}`)
        .join('&')
}

/**
 * `query` as WeChat wants it in the link-minting APIs: an object becomes
 * `k=v&…` with each key and value percent-encoded; a string must already be
 * within WeChat's character set. Either way at most `limit` characters.
 */
export function formatWeixinQuery(query: LinkQuery, limit: number, field = 'query'): string {
  const text = serializeQuery(query, field)
  if (!WEIXIN_QUERY.test(text)) throw invalid(field, `may contain only ${WEIXIN_CHARS} (or pass an object)`)
  if (text.length > limit) throw invalid(field, `is ${text.length} long, max ${limit}`)
  return text
}

/** Checks an envVersion and returns it, or undefined for release/absent. */
export function checkEnvVersion(envVersion: string | undefined): EnvVersion | undefined {
  if (envVersion === 'trial' || envVersion === 'develop') return envVersion
  if (envVersion && envVersion !== 'release') throw invalid('envVersion', 'must be release, trial or develop')
}

/**
 * A page path: names of letters, digits and _ - . joined by single '/' — no leading '/', no query, no '.', '..' or
 * empty segment (`pages/ok/../secret/x` would pass the link service's folder entry `pages/ok/*` and reach WeChat as
 * another page), at most 256 characters. The link service checks requests and its config by these same two.
 */
export const PAGE_PATH = /^(?!\.\.?(?:\/|$))[\w.-]+(?:\/(?!\.\.?(?:\/|$))[\w.-]+)*$/
export const PAGE_PATH_MAX = 256

/** A mini-program page path without its leading '/'; a query in it is refused. */
export function normalizePagePath(path: string, field = 'path'): string {
  const trimmed = path.replace(/^\/+/, '')
  if (trimmed.includes('?')) throw invalid(field, 'must not carry a query')
  if (!PAGE_PATH.test(trimmed) || trimmed.length > PAGE_PATH_MAX) {
    throw invalid(field, `must be a page path like pages/a/a: names of letters, digits and _ - . joined by single '/', at most ${PAGE_PATH_MAX} characters`)
  }
  return trimmed
}

/**
 * The plaintext URL Scheme (no API call; the page must be declared under
 * MP 后台 → 设置 → 隐私与安全 → 明文 Scheme 拉起此小程序).
 */
/** A WeChat mini program's AppID: `wx` and 16 letters or digits. */
export function checkWeixinAppId(appId: string): string {
  if (!/^wx[0-9a-zA-Z]{16}$/.test(appId)) throw invalid('appId', 'must be wx + 16 letters/digits')
  return appId
}

export function buildWeixinScheme(input: WeixinSchemeInput): string {
  checkWeixinAppId(input.appId)
  if (!input.path) throw invalid('path', 'is required')
  let link = `weixin://dl/business/?appid=${input.appId}&path=${normalizePagePath(input.path)}`
  // The query string itself is percent-encoded once more ("需要url_encode"). An empty one is left out: it is optional.
  const query = input.query === undefined ? '' : formatWeixinQuery(input.query, 512)
  if (query) link += `&query=${encodeLinkPart(query)}`
  const env = checkEnvVersion(input.envVersion)
  return env ? `${link}&env_version=${env}` : link
}

/** An Alipay scheme's query as its raw `k=v&k=v` text, before its one encoding. */
export function alipayQueryText(query: LinkQuery): string {
  if (typeof query === 'string') return query
  // Alipay splits the decoded query on & and =, so they cannot appear inside keys or values.
  return presentKeys(query)
    .map((key) => {
      if (/[&=]/.test(key + query[key])) throw invalid('query', 'keys and values must not contain & or =')
      return `${key}=${query[key]}`
    })
    .join('&')
}

/** `alipays://platformapi/startapp?appId=…&page=…&query=…`, query encoded once. */
export function buildAlipayScheme(input: AlipaySchemeInput): string {
  if (!/^\d{16}$/.test(input.appId)) throw invalid('appId', 'must be 16 digits')
  let link = `alipays://platformapi/startapp?appId=${input.appId}`
  if (input.page) {
    if (/[&#\s]/.test(input.page)) throw invalid('page', 'must have its parameters encoded')
    link += `&page=${input.page}`
  }
  const query = input.query && alipayQueryText(input.query)
  if (query) link += `&query=${encode(query)}`
  return link
}

/** The https form Alipay opens from anywhere: the whole scheme encoded once more. */
export function alipayHttpsLink(scheme: string): string {
  if (!scheme.startsWith('alipays://')) throw invalid('scheme', 'must start with alipays://')
  return `https://ds.alipay.com/?scheme=${encode(scheme, 'scheme')}`
}

/**
 * Adds per-user data (`cq`, ≤ 256) to an encrypted URL Scheme
 * (`weixin://dl/business/?t=…` → `&cq=`) or a URL Link (`https://wxaurl.cn/…` → `?cq=`),
 * so one cached link serves every user.
 */
export function appendCustomQuery(link: string, cq: LinkQuery): string {
  const value = encodeLinkPart(formatWeixinQuery(cq, 256, 'cq'))
  const separator = /^weixin:\/\/dl\/business\/\?t=[^&?#]+$/.test(link) ? '&' : /^https:\/\/wxaurl\.cn\/[^?#]+$/.test(link) && '?'
  if (!separator) throw invalid('link', 'must be weixin://dl/business/?t=… or https://wxaurl.cn/… without cq')
  // No per-user data: the link as it is, not an empty cq.
  return value ? link + separator + 'cq=' + value : link
}
