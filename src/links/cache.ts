/**
 * The link cache. A minted link serves every caller asking for the same
 * (kind, appid, path, query, env_version, expiry) until shortly before it
 * expires; per-user data rides in `cq`, which is not part of the key.
 */
import { createHash } from 'node:crypto'
import type { LinkRequest } from '../service/types'
import type { Store } from '../stores/store'

export interface CachedLink {
  url: string
  /** Epoch ms the link stops working; null: permanent. */
  expiresAt: number | null
  mintedAt: number
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

export function linkKey(appId: string, request: LinkRequest): string {
  return `link:${createHash('sha256').update(JSON.stringify(linkKeyParts(appId, request))).digest('hex').slice(0, 40)}`
}

/** When a link minted at `mintedAt` stops working (null: never). */
export function linkExpiry(request: LinkRequest, mintedAt: number): number | null {
  if (request.kind === 'shortlink') return request.isPermanent ? null : mintedAt + SHORT_LINK_TTL_MS
  return mintedAt + (request.expireDays ?? DEFAULT_EXPIRE_DAYS) * DAY_MS
}

export class LinkCache {
  constructor(
    private readonly store: Store,
    /** Stop serving a link this long before it expires (at most half its life). */
    private readonly marginMs: number,
    private readonly now: () => number,
  ) {}

  async get(key: string): Promise<CachedLink | null> {
    const raw = await this.store.get(key)
    if (!raw) return null
    let link: CachedLink
    try {
      link = JSON.parse(raw) as CachedLink
    } catch {
      return null
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
    await this.store.set(key, JSON.stringify(link), ttl)
  }
}
