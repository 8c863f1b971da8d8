/**
 * Access tokens through POST /cgi-bin/stable_token in normal mode: one fetch
 * at a time (per process and, with Redis, across instances), renewed in the
 * last 5 minutes, and a request refused with 40001/42001/40014 refetches the
 * token and is retried once. `force_refresh` is never sent: it would
 * invalidate the token every other instance (and any other system) is using.
 */
import type { Store } from '../stores/store'
import { ServiceError } from '../service/types'
import { isErrcode, withBackoff, type StableToken, type WechatClient } from './client'
import { SharedCredential } from './credential'
import { QUOTA_SPENT, TOKEN_REJECTED } from './errcodes'

export interface AccessTokenOptions {
  client: WechatClient
  appId: string
  secret: string
  store: Store
  now: () => number
  timeoutMs: number
  onFetch?: (outcome: 'ok' | 'error') => void
}

export function createAccessToken(options: AccessTokenOptions): SharedCredential {
  return new SharedCredential({
    key: `token:${options.appId}`,
    name: 'access token',
    store: options.store,
    now: options.now,
    fetchTimeoutMs: options.timeoutMs * 3,
    onFetch: options.onFetch,
    fetch: async () => {
      let token: StableToken
      try {
        token = await withBackoff(() => options.client.stableToken(options.appId, options.secret), {
          attempts: 3,
          baseMs: 200,
        })
      } catch (error) {
        // stable_token's own daily call limit (45009), not the link quota: passed on as a quota errcode it would mark
        // the day's links (or Short Links) spent until midnight, on every instance, long after the limit is cleared.
        if (isErrcode(error, ...QUOTA_SPENT)) throw tokenLimitReached(error.errcode ?? 45009)
        throw error
      }
      return { value: token.access_token, expiresInSeconds: token.expires_in }
    },
  })
}

/** WeChat refused stable_token for the day: a 503 that names the token, so no one reads it as the link quota. */
const tokenLimitReached = (errcode: number): ServiceError =>
  new ServiceError(
    'token-unavailable',
    503,
    `WeChat refused an access token: stable_token's daily call limit for this appid is reached (${errcode}). Another system may be fetching tokens for it in a loop; WeChat's clear_quota resets the limit, or it resets at midnight Beijing time.`,
    undefined,
    errcode,
  )

/**
 * Runs `call` with a valid token; when WeChat refuses that token (40001,
 * 42001, 40014) gets another and runs `call` once more — never more, so a
 * misbehaving upstream cannot turn one request into a loop.
 */
export async function withAccessToken<T>(token: SharedCredential, call: (accessToken: string) => Promise<T>): Promise<T> {
  const first = await token.get()
  try {
    return await call(first)
  } catch (error) {
    if (!isErrcode(error, ...TOKEN_REJECTED)) throw error
    return call(await token.replace(first))
  }
}
