/** Types and helpers every launch strategy shares. */
import { LaunchError } from '../errors'
import type { EnvVersion, LinkQuery } from '../links'
import { invalid, serializeQuery } from '../links'
import { seam } from '../platform'
import type { UniCallOptions } from '../platform'
import type { LinkClient } from './linkClient'

export interface MiniProgramTarget {
  /** WeChat `wx…`, Alipay 16 digits, Baidu App Key, … */
  appId: string
  /** Page path; the query goes in `query`. */
  path?: string
  query?: LinkQuery
  /** Handed to the target's App.onLaunch/onShow (mini programs only). */
  extraData?: Record<string, unknown>
  envVersion?: EnvVersion
  /** mp-weixin: try the half-screen open first (default: when available). */
  embedded?: boolean
  /** mp-weixin: a 小程序链接 instead of appId + path. */
  shortLink?: string
  /** The original id `gh_…` (App via plus.share, WeChat open tag). */
  originalId?: string
  /** The page is declared for plaintext schemes, so H5 needs no link service. */
  plaintext?: boolean
}

export interface LaunchOptions {
  /** uni's platform id; default the build's. */
  platform?: string
  /** H5: the link service's base URL, or a client. */
  linkService?: string | LinkClient
  /** H5: mint a URL Scheme (default) or a URL Link. */
  linkKind?: 'scheme' | 'urllink'
  /**
   * H5: per-user data (≤ 256) for the link's `cq`: the link service appends it
   * to its cached link; a plaintext scheme carries it in its query as `cq=…`.
   */
  cq?: LinkQuery
}

export type LaunchVia =
  | 'openEmbeddedMiniProgram'
  | 'navigateToMiniProgram'
  | 'plus.share'
  | 'plus.runtime.openURL'
  | 'plaintext-scheme'
  | 'url-scheme'
  | 'url-link'
  | 'transit-page'

export interface LaunchResult {
  via: LaunchVia
  url?: string
}

export type LaunchStrategy = (target: MiniProgramTarget, options: LaunchOptions) => Promise<LaunchResult>

/** The uni calls the launcher makes; each names the route in a result or an error. */
type UniLaunchCall = 'openEmbeddedMiniProgram' | 'navigateToMiniProgram' | 'navigateBackMiniProgram'

/**
 * Calls one of uni's mini-program APIs with `options` (undefined fields dropped:
 * not every native API tolerates them). Resolves with the route it took;
 * uni's `fail` rejects as a LaunchError: the user's cancel, or the platform's refusal.
 */
export const callUni = (via: UniLaunchCall, options: UniCallOptions): Promise<LaunchResult> =>
  new Promise((resolve, reject) => {
    for (const key in options) if (options[key] === undefined) delete options[key]
    options.success = () => resolve({ via } as LaunchResult)
    options.fail = ({ errMsg } = {}) =>
      reject(new LaunchError(/ cancel/.test(errMsg ?? '') ? 'cancelled' : 'platform', `${via}: ${errMsg}`, { errMsg, via }))
    const api = seam().uni[via]
    // An old base library, or a platform uni maps no such call on.
    if (typeof api !== 'function') return reject(new LaunchError('unsupported', `uni.${via} is missing here (update the app or its base library)`, { via }))
    api(options)
  })

/**
 * `path?query` for APIs that take the query inside the path. A path may carry
 * its own query, as uni's docs write it ('pages/a/a?id=1'): `query` joins it.
 */
export function pathWithQuery(target: MiniProgramTarget): string | undefined {
  const path = target.path?.replace(/^\/+/, '')
  const query = target.query === undefined ? '' : serializeQuery(target.query)
  if (!query) return path
  return `${path ?? ''}${path?.includes('?') ? '&' : '?'}${query}`
}

/**
 * A path's page and its query text, for links that carry the page and the query apart: the query the path carries
 * (as uni's docs write it, 'pages/a/a?id=1'), then `text` (the target's query, written as the caller's link needs).
 */
export function splitPath(path: string, text: string): [page: string, query: string] {
  const [page, own] = path.split(/\?(.*)/s)
  return [page, [own, text].filter(Boolean).join('&')]
}

export function requireAppId(target: MiniProgramTarget): void {
  if (!target.appId) throw invalid('appId', 'is required')
}

/** Alipay AppIDs are 16 digits starting with 20. */
export const isAlipayAppId = (appId: string): boolean => /^20\d{14}$/.test(appId)
