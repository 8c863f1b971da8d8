/**
 * The three generation APIs' request checks, in WeChat's order and with its
 * errcodes, and the registry of minted links (queryscheme / query_urllink and
 * the control API's lookup read it).
 */
import { randomBytes } from 'node:crypto'
import { fail, pass, type Checked } from './errcodes'

export type EmulatedLinkKind = 'scheme' | 'urllink' | 'shortlink'
export type EmulatedEnvVersion = 'release' | 'trial' | 'develop'

/** What a minted link stands for. Times are epoch milliseconds. */
export interface MintedLink {
  kind: EmulatedLinkKind
  /** The link exactly as the API returned it. */
  url: string
  /** The ticket / id part of the URL. */
  id: string
  appId: string
  path: string
  query: string
  envVersion: EmulatedEnvVersion
  createdAt: number
  /** null: a permanent short link. */
  expiresAt: number | null
  /** shortlink only, truncated as WeChat does (20 characters, then '...'). */
  pageTitle?: string
}

export type LinkSpec = Omit<MintedLink, 'url' | 'id' | 'appId' | 'createdAt'>

const DAY_MS = 86_400_000
const MAX_DAYS = 30
const MIN_AHEAD_MS = 60_000
const MAX_QUERY = 1024
/** The documented query character set: 0-9 A-Z a-z ! # $ & ' ( ) * + , / : ; = ? @ - . _ ~ % */
const QUERY_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%]*$/
const ENV_VERSIONS: readonly string[] = ['release', 'trial', 'develop']
const TITLE_LIMIT = 20
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/

export interface ValidationContext {
  now: number
  /** When set, only these page paths "exist in the published version" (else any path does). */
  publishedPages?: ReadonlySet<string>
}

type Body = Record<string, unknown>

/** POST /wxa/generatescheme: `{ jump_wxa: { path, query, env_version }, expire_type, expire_time, expire_interval }`. */
export function checkSchemeRequest(body: Body, context: ValidationContext): Checked<LinkSpec> {
  const jump = body.jump_wxa ?? {}
  if (!isObject(jump)) return fail(47001)
  return checkJump(jump, body, context, 'scheme')
}

/** POST /wxa/generate_urllink: the same fields, flat (`cloud_base` is accepted and ignored). */
export function checkUrlLinkRequest(body: Body, context: ValidationContext): Checked<LinkSpec> {
  return checkJump(body, body, context, 'urllink')
}

/** POST /wxa/genwxashortlink: `{ page_url, page_title, is_permanent }`. Short-term links live 30 days. */
export function checkShortLinkRequest(body: Body, context: ValidationContext): Checked<LinkSpec> {
  const { page_url: pageUrl, page_title: pageTitle = '', is_permanent: isPermanent = false } = body
  if (typeof isPermanent !== 'boolean') return fail(47001)
  if (typeof pageUrl !== 'string' || !pageUrl || pageUrl.length > MAX_QUERY) return fail(40066)
  const [path, ...rest] = pageUrl.split('?')
  const query = rest.join('?')
  // Developers report a leading '/' answered 40066 (the docs' example has none); stricter is the safe side.
  if (path.startsWith('/') || !QUERY_CHARS.test(query)) return fail(40066)
  if (!isPublished(path, context)) return fail(40066)
  if (typeof pageTitle !== 'string' || CONTROL_CHARS.test(pageTitle)) return fail(40225)
  const title = [...pageTitle].length > TITLE_LIMIT ? `${[...pageTitle].slice(0, TITLE_LIMIT).join('')}...` : pageTitle
  return pass({
    kind: 'shortlink',
    path,
    query,
    envVersion: 'release',
    expiresAt: isPermanent ? null : context.now + MAX_DAYS * DAY_MS,
    pageTitle: title,
  })
}

function checkJump(target: Body, expiry: Body, context: ValidationContext, kind: 'scheme' | 'urllink'): Checked<LinkSpec> {
  const { path = '', query = '', env_version: envVersion = 'release' } = target
  if (typeof path !== 'string' || typeof query !== 'string' || typeof envVersion !== 'string') return fail(47001)
  if (path.startsWith('/') || path.includes('?') || !isPublished(path, context)) return fail(40165)
  if (query.length > MAX_QUERY || !QUERY_CHARS.test(query)) return fail(40212)
  if (!ENV_VERSIONS.includes(envVersion)) return fail(85402)
  const expiresAt = checkExpiry(expiry, context.now)
  if (!expiresAt.ok) return expiresAt
  return pass({ kind, path, query, envVersion: envVersion as EmulatedEnvVersion, expiresAt: expiresAt.value })
}

/**
 * Since 2023 every scheme and URL Link expires within 30 days: is_expire=false
 * is treated like true. expire_type 0 = expire_time (Unix seconds, 1 min to 30
 * days ahead), 1 = expire_interval (1–30 days). Neither given: 30 days.
 */
function checkExpiry(body: Body, now: number): Checked<number> {
  const { expire_type: type, expire_time: time, expire_interval: interval, is_expire: isExpire } = body
  if (isExpire !== undefined && typeof isExpire !== 'boolean') return fail(47001)
  if (type !== undefined && type !== 0 && type !== 1) return typeof type === 'number' ? fail(40097) : fail(47001)
  if (type === 1) {
    if (interval === undefined) return fail(85401)
    if (typeof interval !== 'number') return fail(47001)
    if (!Number.isInteger(interval) || interval < 1 || interval > MAX_DAYS) return fail(85401)
    return pass(now + interval * DAY_MS)
  }
  if (time === undefined) return type === 0 && isExpire === true ? fail(85401) : pass(now + MAX_DAYS * DAY_MS)
  if (typeof time !== 'number' || !Number.isFinite(time)) return fail(47001)
  const at = Math.floor(time) * 1000
  if (at - now < MIN_AHEAD_MS || at - now > MAX_DAYS * DAY_MS) return fail(85401)
  return pass(at)
}

function isPublished(path: string, context: ValidationContext): boolean {
  return path === '' || !context.publishedPages || context.publishedPages.has(path)
}

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomId(length: number): string {
  const bytes = randomBytes(length)
  let id = ''
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length]
  return id
}

/** The documented shapes; a short link reads `#小程序://<app name>/<page title>/<id>` (no title: no middle part). */
const URL_OF: Record<EmulatedLinkKind, (id: string, spec: LinkSpec) => string> = {
  scheme: (id) => `weixin://dl/business/?t=${id}`,
  urllink: (id) => `https://wxaurl.cn/${id}`,
  shortlink: (id, spec) => {
    const title = (spec.pageTitle ?? '').replace(/[/\s]+/g, '')
    return title ? `#小程序://navi-kit/${title}/${id}` : `#小程序://navi-kit/${id}`
  },
}

/** Links remembered for queries and lookups: far more than any test mints, bounded for a sandbox left running. */
export const MAX_LINKS_KEPT = 200_000

/** Minted links by id, plus the per-app count of permanent short links (the 100,000 cap). */
export class LinkRegistry {
  private readonly links = new Map<string, MintedLink>()
  private readonly permanent = new Map<string, number>()

  constructor(private readonly maxKept = MAX_LINKS_KEPT) {}

  mint(appId: string, spec: LinkSpec, now: number): MintedLink {
    let id = randomId(spec.kind === 'shortlink' ? 15 : 11)
    while (this.links.has(id)) id = randomId(id.length)
    const link: MintedLink = { ...spec, id, url: URL_OF[spec.kind](id, spec), appId, createdAt: now }
    this.links.set(id, link)
    // Bounded for a long-running sandbox: the oldest link is forgotten (its lookups answer unknown).
    if (this.links.size > this.maxKept) this.links.delete(this.links.keys().next().value as string)
    if (spec.kind === 'shortlink' && spec.expiresAt === null) this.permanent.set(appId, this.permanentCount(appId) + 1)
    return link
  }

  permanentCount(appId: string): number {
    return this.permanent.get(appId) ?? 0
  }

  setPermanentCount(appId: string, count: number): void {
    this.permanent.set(appId, count)
  }

  /**
   * The link a URL (or bare id) stands for. Accepts what callers hand around:
   * a scheme with `&cq=…` appended, a URL Link with `?cq=…`, a short link.
   */
  lookup(link: string, kind?: EmulatedLinkKind): MintedLink | undefined {
    const found = this.links.get(idOf(link.trim()))
    return found && (!kind || found.kind === kind) ? found : undefined
  }

  get size(): number {
    return this.links.size
  }

  reset(): void {
    this.links.clear()
    this.permanent.clear()
  }
}

/** What a lookup answers: the minted link, plus the `cq` the caller appended (decoded), if any. */
export interface LinkLookup extends MintedLink {
  customQuery?: string
}

/** The decoded `cq` appended to an encrypted scheme (`&cq=…`) or a URL Link (`?cq=…`), if any. */
export function customQueryOf(link: string): string | undefined {
  const search = /^weixin:\/\/dl\/business\/?\?(.*)$/.exec(link)?.[1] ?? /^https?:\/\/wxaurl\.cn\/[^?#]*\?([^#]*)/.exec(link)?.[1]
  return search === undefined ? undefined : (new URLSearchParams(search).get('cq') ?? undefined)
}

/** The page query a link opens with: the minted query, then the appended `cq` (as WeChat's queryscheme example shows). */
export function openingQuery(link: MintedLink, customQuery: string | undefined): string {
  return [link.query, customQuery].filter(Boolean).join('&')
}

/** A plaintext scheme's fields (`weixin://dl/business/?appid=…&path=…&query=…&env_version=…`), or undefined. */
export function parsePlaintextScheme(link: string): { appId: string; path: string; query: string; envVersion: string } | undefined {
  const search = /^weixin:\/\/dl\/business\/?\?(.*)$/.exec(link.trim())?.[1]
  if (search === undefined) return undefined
  const params = new URLSearchParams(search)
  const appId = params.get('appid')
  if (!appId || params.has('t')) return undefined
  return { appId, path: params.get('path') ?? '', query: params.get('query') ?? '', envVersion: params.get('env_version') ?? 'release' }
}

function idOf(link: string): string {
  const scheme = /^weixin:\/\/dl\/business\/?\?(.*)$/.exec(link)
  if (scheme) return new URLSearchParams(scheme[1]).get('t') ?? ''
  const urlLink = /^https?:\/\/wxaurl\.cn\/([^?#/]+)/.exec(link)
  if (urlLink) return urlLink[1]
  const shortLink = /^#小程序:\/\/.*\/([^/]+)$/.exec(link)
  if (shortLink) return shortLink[1]
  return link
}
