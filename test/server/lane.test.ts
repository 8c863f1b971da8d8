/**
 * The mint lane (src/http/lane.ts) against fastify's own handling of the same
 * request. Every request goes out twice: over real HTTP to the listening
 * service, where the lane answers what it claims, and through `app.inject`,
 * which never reaches the node server and so always takes the fastify route.
 * Both answers must be the same: status, headers, body byte for byte.
 * /metrics shows which requests the lane took, so a lane that claimed nothing
 * would fail here rather than pass by default.
 */
import http from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpCounters } from '../../src/http/ops'
import { createAuthenticator } from '../../src/http/auth'
import { createMintLane } from '../../src/http/lane'
import type { LinkService } from '../../src/service/types'
import { API_KEY, AUTH, startStack, type Stack } from './http-harness'

interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

/** Headers that describe the connection or the moment, not the answer. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding'])

function comparable(headers: Record<string, unknown>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (!TRANSPORT_HEADERS.has(name)) kept[name] = String(value)
  return kept
}

interface Call {
  url: string
  headers?: Record<string, string>
  /** A string, or bytes sent as they are. */
  body: string | Buffer
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean
}

const JSON_HEADERS = { ...AUTH, 'content-type': 'application/json' }

let stack: Stack
let base: string
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })

function overHttp(call: Call): Promise<Answer> {
  const body = typeof call.body === 'string' ? Buffer.from(call.body) : call.body
  const headers: Record<string, string | number> = { ...JSON_HEADERS, ...call.headers }
  if (!call.chunked) headers['content-length'] = body.length
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${call.url}`, { method: 'POST', headers, agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: comparable(response.headers), body: Buffer.concat(chunks).toString('utf8') }),
      )
    })
    request.on('error', reject)
    if (call.chunked) {
      request.write(body.subarray(0, 1))
      request.end(body.subarray(1))
    } else request.end(body)
  })
}

async function throughFastify(call: Call): Promise<Answer> {
  const body = typeof call.body === 'string' ? Buffer.from(call.body) : call.body
  const response = await stack.app.inject({ method: 'POST', url: call.url, headers: { ...JSON_HEADERS, ...call.headers }, payload: body })
  return { status: response.statusCode, headers: comparable(response.headers), body: response.body }
}

async function laneCount(): Promise<number> {
  const response = await stack.app.inject({ method: 'GET', url: '/metrics' })
  const line = /^navi_http_lane_requests_total (\d+)$/m.exec(response.body)
  if (!line) throw new Error('no navi_http_lane_requests_total in /metrics')
  return Number(line[1])
}

/** Sends `call` both ways; returns both answers and whether the lane took the HTTP one. */
async function bothWays(call: Call): Promise<{ lane: Answer; fastify: Answer; byLane: boolean }> {
  const before = await laneCount()
  const lane = await overHttp(call)
  const byLane = (await laneCount()) === before + 1
  return { lane, fastify: await throughFastify(call), byLane }
}

/** Retry-After counts seconds to Beijing midnight: two calls may straddle a second. */
function withoutRetryAfter(answer: Answer): Answer {
  const { 'retry-after': _retryAfter, ...headers } = answer.headers
  return { ...answer, headers }
}

beforeAll(async () => {
  stack = await startStack({
    NAVI_LOG_LEVEL: 'warn',
    NAVI_ALLOWED_PATHS: 'pages/index/index,pages/shop/*',
    NAVI_DAILY_QUOTA: '5',
  })
  base = await stack.listen()
  // Warm the links the cases below read, so both ways answer from the cache.
  for (const url of ['/v1/wechat/scheme', '/v1/wechat/urllink']) await throughFastify({ url, body: '{"path":"pages/index/index"}' })
  await throughFastify({ url: '/v1/wechat/scheme', body: '{}' })
  await throughFastify({ url: '/v1/wechat/scheme', body: '{"path":"pages/shop/list","query":"a=1&b=%E4%B8%AD","envVersion":"trial","expireDays":7}' })
})

afterAll(async () => {
  agent.destroy()
  await stack?.close()
})

describe('the mint lane answers exactly as fastify does', () => {
  const cases: Array<[string, Call]> = [
    ['a cached scheme', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index"}' }],
    ['a cached URL Link', { url: '/v1/wechat/urllink', body: '{"path":"pages/index/index"}' }],
    ['every field, cq appended', { url: '/v1/wechat/scheme', body: '{"path":"pages/shop/list","query":"a=1&b=%E4%B8%AD","envVersion":"trial","expireDays":7,"cq":"uid=42"}' }],
    ['charset=utf-8 in the content type', { url: '/v1/wechat/scheme', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"path":"pages/index/index"}' }],
    ['not JSON', { url: '/v1/wechat/scheme', body: '{"path":' }],
    ['JSON null', { url: '/v1/wechat/scheme', body: 'null' }],
    ['a JSON string', { url: '/v1/wechat/scheme', body: '"pages/index/index"' }],
    ['an array', { url: '/v1/wechat/scheme', body: '[]' }],
    ['no path: the home page', { url: '/v1/wechat/scheme', body: '{}' }],
    ['an empty path', { url: '/v1/wechat/scheme', body: '{"path":""}' }],
    ['a number for path', { url: '/v1/wechat/scheme', body: '{"path":5}' }],
    ['a leading slash', { url: '/v1/wechat/scheme', body: '{"path":"/pages/index/index"}' }],
    ['a query in the path', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index?a=1"}' }],
    ['an unknown field', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index","expire_days":3}' }],
    ['expireDays out of range', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index","expireDays":31}' }],
    ['expireDays as text', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index","expireDays":"7"}' }],
    ['an unknown envVersion', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index","envVersion":"beta"}' }],
    ['a query outside WeChat\'s characters', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index","query":"name=中文"}' }],
    ['a query over 1024', { url: '/v1/wechat/scheme', body: JSON.stringify({ path: 'pages/index/index', query: 'a'.repeat(1025) }) }],
    ['a cq over 256', { url: '/v1/wechat/urllink', body: JSON.stringify({ path: 'pages/index/index', cq: 'c'.repeat(257) }) }],
    ['prototype poisoning', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index","__proto__":{"admin":true}}' }],
    ['constructor poisoning', { url: '/v1/wechat/scheme', body: '{"path":"pages/index/index","constructor":{"prototype":{"admin":true}}}' }],
    ['a path off the allow-list', { url: '/v1/wechat/scheme', body: '{"path":"pages/admin/admin"}' }],
    ['a .. segment out of an allowed folder', { url: '/v1/wechat/scheme', body: '{"path":"pages/shop/../admin/admin"}' }],
    ['its own appId', { url: '/v1/wechat/scheme', body: '{"appId":"wxsandbox000000001","path":"pages/index/index"}' }],
    ["another mini program's appId", { url: '/v1/wechat/scheme', body: '{"appId":"wx4e1ba651bbe36d01","path":"pages/index/index"}' }],
    ['an appId that is no WeChat AppID', { url: '/v1/wechat/urllink', body: '{"appId":"2021002161234567","path":"pages/index/index"}' }],
    ['bytes that are not UTF-8', { url: '/v1/wechat/scheme', body: Buffer.from([0x7b, 0x22, 0x70, 0x61, 0x74, 0x68, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }],
  ]

  it.each(cases)('%s', async (_name, call) => {
    const { lane, fastify, byLane } = await bothWays(call)
    expect(byLane).toBe(true)
    expect(lane).toEqual(fastify)
  })

  it('quota spent: the same 503 quota-exhausted with Retry-After', async () => {
    // NAVI_DAILY_QUOTA is 5 and the warm-up minted 4: one fresh link spends the last, the next finds none.
    await throughFastify({ url: '/v1/wechat/scheme', body: '{"path":"pages/shop/a"}' })
    const { lane, fastify, byLane } = await bothWays({ url: '/v1/wechat/scheme', body: '{"path":"pages/shop/b"}' })
    expect(byLane).toBe(true)
    expect(lane.status).toBe(503)
    expect(JSON.parse(lane.body).error.code).toBe('quota-exhausted')
    expect(Number(lane.headers['retry-after'])).toBeGreaterThan(0)
    expect(Math.abs(Number(lane.headers['retry-after']) - Number(fastify.headers['retry-after']))).toBeLessThanOrEqual(1)
    expect(withoutRetryAfter(lane)).toEqual(withoutRetryAfter(fastify))
  })

  it('any body (fast-check, 1,000 bodies): the same answer', async () => {
    const field = fc.constantFrom('path', 'query', 'envVersion', 'expireDays', 'cq', 'pageTitle', '__proto__', 'constructor')
    const value = fc.oneof(
      fc.constantFrom('pages/index/index', 'pages/shop/x', 'pages/admin/a', '/pages/index/index', 'release', 'trial', 'a=1', 'x?y'),
      fc.string({ maxLength: 40 }),
      fc.integer({ min: -5, max: 40 }),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 2 }),
    )
    const body = fc.oneof(
      fc.dictionary(field, value, { maxKeys: 5 }).map((object) => JSON.stringify(object)),
      fc.json({ maxDepth: 2 }),
      fc.string({ minLength: 1, maxLength: 60 }),
    )
    // A fresh valid link would be minted by whichever way asks first (cached: false, then true):
    // with the day's quota spent, every fresh link is the same 503 both ways.
    for (let fresh = 0; (await throughFastify({ url: '/v1/wechat/scheme', body: `{"path":"pages/shop/q${fresh}"}` })).status !== 503; fresh++)
      expect(fresh).toBeLessThan(5)
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('/v1/wechat/scheme', '/v1/wechat/urllink'), async (text, url) => {
        const { lane, fastify, byLane } = await bothWays({ url, body: text })
        expect(byLane).toBe(true)
        expect(withoutRetryAfter(lane)).toEqual(withoutRetryAfter(fastify))
      }),
      { numRuns: 1000 },
    )
  })
})

describe('what the lane leaves to fastify', () => {
  const declined: Array<[string, Call]> = [
    ['a browser call (Origin)', { url: '/v1/wechat/scheme', headers: { origin: 'http://127.0.0.1:5173' }, body: '{"path":"pages/index/index"}' }],
    ['a wrong key', { url: '/v1/wechat/scheme', headers: { authorization: 'Bearer not-the-key-0123456789' }, body: '{"path":"pages/index/index"}' }],
    ['a chunked body', { url: '/v1/wechat/scheme', chunked: true, body: '{"path":"pages/index/index"}' }],
    ['another content type', { url: '/v1/wechat/scheme', headers: { 'content-type': 'text/plain' }, body: '{"path":"pages/index/index"}' }],
    ['a query string on the URL', { url: '/v1/wechat/scheme?x=1', body: '{"path":"pages/index/index"}' }],
    ['short links', { url: '/v1/wechat/shortlink', body: '{"path":"pages/index/index"}' }],
    ['a body over the limit', { url: '/v1/wechat/scheme', body: JSON.stringify({ path: 'pages/index/index', query: 'a'.repeat(9000) }) }],
  ]

  it.each(declined)('%s', async (_name, call) => {
    const { lane, fastify, byLane } = await bothWays(call)
    expect(byLane).toBe(false)
    expect(lane.status).toBe(fastify.status)
    // The first of the two may have minted the link the second reads from the cache.
    const answerOf = (answer: Answer) => ({ ...JSON.parse(answer.body), cached: undefined })
    expect(answerOf(lane)).toEqual(answerOf(fastify))
  })

  it('the browser call still gets its CORS headers', async () => {
    const answer = await overHttp({ url: '/v1/wechat/scheme', headers: { origin: 'http://127.0.0.1:5173' }, body: '{"path":"pages/index/index"}' })
    expect(answer.status).toBe(200)
    expect(answer.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173')
  })

  it('the wrong key still gets 401 with WWW-Authenticate', async () => {
    const answer = await overHttp({ url: '/v1/wechat/scheme', headers: { authorization: `Bearer ${API_KEY}x` }, body: '{"path":"pages/index/index"}' })
    expect(answer.status).toBe(401)
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/)
  })
})

describe('the lane is off while fastify logs every request', () => {
  it('at NAVI_LOG_LEVEL=info every call goes through fastify', async () => {
    const verbose = await startStack({ NAVI_LOG_LEVEL: 'info' })
    try {
      const url = await verbose.listen()
      const response = await fetch(`${url}/v1/wechat/scheme`, { method: 'POST', headers: JSON_HEADERS, body: '{"path":"pages/index/index"}' })
      expect(response.status).toBe(200)
      const metrics = await (await fetch(`${url}/metrics`)).text()
      expect(metrics).toMatch(/^navi_http_lane_requests_total 0$/m)
      expect(verbose.logLines.some((line) => line.includes('"msg":"request completed"'))).toBe(true)
    } finally {
      await verbose.close()
    }
  })
})

describe('the lane on its own', () => {
  // Every check below happens on headers, before the core is reached: it needs none.
  const standaloneLane = () =>
    createMintLane({
      service: {} as LinkService,
      authenticate: createAuthenticator({ apiKeys: [API_KEY], allowedOrigins: [], allowLoopbackOrigins: false }),
      allowedPaths: null,
      sandbox: true,
      bodyLimit: 8192,
      counters: createHttpCounters(),
      logger: stack.app.log,
    })

  /** A POST with a valid key and JSON headers, as node hands it over (no socket: never read). */
  const post = (url: string) =>
    Object.assign(new http.IncomingMessage(null as never), { method: 'POST', url, headers: { ...JSON_HEADERS, 'content-length': '2' } })

  it('takes a well-formed call (the checks below are what refuse)', () => {
    const request = post('/v1/wechat/scheme')
    expect(standaloneLane().serve(request, new http.ServerResponse(request))).toBe(true)
  })

  it('a request-target naming an Object member is not a route', () => {
    const lane = standaloneLane()
    for (const url of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const request = post(url)
      expect(lane.serve(request, new http.ServerResponse(request))).toBe(false)
    }
  })

  it('a closed lane claims nothing: fastify answers (503 while the server closes)', () => {
    const lane = standaloneLane()
    const request = post('/v1/wechat/scheme')
    const response = new http.ServerResponse(request)
    lane.close()
    expect(lane.serve(request, response)).toBe(false)
    expect(response.headersSent).toBe(false)
  })
})

describe('closing', () => {
  it('close() finishes with a keep-alive connection open after lane answers', async () => {
    const closing = await startStack({ NAVI_LOG_LEVEL: 'warn' })
    const url = await closing.listen()
    const keepAlive = new http.Agent({ keepAlive: true })
    const answered = await new Promise<number>((resolve, reject) => {
      const body = '{"path":"pages/index/index"}'
      http
        .request(`${url}/v1/wechat/scheme`, { method: 'POST', agent: keepAlive, headers: { ...JSON_HEADERS, 'content-length': body.length } }, (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        })
        .on('error', reject)
        .end(body)
    })
    expect(answered).toBe(200)
    const metrics = await closing.app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/^navi_http_lane_requests_total 1$/m)
    // The agent keeps its socket open; close() must not wait for it.
    const started = Date.now()
    await closing.close()
    expect(Date.now() - started).toBeLessThan(5_000)
    keepAlive.destroy()
  })
})
