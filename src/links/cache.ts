/**
 * The link cache. A minted link serves every caller asking for the same
 * (kind, appid, path, query, env_version, expiry) until shortly before it
 * expires; per-user data rides in `cq`, which is not part of the key.
 */
import crypto from 'node:crypto'
import type { LinkRequest } from '../service/types'
import type { Store } from '../stores/store'

export interface CachedLink {
  url: string
  /** Epoch ms the link stops working; null: permanent. */
  expiresAt: number | null
  mintedAt: number
}

/** A cached link as answered: `expiresAt` as the ISO text the API returns. */
export interface ServedLink extends CachedLink {
  expiresAtIso: string | null
}

const DAY_MS = 86_400_000
/** Temporary Short Links live 30 days (WeChat's rule); permanent ones are kept a year in the cache. */
const SHORT_LINK_TTL_MS = 30 * DAY_MS
const PERMANENT_CACHE_MS = 365 * DAY_MS

/** Days a scheme or URL Link stays valid when the caller does not say. */
export const DEFAULT_EXPIRE_DAYS = 30

/** The parts of a request that decide which link WeChat mints. */
export function linkKeyParts(appId: string, request: LinkRequest): string[] {
  const expiry =
    request.kind === 'shortlink'
      ? request.isPermanent
        ? 'permanent'
        : 'temporary'
      : `days:${request.expireDays ?? DEFAULT_EXPIRE_DAYS}`
  return [
    request.kind,
    appId,
    request.path,
    request.query ?? '',
    request.envVersion ?? 'release',
    expiry,
    request.kind === 'shortlink' ? (request.pageTitle ?? '') : '',
  ]
}

// One-shot crypto.hash (Node ≥ 20.12) where present: the key is computed on every request, cache hits included.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex')

/** Bounded memo: the same few links are asked for again and again; a flood of new ones just clears it. */
const MEMO_MAX = 4096
function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_MAX) memo.clear()
  memo.set(key, value)
  return value
}

const recentKeys = new Map<string, string>()

/**
 * The store key of a validated request: a hash of its key parts as JSON.
 * The memo in front is keyed by the raw fields joined with NUL, which no
 * validated field can contain (validate.ts), so no two requests share a memo
 * entry; building it skips the array and JSON text, the largest cost of a
 * cache hit. (It tells apart more than the parts do, e.g. expireDays 30 and
 * absent: both entries then hold the same key.)
 */
export function linkKey(appId: string, request: LinkRequest): string {
  const { kind, path, query = '', envVersion = 'release', expireDays = '', isPermanent, pageTitle = '' } = request
  const memoKey = `${appId}\0${kind}\0${path}\0${query}\0${envVersion}\0${expireDays}\0${isPermanent ? 1 : 0}\0${pageTitle}`
  return recentKeys.get(memoKey) ?? remember(recentKeys, memoKey, `link:${sha256Hex(JSON.stringify(linkKeyParts(appId, request))).slice(0, 40)}`)
}

/** When a link minted at `mintedAt` stops working (null: never). */
export function linkExpiry(request: LinkRequest, mintedAt: number): number | null {
  if (request.kind === 'shortlink') return request.isPermanent ? null : mintedAt + SHORT_LINK_TTL_MS
  return mintedAt + (request.expireDays ?? DEFAULT_EXPIRE_DAYS) * DAY_MS
}

export class LinkCache {
  /** The last parse of each stored value: a hit whose stored text is unchanged skips JSON.parse and date formatting. */
  private readonly parsed = new Map<string, { raw: string; link: ServedLink }>()

  constructor(
    private readonly store: Store,
    /** Stop serving a link this long before it expires (at most half its life). */
    private readonly marginMs: number,
    private readonly now: () => number,
  ) {}

  async get(key: string): Promise<ServedLink | null> {
    const raw = await this.store.get(key)
    if (!raw) return null
    // The store stays the authority: the memo is used only while it holds the very same text.
    const memo = this.parsed.get(key)
    let link = memo !== undefined && memo.raw === raw ? memo.link : undefined
    if (link === undefined) {
      let stored: CachedLink
      try {
        stored = JSON.parse(raw) as CachedLink
      } catch {
        return null
      }
      link = served(stored)
      remember(this.parsed, key, { raw, link })
    }
    // The store's TTL is the authority; this also guards against clocks the store does not share.
    if (this.serveUntil(link) <= this.now()) return null
    return link
  }

  /** The link is handed out until its expiry minus the margin (at most half its life, so short links still cache). */
  serveUntil(link: CachedLink): number {
    if (link.expiresAt === null) return Infinity
    return link.expiresAt - Math.min(this.marginMs, (link.expiresAt - link.mintedAt) / 2)
  }

  async set(key: string, link: CachedLink): Promise<void> {
    const ttl = link.expiresAt === null ? PERMANENT_CACHE_MS : this.serveUntil(link) - this.now()
    if (ttl <= 0) return
    const { url, expiresAt, mintedAt } = link
    await this.store.set(key, JSON.stringify({ url, expiresAt, mintedAt }), ttl)
  }
}

export function served(link: CachedLink): ServedLink {
  const { url, expiresAt, mintedAt } = link
  return { url, expiresAt, mintedAt, expiresAtIso: expiresAt === null ? null : new Date(expiresAt).toISOString() }
}
