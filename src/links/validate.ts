/**
 * The core checks every LinkRequest itself (the HTTP layer validates too, but
 * the core is also used directly): WeChat's current limits, so a bad request
 * is refused with 400 'invalid' before any upstream call or quota use.
 */
import { encodeLinkPart, PAGE_PATH_MAX } from '../../uni_modules/navi-kit/links'
// A page path: no leading '/', no query, no '.', '..' or empty segment (the HTTP schema's rule too).
import { PAGE_PATH_PATTERN, WECHAT_APPID } from '../config'
import { ServiceError, type LinkRequest } from '../service/types'

/** WeChat's character set for query and cq: 0-9 A-Z a-z ! # $ & ' ( ) * + , / : ; = ? @ - . _ ~ % */
const QUERY_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~%]*$/

const invalid = (message: string): ServiceError => new ServiceError('invalid', 400, message)

/** A Short Link's page title: at most this many characters (code points, as the HTTP schema counts them). */
export const PAGE_TITLE_MAX = 64
/** The control characters, DEL included, as a character-class body: WeChat answers 40225 to one (after the call is spent). */
export const CONTROL_CHARS = '\\u0000-\\u001f\\u007f'
const CONTROL_CHAR = new RegExp(`[${CONTROL_CHARS}]`)

/** A request for another mini program than the one this service mints for (`served`). */
export const appMismatch = (served: string, asked: string, sandbox: boolean): ServiceError =>
  new ServiceError(
    'app-mismatch',
    400,
    sandbox
      ? `This sandbox mints links for ${served} only; start it with NAVI_SANDBOX_APPID=${asked} to mint for ${asked}.`
      : `This link service mints links for ${served} only; ${asked} needs a link service of its own (its WECHAT_APPID and WECHAT_SECRET).`,
  )

export function validateLinkRequest(request: LinkRequest): LinkRequest {
  const { kind, appId, path, query, envVersion, expireDays, cq, pageTitle } = request
  if (kind !== 'scheme' && kind !== 'urllink' && kind !== 'shortlink') {
    throw invalid('kind must be scheme, urllink or shortlink.')
  }
  if (appId !== undefined && (typeof appId !== 'string' || !WECHAT_APPID.test(appId))) {
    throw invalid('appId must be a WeChat mini program AppID: wx and 16 letters or digits.')
  }
  // An empty path opens the home page (a URL Scheme's or URL Link's, not a Short Link's).
  const home = path === '' && kind !== 'shortlink'
  if (!home && (typeof path !== 'string' || !PAGE_PATH_PATTERN.test(path) || path.length > PAGE_PATH_MAX)) {
    const hint = typeof path === 'string' && path.startsWith('/') ? " (drop the leading '/')" : ''
    const query = typeof path === 'string' && path.includes('?') ? ' (pass the query separately)' : ''
    throw invalid(`path must be a mini-program page path like pages/index/index${hint}${query}.`)
  }
  if (query !== undefined) {
    if (typeof query !== 'string' || !QUERY_CHARS.test(query)) {
      throw invalid("query may only use 0-9 A-Z a-z and !#$&'()*+,/:;=?@-._~% (percent-encode anything else).")
    }
    if (query.length > 1024) throw invalid(`query is ${query.length} characters; WeChat allows 1024.`)
  }
  if (envVersion !== undefined && envVersion !== 'release' && envVersion !== 'trial' && envVersion !== 'develop') {
    throw invalid('envVersion must be release, trial or develop.')
  }
  if (kind === 'shortlink') {
    if (expireDays !== undefined) throw invalid('expireDays does not apply to Short Links (they last 30 days, or forever with isPermanent).')
    if (cq !== undefined) throw invalid('cq cannot be appended to a Short Link; use a URL Scheme or URL Link.')
    if (envVersion !== undefined && envVersion !== 'release') throw invalid('Short Links open the release version only.')
    const pageUrlLength = path.length + (query ? query.length + 1 : 0)
    if (pageUrlLength > 1024) throw invalid(`path?query is ${pageUrlLength} characters; a Short Link's page_url allows 1024.`)
    if (pageTitle !== undefined && (typeof pageTitle !== 'string' || [...pageTitle].length > PAGE_TITLE_MAX || CONTROL_CHAR.test(pageTitle))) {
      throw invalid(`pageTitle must be plain text (no control characters) of at most ${PAGE_TITLE_MAX} characters.`)
    }
  } else {
    if (expireDays !== undefined && (!Number.isInteger(expireDays) || expireDays < 1 || expireDays > 30)) {
      throw invalid('expireDays must be a whole number of days from 1 to 30.')
    }
    if (pageTitle !== undefined || request.isPermanent !== undefined) {
      throw invalid('pageTitle and isPermanent apply to Short Links only.')
    }
  }
  if (cq !== undefined) {
    if (typeof cq !== 'string' || !QUERY_CHARS.test(cq)) {
      throw invalid("cq may only use 0-9 A-Z a-z and !#$&'()*+,/:;=?@-._~%.")
    }
    if (cq.length > 256) throw invalid(`cq is ${cq.length} characters; WeChat allows 256.`)
  }
  return request
}

/**
 * Appends per-user data to a minted link: `&cq=` on an encrypted scheme
 * (`weixin://dl/business/?t=…`), `?cq=` on a URL Link. The value is
 * percent-encoded ("需要url_encode") as the plugin's builder does it, ' ( ) * !
 * included: the transit page refuses a URL with a quote in it.
 */
export function appendCq(url: string, cq: string): string {
  // An empty cq (a template whose per-user placeholder came out empty) is no per-user data: the link as it is, as the
  // plugin's appendCustomQuery has it, not a bare `cq=`.
  if (!cq) return url
  return `${url}${url.includes('?') ? '&' : '?'}cq=${encodeLinkPart(cq)}`
}
