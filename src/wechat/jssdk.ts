/**
 * JS-SDK config for `wx.config` (and the `<wx-open-launch-weapp>` open tag):
 * the service account's jsapi_ticket, cached and shared like the token, and
 * the signature of 附录1: sha1 of
 * `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` over the raw values, with the
 * page URL's `#…` removed.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Store } from '../stores/store'
import { withBackoff, type WechatClient } from './client'
import { SharedCredential } from './credential'
import { withAccessToken } from './token'

export interface SignatureInput {
  jsapiTicket: string
  nonceStr: string
  timestamp: number
  url: string
}

/** The JS-SDK signature (附录1). The URL is signed as given, minus any fragment. */
export function jssdkSignature(input: SignatureInput): string {
  const url = input.url.split('#')[0]
  const text = `jsapi_ticket=${input.jsapiTicket}&noncestr=${input.nonceStr}&timestamp=${input.timestamp}&url=${url}`
  return createHash('sha1').update(text).digest('hex')
}

/** 16 characters of [A-Za-z0-9], like the docs' example nonce. */
export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('')
}

export interface JsapiTicketOptions {
  client: WechatClient
  /** The service account's access token. */
  token: SharedCredential
  appId: string
  store: Store
  now: () => number
  timeoutMs: number
}

export function createJsapiTicket(options: JsapiTicketOptions): SharedCredential {
  return new SharedCredential({
    key: `ticket:${options.appId}`,
    name: 'jsapi_ticket',
    store: options.store,
    now: options.now,
    fetchTimeoutMs: options.timeoutMs * 3,
    fetch: async () => {
      const ticket = await withBackoff(
        () => withAccessToken(options.token, (accessToken) => options.client.jsapiTicket(accessToken)),
        { attempts: 3, baseMs: 200 },
      )
      return { value: ticket.ticket, expiresInSeconds: ticket.expires_in }
    },
  })
}
