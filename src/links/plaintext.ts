/**
 * The plaintext URL Scheme answered when the day's generation quota is gone,
 * for pages declared for it (MP 后台 → 明文 Scheme 拉起此小程序). Built by the
 * plugin's pure builder so the launcher and the service encode it the same way.
 */
import { buildWeixinScheme } from '../../uni_modules/navi-kit/links'
import type { LinkRequest } from '../service/types'

/**
 * `weixin://dl/business/?appid=…&path=…&query=…[&env_version=…]`, or null when
 * the request cannot be expressed that way (query over 512, an appid the
 * builder refuses). A `cq` has nowhere to go in a plaintext scheme, so it joins
 * the query as `cq=…` — the page reads it the same way it reads an encrypted
 * scheme's cq.
 */
export function plaintextScheme(appId: string, request: LinkRequest): string | null {
  // An empty cq is left out, as an empty query is (appendCq): no bare `cq=` for the page to read.
  const parts = [request.query, request.cq ? `cq=${encodeURIComponent(request.cq)}` : undefined].filter(
    (part): part is string => !!part,
  )
  try {
    return buildWeixinScheme({
      appId,
      path: request.path,
      query: parts.length ? parts.join('&') : undefined,
      envVersion: request.envVersion,
    })
  } catch {
    return null
  }
}

/** `path` is covered by `allowed` (an entry ending in `/*` covers a folder). */
export function isPlaintextPath(path: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => (entry.endsWith('/*') ? path.startsWith(entry.slice(0, -1)) : entry === path))
}
