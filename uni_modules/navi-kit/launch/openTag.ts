/**
 * The WeChat browser's only way into a mini program: the open tag
 * `<wx-open-launch-weapp>`, enabled by a JS-SDK config that the link service
 * signs for the page URL. Used by <navi-launch-weapp>; not part of index.ts,
 * so the kit's main entry carries none of it (nor the JS-SDK).
 */
import { LaunchError } from '../errors'
import { serializeQuery } from '../links'
import type { LinkQuery } from '../links'
import { seam } from '../platform'
import { fetchJssdkConfig } from './linkClient'
import { splitPath } from './shared'

/**
 * The part of weixin-js-sdk used here (the component passes the real one in).
 * Not `ready`: after the page's first config the SDK runs ready callbacks at
 * once, so it says nothing about a later config.
 */
export interface WxSdk {
  config(options: {
    debug: boolean
    appId: string
    timestamp: number
    nonceStr: string
    signature: string
    jsApiList: string[]
    openTagList: string[]
  }): void
  /** The SDK keeps only the last callback given, and calls it for every config that fails. */
  error(callback: (result: { errMsg?: string }) => void): void
}

export const isWechatBrowser = (userAgent: string): boolean => /MicroMessenger/i.test(userAgent)

/**
 * The open tag's `path`: the page with `.html` (WeChat requires the suffix
 * there), then the query, e.g. `pages/goods/goods.html?id=42`. A query the
 * path carries (`pages/goods/goods?id=42`, as uni's docs write it) stays, and
 * `query` joins it, as on the other platforms.
 */
export function openTagPath(path = '', query?: LinkQuery): string {
  const [own, text] = splitPath(path.replace(/^\/+/, ''), query === undefined ? '' : serializeQuery(query))
  const page = own && !own.endsWith('.html') ? own + '.html' : own
  return text ? `${page}?${text}` : page
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/**
 * The open tag's markup. Its content must be a `<script type="text/wxtag-template">`
 * holding plain HTML: WeChat renders it in its own isolated frame, so page
 * styles and Vue handlers do not reach it (use inline styles).
 */
export function openTagHtml(attributes: { username: string; path?: string; envVersion?: string }, content: string): string {
  const pairs: [string, string | undefined][] = [
    ['username', attributes.username],
    ['path', attributes.path || undefined],
    ['env-version', attributes.envVersion],
  ]
  const text = pairs
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('')
  return `<wx-open-launch-weapp${text} style="display:block"><script type="text/wxtag-template">${content}</script></wx-open-launch-weapp>`
}

/**
 * The URL to sign: the page URL without `#…`. WeChat on iOS checks the
 * signature against the URL the SPA was entered with, Android against the
 * current one.
 */
export function signatureUrl(href: string, userAgent: string, landingHref: string): string {
  return (/iPhone|iPad|iPod/i.test(userAgent) ? landingHref : href).split('#')[0]
}

type NavigationTiming = { name?: string }
const performanceApi = (globalThis as { performance?: { getEntriesByType?(type: string): NavigationTiming[] } }).performance
/**
 * The URL this H5 app was entered with: the document's navigation entry keeps
 * it across pushState; this module itself may load later, with a page chunk.
 */
const landingHref = performanceApi?.getEntriesByType?.('navigation')[0]?.name || seam().location()?.href || ''
let configured: { url: string; done: Promise<void> } | undefined
/** The URL of the config last handed to wx.config: WeChat's verdicts concern it. */
let sentUrl: string | undefined
const failureListeners = new Set<(error: LaunchError) => void>()

/**
 * Calls `listener` whenever WeChat rejects a config (a bad signature, a page
 * off the JS-SDK safe domains), however long after configureOpenTag resolved;
 * returns the unsubscribe. The open tags on the page do not work until the
 * next config succeeds.
 */
export function onOpenTagConfigError(listener: (error: LaunchError) => void): () => void {
  failureListeners.add(listener)
  return () => void failureListeners.delete(listener)
}

function configFailed(result: { errMsg?: string }): void {
  // Forget the rejected config, so the next tag or route change signs and configures again.
  if (configured?.url === sentUrl) configured = undefined
  const error = new LaunchError('platform', `wx.config: ${result.errMsg}`, { errMsg: result.errMsg })
  failureListeners.forEach((listener) => listener(error))
}

/**
 * Configures the JS-SDK with `openTagList: ['wx-open-launch-weapp']` for the
 * current page URL, once per URL: several tags on a page, or SPA navigation
 * that keeps the URL before '#', share one config. Resolves once wx.config
 * has the signature (WeChat sends no per-config success); a rejection by
 * WeChat comes later, to onOpenTagConfigError. Rejects when the SDK or the
 * signature cannot be had.
 */
export function configureOpenTag(linkService: string, loadSdk: () => Promise<WxSdk>): Promise<void> {
  const url = signatureUrl(seam().location()?.href ?? '', seam().userAgent(), landingHref)
  if (configured?.url === url) return configured.done
  const done = Promise.all([loadSdk(), fetchJssdkConfig(linkService, url)]).then(([wx, config]) => {
    // A later URL asked meanwhile (signatures can come back out of order): the
    // SDK applies the last config given, which must be the current page's.
    if (configured !== entry) return
    // Given before each config, so ours is the callback the SDK keeps.
    wx.error(configFailed)
    sentUrl = url
    wx.config({
      debug: false,
      appId: config.appId,
      timestamp: config.timestamp,
      nonceStr: config.nonceStr,
      signature: config.signature,
      // Some WeChat versions ignore openTagList when jsApiList is empty.
      jsApiList: ['chooseImage'],
      openTagList: ['wx-open-launch-weapp'],
    })
  })
  const entry = { url, done }
  configured = entry
  // A config whose SDK or signature could not be had is tried again by the next tag that asks.
  done.catch(() => {
    if (configured === entry) configured = undefined
  })
  return done
}

/** The open tag's `error` event as a LaunchError. */
export function openTagError(errMsg = 'launch:fail'): LaunchError {
  return new LaunchError(/cancel/.test(errMsg) ? 'cancelled' : 'platform', `wx-open-launch-weapp: ${errMsg}`, { errMsg })
}
