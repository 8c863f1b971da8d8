/**
 * H5 outside WeChat: hand the browser a link WeChat answers — the plaintext
 * scheme for pages declared for it, else a URL Scheme / URL Link minted by the
 * link service (Android: the service's transit page). Inside the WeChat
 * browser no script can open a mini program; only the open tag can.
 */
import { LaunchError } from '../errors'
import { buildWeixinScheme, checkEnvVersion, checkWeixinAppId, formatWeixinQuery, invalid, normalizePagePath, serializeQuery } from '../links'
import { seam } from '../platform'
import { CANCEL_AFTER_MS, POLL_MS } from './limits'
import { linkClientFor } from './linkClient'
import type { LinkRequest } from './linkClient'
import { isAlipayAppId, splitPath } from './shared'
import type { LaunchOptions, LaunchResult, LaunchStrategy, MiniProgramTarget } from './shared'

export { CANCEL_AFTER_MS } from './limits'

async function pickLink(target: MiniProgramTarget, options: LaunchOptions, ua: string): Promise<LaunchResult> {
  const cq = options.cq && formatWeixinQuery(options.cq, 256, 'cq')
  // A path may carry its own query, as uni's docs write it ('pages/a/a?id=1'), and mini programs, the App and the
  // open tag take it so: here too its query joins target.query, instead of failing 'invalid' on H5 alone. WeChat's
  // links carry the page and the query apart.
  const [page, joined] = splitPath(target.path ?? '', target.query === undefined ? '' : serializeQuery(target.query))
  if (target.plaintext) {
    // As the link service does when it falls back to plaintext: cq joins the query.
    const query = [joined, cq && `cq=${encodeURIComponent(cq)}`]
      .filter(Boolean)
      .join('&')
    return { via: 'plaintext-scheme', url: buildWeixinScheme({ ...target, path: page, query: query || undefined }) }
  }
  if (!options.linkService) throw invalid('linkService', 'is required on H5 (or target.plaintext)')
  // Undefined fields are left out of the JSON body, the transit page's URL and the cache key alike.
  // The appId goes along: a service minting for another mini program refuses (app-mismatch) rather than open the wrong one.
  const request: LinkRequest = {
    appId: checkWeixinAppId(target.appId),
    // None: the home page, which WeChat opens for an empty path.
    path: page ? normalizePagePath(page) : undefined,
    query: (joined && formatWeixinQuery(joined, 1024)) || undefined,
    envVersion: checkEnvVersion(target.envVersion),
    cq: cq || undefined,
  }
  const client = linkClientFor(options.linkService)
  const kind = options.linkKind ?? 'scheme'
  // Android browsers open weixin:// reliably only from a page that does it on load.
  if (kind === 'scheme' && /Android/i.test(ua)) return { via: 'transit-page', url: client.transitPageUrl(request) }
  const { url, fallback } = await client.mint(kind, request)
  return { via: fallback ? 'plaintext-scheme' : kind === 'scheme' ? 'url-scheme' : 'url-link', url }
}

/** Resolves once the page has been hidden (WeChat took over), rejects when it stays visible. */
function watchHandover(result: LaunchResult): Promise<LaunchResult> {
  return new Promise((resolve, reject) => {
    let waited = 0
    // Mobile browsers freeze a hidden tab's timers: when WeChat opens between two
    // checks, the next one runs only once the user is back and the page is visible
    // again. So remember that the page was hidden.
    let left = false
    const stop = seam().onPageHide(() => (left = true))
    const check = (): void => {
      if (left || seam().documentHidden()) {
        stop()
        return resolve(result)
      }
      waited += POLL_MS
      if (waited < CANCEL_AFTER_MS) return void seam().setTimeout(check, POLL_MS)
      stop()
      // The user declined the prompt, or WeChat is missing: the page shows its fallback.
      reject(new LaunchError('cancelled', 'WeChat did not open', { via: result.via }))
    }
    seam().setTimeout(check, POLL_MS)
  })
}

export const launchFromH5: LaunchStrategy = async (target, options) => {
  // The WeChat link service would mint a link to its own WeChat mini program
  // instead: open nothing rather than the wrong app.
  if (isAlipayAppId(target.appId)) {
    throw new LaunchError('unsupported', 'Alipay mini programs cannot be opened from H5 here: link to alipayHttpsLink(buildAlipayScheme(…))')
  }
  const ua = seam().userAgent()
  if (/MicroMessenger/i.test(ua)) {
    throw new LaunchError('unsupported', 'in WeChat only the open tag can: use <navi-launch-weapp>')
  }
  const result = await pickLink(target, options, ua)
  const location = seam().location()
  if (!location) throw new LaunchError('unsupported', 'no location: not a browser')
  location.href = result.url as string
  // http(s) pages (transit page, URL Link) take over the tab themselves; a scheme leaves us here to watch.
  return result.url?.startsWith('weixin:') ? watchHandover(result) : result
}
