/**
 * Random requests against the real app (fastify inject): whatever a caller
 * sends, the service answers — never crashes, never a 5xx for the caller's
 * own mistake, always the documented error shape.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANDROID_UA, AUTH, startStack, WECHAT_UA, type Stack } from './http-harness'

const HOSTILE = ['"', "'", '<', '>', '&', '\\', '\u0000', '\n', ' ', '中', '😀', '\u2028', '/', '?', '#', '%', '=', '__proto__', 'javascript:', '../']
const VALID_PATHS = ['pages/index/index', 'pages/goods/detail', 'pkg/report/report']

/** Strings that are often almost right: the interesting edge of every rule. */
const nearMiss = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(...VALID_PATHS),
  fc.constantFrom(...VALID_PATHS).map((p) => `/${p}`),
  fc.constantFrom(...VALID_PATHS).map((p) => `${p}?id=1`),
  fc.array(fc.constantFrom(...HOSTILE, 'a', '1', 'id=', '&'), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ minLength: 1000, maxLength: 1100 }),
  fc.constantFrom('a=1', 'id=42&x=y', "k=v!*'()"),
)

const anyValue = fc.oneof(
  nearMiss,
  fc.integer({ min: -5, max: 40 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
)

const linkBody = fc.record(
  {
    path: anyValue,
    query: anyValue,
    envVersion: fc.oneof(fc.constantFrom('release', 'trial', 'develop', 'beta', ''), anyValue),
    expireDays: fc.oneof(fc.integer({ min: -2, max: 35 }), anyValue),
    cq: anyValue,
    pageTitle: anyValue,
    isPermanent: fc.oneof(fc.boolean(), anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
)

const rawBody = fc.oneof(
  linkBody.map((body) => JSON.stringify(body)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    '',
    '{',
    '{"path":',
    'null',
    '[]',
    '"pages/index/index"',
    '{"path":"pages/index/index"}',
    '{"path":"pages/index/index","__proto__":{"polluted":true}}',
    '{"path":"pages/index/index","constructor":{"prototype":{"polluted":true}}}',
  ),
)

const route = fc.constantFrom('/v1/wechat/scheme', '/v1/wechat/urllink', '/v1/wechat/shortlink')
const contentType = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 8 },
  { arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', undefined), weight: 1 },
)

const RUNS = { post: 7000, get: 3000 }

describe('fuzz', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({ NAVI_RATE_LIMIT_MAX: '1000000' }, { sandbox: false })
  })
  afterAll(() => stack.close())

  function expectWellFormed(res: { statusCode: number; headers: Record<string, unknown>; body: string }): void {
    if (res.statusCode >= 500) throw new Error(`5xx for a caller's request: ${res.statusCode} ${res.body.slice(0, 200)}`)
    if (String(res.headers['content-type']).startsWith('application/json')) {
      const body = JSON.parse(res.body)
      if (res.statusCode >= 400) {
        expect(typeof body.error.code).toBe('string')
        expect(typeof body.error.message).toBe('string')
        expect(res.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/)
      } else {
        expect(typeof body.url).toBe('string')
      }
    }
  }

  it(`${RUNS.post} random POST bodies: no crash, no 5xx, documented shape`, async () => {
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(route, rawBody, contentType, async (url, payload, type) => {
        const headers: Record<string, string> = { ...AUTH }
        if (type) headers['content-type'] = type
        const res = await stack.app.inject({ method: 'POST', url, headers, payload })
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        expectWellFormed(res)
      }),
      { numRuns: RUNS.post },
    )
    // The generators reach both sides of the rules, not only one error.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100)
    expect(statuses.get(400) ?? 0).toBeGreaterThan(1000)
    expect(statuses.get(415) ?? 0).toBeGreaterThan(100)
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    console.log('fuzz POST statuses', Object.fromEntries(statuses), 'upstream link calls', await stack.upstreamLinkCalls())
  })

  it(`${RUNS.get} random query strings on the transit page and jssdk-config: no crash, no 5xx`, async () => {
    const param = fc.oneof(nearMiss, fc.constant(undefined))
    await fc.assert(
      fc.asyncProperty(param, param, param, fc.constantFrom(ANDROID_UA, WECHAT_UA, 'curl/8'), fc.boolean(), async (path, query, env, ua, jssdk) => {
        const search = new URLSearchParams()
        if (path !== undefined) search.set(jssdk ? 'url' : 'path', path)
        if (query !== undefined) search.set('query', query)
        if (env !== undefined) search.append('env', env)
        const url = jssdk ? `/v1/wechat/jssdk-config?${search}` : `/go/wechat?${search}`
        const res = await stack.app.inject({ method: 'GET', url, headers: { ...AUTH, 'user-agent': ua } })
        expectWellFormed(res)
      }),
      { numRuns: RUNS.get },
    )
  })
})
