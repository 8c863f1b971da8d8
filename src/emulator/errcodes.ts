/**
 * The errcodes the emulator answers with and WeChat's errmsg for each (as the
 * docs and real answers spell them, without the `rid:` suffix). Which
 * situation produces which code is tabled in README.md next to this file.
 */

export const ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  0: 'ok',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40066: 'invalid url',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40164: 'invalid ip, not in whitelist',
  40165: 'invalid weapp pagepath',
  40212: 'invalid query',
  40225: 'invalid page title',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  43104: 'appid not match',
  44002: 'empty post data',
  44990: 'reach max api per second quota limit',
  44993: 'reach max scheme and url link daily quota limit',
  45009: 'reach max api daily quota limit',
  47001: 'data format error',
  48001: 'api unauthorized',
  85079: 'miniprogram has no online release',
  85400: 'reach max long time quota limit',
  85401: 'time limit between 1min and 1year',
  85402: 'invalid env_version',
  85403: 'scheme or url_link not exist',
  85406: 'daily visit limit',
  85407: 'link not found',
  85408: 'link not belong to this appid',
}

// A type alias, not an interface, so it is assignable to Record<string, unknown>.
export type WechatError = {
  errcode: number
  errmsg: string
}

/** `{ errcode, errmsg }` as WeChat answers a failure (HTTP 200, like WeChat). */
export function wechatError(errcode: number): WechatError {
  return { errcode, errmsg: ERRMSG[errcode] ?? `emulated errcode ${errcode}` }
}

/** A validation step's outcome: a value, or the errcode WeChat would answer. */
export type Checked<T> = { ok: true; value: T } | { ok: false; errcode: number }
export const pass = <T>(value: T): Checked<T> => ({ ok: true, value })
export const fail = <T = never>(errcode: number): Checked<T> => ({ ok: false, errcode })
