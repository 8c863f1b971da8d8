import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startEmulator } from '../../src/emulator'
import { createKeyCheck } from '../../src/http/auth'
import { startServer } from '../../src/server'
import { ALLOWED_ORIGIN, ANDROID_UA, API_KEY, AUTH, startStack, type Stack } from './http-harness'

const scheme = (headers: Record<string, string>, body: object = { path: 'pages/index/index' }) => ({
  method: 'POST' as const,
  url: '/v1/wechat/scheme',
  headers,
  payload: body,
})

describe('callers', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({ NAVI_ALLOWED_PATHS: 'pages/index/index,pages/goods/*' }, { sandbox: false })
  })
  afterAll(() => stack.close())

  it('accepts a key from NAVI_API_KEYS', async () => {
    const res = await stack.app.inject(scheme(AUTH))
    expect(res.statusCode).toBe(200)
    expect(res.json().url).toMatch(/^weixin:\/\/dl\/business\/\?t=/)
  })

  it('accepts an allowed Origin without a key', async () => {
    const res = await stack.app.inject(scheme({ origin: ALLOWED_ORIGIN }))
    expect(res.statusCode).toBe(200)
  })

  it.each([
    ['no credentials', {}],
    ['an unknown origin', { origin: 'https://evil.example.com' }],
    ['a look-alike origin', { origin: `${ALLOWED_ORIGIN}.evil.com` }],
    ['a wrong key', { authorization: 'Bearer not-the-key-0123456789' }],
    ['a key prefix', { authorization: `Bearer ${API_KEY.slice(0, -1)}` }],
    ['a non-Bearer scheme', { authorization: `Basic ${API_KEY}` }],
    ['a wrong key from an allowed origin', { authorization: 'Bearer wrong-key-000000000000', origin: ALLOWED_ORIGIN }],
  ])('refuses %s with 401', async (_name, headers: Record<string, string>) => {
    const before = await stack.upstreamLinkCalls()
    const res = await stack.app.inject(scheme(headers))
    expect(res.statusCode).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/)
    const body = res.json()
    expect(body.error.code).toBe('unauthorized')
    expect(body.error.message).toMatch(/NAVI_API_KEYS/)
    expect(await stack.upstreamLinkCalls()).toBe(before)
  })

  it('mints a permanent Short Link for a key only: an Origin header is no credential outside a browser', async () => {
    const permanent = { method: 'POST' as const, url: '/v1/wechat/shortlink', payload: { path: 'pages/index/index', query: 'junk=1', isPermanent: true } }
    const before = await stack.upstreamLinkCalls()
    const fromOrigin = await stack.app.inject({ ...permanent, headers: { origin: ALLOWED_ORIGIN } })
    expect(fromOrigin.statusCode).toBe(403)
    expect(fromOrigin.json().error).toMatchObject({ code: 'permanent-needs-key' })
    expect(fromOrigin.json().error.message).toMatch(/API key/)
    expect(await stack.upstreamLinkCalls()).toBe(before)
    // An expiring Short Link from the same origin, and a permanent one from a server with its key, are minted.
    const expiring = await stack.app.inject({ ...permanent, payload: { path: 'pages/index/index' }, headers: { origin: ALLOWED_ORIGIN } })
    expect(expiring.statusCode).toBe(200)
    const fromServer = await stack.app.inject({ ...permanent, headers: AUTH })
    expect(fromServer.statusCode).toBe(200)
    expect(fromServer.json().expiresAt).toBeNull()
  })

  it('in a real deployment loopback origins are not allowed by default', async () => {
    const res = await stack.app.inject(scheme({ origin: 'http://127.0.0.1:5173' }))
    expect(res.statusCode).toBe(401)
  })

  it('403s a path off NAVI_ALLOWED_PATHS, before any upstream call', async () => {
    const before = await stack.upstreamLinkCalls()
    const res = await stack.app.inject(scheme(AUTH, { path: 'pages/admin/admin' }))
    expect(res.statusCode).toBe(403)
    expect(res.json().error).toMatchObject({ code: 'path-not-allowed' })
    expect(res.json().error.message).toContain('pages/admin/admin')
    expect(await stack.upstreamLinkCalls()).toBe(before)
    const shortlink = await stack.app.inject({
      method: 'POST',
      url: '/v1/wechat/shortlink',
      headers: AUTH,
      payload: { path: 'pages/admin/admin' },
    })
    expect(shortlink.statusCode).toBe(403)
  })

  it.each(['pages/goods/../admin/admin', 'pages/goods/./detail', 'pages/goods/', 'pages/goods//detail'])(
    "400s %s: '.', '..' and empty segments never pass a folder wildcard",
    async (path) => {
      const before = await stack.upstreamLinkCalls()
      for (const url of ['/v1/wechat/scheme', '/v1/wechat/urllink', '/v1/wechat/shortlink']) {
        const res = await stack.app.inject({ ...scheme(AUTH, { path }), url })
        expect(res.statusCode).toBe(400)
        expect(res.json().error).toMatchObject({ code: 'invalid', field: 'path', rule: 'path-segments' })
      }
      expect(await stack.upstreamLinkCalls()).toBe(before)
    },
  )

  it('opens the home page for a body without path, whatever NAVI_ALLOWED_PATHS lists; a Short Link still needs a path', async () => {
    for (const url of ['/v1/wechat/scheme', '/v1/wechat/urllink']) {
      const res = await stack.app.inject({ method: 'POST', url, headers: AUTH, payload: { query: 'from=sms' } })
      expect(res.statusCode).toBe(200)
      // WeChat opens the home page for an empty path ("path为空时会跳转小程序主页").
      expect(stack.emulator?.control.lookupLink(res.json().url)).toMatchObject({ path: '', query: 'from=sms' })
    }
    const short = await stack.app.inject({ method: 'POST', url: '/v1/wechat/shortlink', headers: AUTH, payload: {} })
    expect(short.statusCode).toBe(400)
    expect(short.json().error).toMatchObject({ field: 'path', rule: 'required' })
  })

  it('allows listed paths and folder wildcards', async () => {
    expect((await stack.app.inject(scheme(AUTH, { path: 'pages/goods/detail' }))).statusCode).toBe(200)
    expect((await stack.app.inject({ method: 'POST', url: '/v1/wechat/urllink', headers: AUTH, payload: { path: 'pages/goods/list' } })).statusCode).toBe(200)
  })

  it('sends CORS headers to allowed origins only', async () => {
    const allowed = await stack.app.inject(scheme({ origin: ALLOWED_ORIGIN }))
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN)

    const preflight = await stack.app.inject({
      method: 'OPTIONS',
      url: '/v1/wechat/scheme',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(preflight.statusCode).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN)
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST')

    for (const origin of ['https://evil.example.com', 'null']) {
      const denied = await stack.app.inject(scheme({ origin }))
      expect(denied.headers['access-control-allow-origin']).toBeUndefined()
      const deniedPreflight = await stack.app.inject({
        method: 'OPTIONS',
        url: '/v1/wechat/scheme',
        headers: { origin, 'access-control-request-method': 'POST' },
      })
      expect(deniedPreflight.headers['access-control-allow-origin']).toBeUndefined()
      // Said as what it is, for the developer reading the network panel: not "no such route".
      expect(deniedPreflight.statusCode).toBe(403)
      expect(deniedPreflight.json().error).toMatchObject({ code: 'origin-not-allowed', message: `Origin ${origin} is not in NAVI_ALLOWED_ORIGINS; add it there to call this service from that page.` })
    }
    // A key caller (no Origin) gets no CORS headers either: it is not a browser.
    expect((await stack.app.inject(scheme(AUTH))).headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('per-origin rate limit', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack(
      { NAVI_ALLOWED_ORIGINS: `${ALLOWED_ORIGIN},https://other.example.com`, NAVI_RATE_LIMIT_MAX: '5' },
      { sandbox: false },
    )
  })
  afterAll(() => stack.close())

  it('429s a browser origin over its budget with Retry-After, leaving other origins and key callers alone', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await stack.app.inject(scheme({ origin: ALLOWED_ORIGIN }))).statusCode)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429])

    const limited = await stack.app.inject(scheme({ origin: ALLOWED_ORIGIN }))
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json().error.code).toBe('rate-limited')
    // CORS headers still there, so the page can read the 429.
    expect(limited.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN)

    // One budget per caller across the API, not per route.
    const urllink = await stack.app.inject({ ...scheme({ origin: ALLOWED_ORIGIN }), url: '/v1/wechat/urllink' })
    expect(urllink.statusCode).toBe(429)

    // Same IP, another origin: its own budget.
    expect((await stack.app.inject(scheme({ origin: 'https://other.example.com' }))).statusCode).toBe(200)
    // Another IP, same origin: its own budget.
    expect((await stack.app.inject({ ...scheme({ origin: ALLOWED_ORIGIN }), remoteAddress: '10.0.0.7' })).statusCode).toBe(200)
    // Server callers with a key are not counted against browser budgets.
    for (let i = 0; i < 8; i++) expect((await stack.app.inject(scheme(AUTH))).statusCode).toBe(200)
  })
})

describe('behind a reverse proxy (NAVI_TRUST_PROXY)', () => {
  const body = JSON.stringify({ path: 'pages/index/index' })
  // The proxy at 10.0.0.1 appends the address it saw; whatever stands before it the client wrote.
  const viaProxy = (forwardedFor: string) => ({ remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': forwardedFor } })
  const api = (forwardedFor: string) => {
    const { remoteAddress, headers } = viaProxy(forwardedFor)
    return { ...scheme({ ...headers, origin: ALLOWED_ORIGIN, 'content-type': 'application/json' }), payload: body, remoteAddress }
  }
  const transit = (forwardedFor: string) => {
    const { remoteAddress, headers } = viaProxy(forwardedFor)
    return { method: 'GET' as const, url: '/go/wechat?path=pages/index/index', remoteAddress, headers: { ...headers, 'user-agent': ANDROID_UA } }
  }

  it.each([
    // One proxy: the client's address is the last X-Forwarded-For entry.
    ['true', ''],
    ['1', ''],
    // Two proxies (a CDN at 10.0.0.2, then nginx at 10.0.0.1), by hop count or by their addresses.
    ['2', ', 10.0.0.2'],
    ['10.0.0.0/8', ', 10.0.0.2'],
    ['loopback, 10.0.0.1, 10.0.0.2', ', 10.0.0.2'],
  ])('NAVI_TRUST_PROXY=%s: a client-written X-Forwarded-For entry gets no fresh bucket; the proxy-appended address is the key', async (trust, proxies) => {
    const stack = await startStack({ NAVI_TRUST_PROXY: trust, NAVI_RATE_LIMIT_MAX: '3' }, { sandbox: false })
    try {
      for (const request of [api, transit]) {
        const statuses: number[] = []
        for (let i = 0; i < 5; i++) statuses.push((await stack.app.inject(request(`203.0.113.${i}, 198.51.100.7${proxies}`))).statusCode)
        expect(statuses).toEqual([200, 200, 200, 429, 429])
        // Another client behind the same proxy: its own bucket, so the key is not the proxy's address either.
        expect((await stack.app.inject(request(`203.0.113.9, 198.51.100.8${proxies}`))).statusCode).toBe(200)
      }
    } finally {
      await stack.close()
    }
  })
})

describe('NAVI_TRUST_PROXY=true trusts only proxies on loopback or a private network', () => {
  it('a client reaching the service directly from a public address is keyed by that address, whatever X-Forwarded-For it writes', async () => {
    const stack = await startStack({ NAVI_TRUST_PROXY: 'true', NAVI_RATE_LIMIT_MAX: '3' }, { sandbox: false })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) {
        const res = await stack.app.inject({
          method: 'GET',
          url: '/go/wechat?path=pages/index/index',
          remoteAddress: '198.51.100.50',
          headers: { 'x-forwarded-for': `203.0.113.${i}`, 'user-agent': ANDROID_UA },
        })
        statuses.push(res.statusCode)
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429])
    } finally {
      await stack.close()
    }
  })
})

describe('rate limit shared through Redis (many instances)', () => {
  it('two instances count one budget per origin + IP', async () => {
    const origin = `https://shared-${Date.now()}.example.com`
    const env = { NAVI_REDIS_URL: inject('redisUrl'), NAVI_ALLOWED_ORIGINS: origin, NAVI_RATE_LIMIT_MAX: '4' }
    const a = await startStack(env, { sandbox: false })
    const b = await startStack(env, { sandbox: false })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) {
        const instance = i % 2 === 0 ? a : b
        statuses.push((await instance.app.inject(scheme({ origin }))).statusCode)
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429])
    } finally {
      await a.close()
      await b.close()
    }
  })

  it("a link service for another mini program on the same Redis keeps its own budget for the page", async () => {
    const origin = `https://two-apps-${Date.now()}.example.com`
    const env = { NAVI_REDIS_URL: inject('redisUrl'), NAVI_ALLOWED_ORIGINS: origin, NAVI_RATE_LIMIT_MAX: '2' }
    const other = { appId: 'wxother00000000001', secret: 'other-secret' }
    const otherWechat = await startEmulator({ apps: [other] })
    const shop = await startStack(env, { sandbox: false })
    const blog = await startServer({
      env: { ...env, WECHAT_APPID: other.appId, WECHAT_SECRET: other.secret, WECHAT_API_BASE: otherWechat.url },
      port: 0,
      host: '127.0.0.1',
      logStream: { write: () => {} },
    })
    try {
      const statuses = async (app: Stack['app']) => {
        const answered: number[] = []
        for (let i = 0; i < 3; i++) answered.push((await app.inject(scheme({ origin }))).statusCode)
        return answered
      }
      expect(await statuses(shop.app)).toEqual([200, 200, 429])
      expect(await statuses(blog.app)).toEqual([200, 200, 429])
    } finally {
      await shop.close()
      await blog.close()
      await otherWechat.close()
    }
  })
})

describe('createKeyCheck', () => {
  it('matches whole keys only, whatever their length', () => {
    const check = createKeyCheck(['a'.repeat(20), 'b'.repeat(32)])
    expect(check('a'.repeat(20))).toBe(true)
    expect(check('b'.repeat(32))).toBe(true)
    expect(check('a'.repeat(19))).toBe(false)
    expect(check('a'.repeat(21))).toBe(false)
    expect(check('')).toBe(false)
    expect(createKeyCheck([])('anything')).toBe(false)
  })
})
