/**
 * Who is calling: a server with `Authorization: Bearer <key>` (NAVI_API_KEYS) or
 * a web page from an allowed `Origin` (NAVI_ALLOWED_ORIGINS). Anyone else: 401.
 *
 * Keys are compared in constant time (`timingSafeEqual`, every key checked) so
 * response timing says nothing about how much of a guess matched.
 */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { HttpError } from './errors'

export type Caller = { kind: 'key' } | { kind: 'origin'; origin: string }

/** What authentication reads of a request: its headers (a fastify request or node's own). */
export interface RequestHeaders {
  headers: IncomingHttpHeaders
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller
  }
}

export interface AuthSettings {
  apiKeys: readonly string[]
  allowedOrigins: readonly string[]
  allowLoopbackOrigins: boolean
}

/** Matches `http://127.0.0.1:5173`, `http://localhost`, `http://[::1]:8080`. */
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/

export function createOriginCheck(settings: AuthSettings): (origin: string | undefined) => boolean {
  const allowed = new Set(settings.allowedOrigins)
  return (origin) => {
    if (!origin) return false
    return allowed.has(origin) || (settings.allowLoopbackOrigins && LOOPBACK_ORIGIN.test(origin))
  }
}

export function createKeyCheck(apiKeys: readonly string[]): (candidate: string) => boolean {
  const keys = apiKeys.map((key) => Buffer.from(key, 'utf8'))
  return (candidate) => {
    const theirs = Buffer.from(candidate, 'utf8')
    let match = false
    // No early exit, and every key costs the same whatever was sent: a candidate of another
    // length is not compared (timingSafeEqual needs equal lengths), the key is compared with
    // itself instead — as many bytes as a real comparison. The time depends on the key lengths
    // and the candidate's own length, never on their contents. (This replaced SHA-256 digests
    // of both sides: hashing the candidate cost more than the rest of authentication.)
    for (const ours of keys) {
      const sameLength = theirs.length === ours.length
      match = (timingSafeEqual(ours, sameLength ? theirs : ours) && sameLength) || match
    }
    return match
  }
}

const UNAUTHORIZED_MESSAGE =
  'Send Authorization: Bearer <key> (a key from NAVI_API_KEYS) or call from a page whose Origin is in NAVI_ALLOWED_ORIGINS.'

/** Returns the caller or throws 401. A wrong key is refused even from an allowed origin. */
export function createAuthenticator(settings: AuthSettings): (request: RequestHeaders) => Caller {
  const isKey = createKeyCheck(settings.apiKeys)
  const isAllowedOrigin = createOriginCheck(settings)
  const refuse = (message: string): HttpError =>
    new HttpError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="navi-link-service"' })

  return (request) => {
    const authorization = request.headers.authorization
    if (authorization !== undefined) {
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization)
      if (!match) throw refuse(`The Authorization header must be 'Bearer <key>'. ${UNAUTHORIZED_MESSAGE}`)
      if (!isKey(match[1])) throw refuse(`The API key is not valid. ${UNAUTHORIZED_MESSAGE}`)
      return { kind: 'key' }
    }
    const origin = request.headers.origin
    if (isAllowedOrigin(origin)) return { kind: 'origin', origin: origin as string }
    throw refuse(origin ? `Origin ${origin.slice(0, 100)} is not allowed. ${UNAUTHORIZED_MESSAGE}` : UNAUTHORIZED_MESSAGE)
  }
}
