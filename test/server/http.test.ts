import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ServiceError, type LinkService } from '../../src/service/types'
import { SANDBOX_APP } from '../../src/emulator'
import { ERRCODES } from '../../src/wechat/errcodes'
import { ANDROID_UA, API_KEY, AUTH, startStack, type Stack } from './http-harness'

const post = (url: string, payload: unknown, headers: Record<string, string> = AUTH) => ({
  method: 'POST' as const,
  url,
  headers,
  payload: payload as object,
})

describe('request validation (before any upstream call)', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({}, { sandbox: false })
  })
  afterAll(() => stack.close())

  const cases: Array<[string, unknown, string, string, RegExp]> = [
    ['leading slash', { path: '/pages/a/a' }, 'path', 'no-leading-slash', /must not start with '\/'/],
    ['query in path', { path: 'pages/a/a?x=1' }, 'path', 'no-query', /must not contain '\?'/],
    ['odd path chars', { path: 'pages/a a' }, 'path', 'page-path-chars', /only letters, digits/],
    ['a .. segment', { path: 'pages/ok/../secret/x' }, 'path', 'path-segments', /'\.', '\.\.' or empty/],
    ['a . segment', { path: 'pages/./a' }, 'path', 'path-segments', /'\.', '\.\.' or empty/],
    ['a leading .. segment', { path: '../pages/a' }, 'path', 'path-segments', /'\.', '\.\.' or empty/],
    ['a trailing ..', { path: 'pages/a/..' }, 'path', 'path-segments', /'\.', '\.\.' or empty/],
    ['an empty segment', { path: 'pages//a' }, 'path', 'path-segments', /'\.', '\.\.' or empty/],
    ['a trailing slash', { path: 'pages/a/' }, 'path', 'path-segments', /'\.', '\.\.' or empty/],
    ['path not a string', { path: 42 }, 'path', 'type', /path must be a string/],
    ['an empty path (leave it out for the home page)', { path: '' }, 'path', 'path-segments', /'\.', '\.\.' or empty/],
    ['query charset', { path: 'p/a', query: 'a=中文' }, 'query', 'wechat-charset', /"中" is not allowed/],
    ['query space', { path: 'p/a', query: 'a b' }, 'query', 'wechat-charset', /" " is not allowed/],
    ['query too long', { path: 'p/a', query: 'a'.repeat(1025) }, 'query', 'max-length', /at most 1024/],
    ['envVersion', { path: 'p/a', envVersion: 'beta' }, 'envVersion', 'enum', /release, trial, develop/],
    ['expireDays 0', { path: 'p/a', expireDays: 0 }, 'expireDays', 'range', /between 1 and 30/],
    ['expireDays 31', { path: 'p/a', expireDays: 31 }, 'expireDays', 'range', /between 1 and 30/],
    ['expireDays 1.5', { path: 'p/a', expireDays: 1.5 }, 'expireDays', 'type', /integer/],
    ['expireDays "5"', { path: 'p/a', expireDays: '5' }, 'expireDays', 'type', /integer/],
    ['cq too long', { path: 'p/a', cq: 'c'.repeat(257) }, 'cq', 'max-length', /at most 256/],
    ['cq charset', { path: 'p/a', cq: 'a<b' }, 'cq', 'wechat-charset', /"<" is not allowed/],
    ['appId not a WeChat AppID', { path: 'p/a', appId: '2021002161234567' }, 'appId', 'wechat-appid', /wx and 16 letters or digits/],
    ['unknown field', { path: 'p/a', env_version: 'trial' }, 'env_version', 'unknown-field', /Unknown field 'env_version'/],
    ['array body', [1, 2], 'body', 'type', /body must be an object/],
  ]

  it.each(cases)('%s → 400 naming the field and rule', async (_name, body, field, rule, message) => {
    const before = await stack.upstreamLinkCalls()
    const res = await stack.app.inject(post('/v1/wechat/scheme', body))
    expect(res.statusCode).toBe(400)
    const { error } = res.json()
    expect(error).toMatchObject({ code: 'invalid', field, rule })
    expect(error.message).toMatch(message)
    expect(await stack.upstreamLinkCalls()).toBe(before)
  })

  it('accepts every character of WeChat\'s query set at the limits', async () => {
    const set = "0123456789ABCXYZabcxyz!#$&'()*+,/:;=?@-._~%"
    const res = await stack.app.inject(
      post('/v1/wechat/urllink', { path: 'pages/a/a', query: set, cq: set, envVersion: 'trial', expireDays: 30 }),
    )
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ cached: false })
    const long = await stack.app.inject(post('/v1/wechat/scheme', { path: 'pages/a/a', query: 'q'.repeat(1024), expireDays: 1 }))
    expect(long.statusCode).toBe(200)
  })

  it("mints for the caller's appId when it is the service's own, and refuses another mini program's", async () => {
    for (const url of ['/v1/wechat/scheme', '/v1/wechat/urllink', '/v1/wechat/shortlink']) {
      const own = await stack.app.inject(post(url, { appId: SANDBOX_APP.appId, path: 'pages/own/own' }))
      expect(own.statusCode).toBe(200)
      const before = await stack.upstreamLinkCalls()
      const other = await stack.app.inject(post(url, { appId: 'wx4e1ba651bbe36d01', path: 'pages/own/own' }))
      expect(other.statusCode).toBe(400)
      expect(other.json().error).toMatchObject({ code: 'app-mismatch' })
      expect(other.json().error.message).toBe(
        `This link service mints links for ${SANDBOX_APP.appId} only; wx4e1ba651bbe36d01 needs a link service of its own (its WECHAT_APPID and WECHAT_SECRET).`,
      )
      expect(await stack.upstreamLinkCalls()).toBe(before)
    }
  })

  it('validates the shortlink and jssdk-config inputs', async () => {
    const title = await stack.app.inject(post('/v1/wechat/shortlink', { path: 'p/a', pageTitle: 't'.repeat(65) }))
    expect(title.json().error).toMatchObject({ field: 'pageTitle', rule: 'max-length' })
    // The schema and the core agree: 64 emoji pass both (and are minted), DEL fails both before any upstream call.
    const emoji = await stack.app.inject(post('/v1/wechat/shortlink', { path: 'p/a', pageTitle: '😀'.repeat(64) }))
    expect(emoji.statusCode).toBe(200)
    const before = await stack.upstreamLinkCalls()
    const del = await stack.app.inject(post('/v1/wechat/shortlink', { path: 'p/a', pageTitle: 'Sale\u007f' }))
    expect(del.statusCode).toBe(400)
    expect(del.json().error).toMatchObject({ field: 'pageTitle' })
    expect(await stack.upstreamLinkCalls()).toBe(before)
    const permanent = await stack.app.inject(post('/v1/wechat/shortlink', { path: 'p/a', isPermanent: 'yes' }))
    expect(permanent.json().error).toMatchObject({ field: 'isPermanent', rule: 'type' })
    const cq = await stack.app.inject(post('/v1/wechat/shortlink', { path: 'p/a', cq: 'x' }))
    expect(cq.json().error).toMatchObject({ field: 'cq', rule: 'unknown-field' })

    const noUrl = await stack.app.inject({ method: 'GET', url: '/v1/wechat/jssdk-config', headers: AUTH })
    expect(noUrl.statusCode).toBe(400)
    expect(noUrl.json().error).toMatchObject({ field: 'url', rule: 'required' })
    const hash = await stack.app.inject({
      method: 'GET',
      url: `/v1/wechat/jssdk-config?url=${encodeURIComponent('https://a.example.com/p#frag')}`,
      headers: AUTH,
    })
    expect(hash.json().error).toMatchObject({ field: 'url', rule: 'page-url' })
    const js = await stack.app.inject({ method: 'GET', url: '/v1/wechat/jssdk-config?url=javascript:alert(1)', headers: AUTH })
    expect(js.statusCode).toBe(400)
  })

  it('refuses malformed bodies with a stable code', async () => {
    const json = await stack.app.inject({
      method: 'POST',
      url: '/v1/wechat/scheme',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"path":',
    })
    expect(json.statusCode).toBe(400)
    expect(json.json().error.code).toBe('invalid-json')
    const text = await stack.app.inject({
      method: 'POST',
      url: '/v1/wechat/scheme',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      payload: 'path=pages/a/a',
    })
    expect(text.statusCode).toBe(415)
    expect(text.json().error.code).toBe('unsupported-media-type')
    const big = await stack.app.inject(post('/v1/wechat/scheme', { path: 'p/a', pad: 'x'.repeat(10_000) }))
    expect(big.statusCode).toBe(413)
    expect(big.json().error.code).toBe('body-too-large')
    const proto = await stack.app.inject({
      method: 'POST',
      url: '/v1/wechat/scheme',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"path":"p/a","__proto__":{"admin":true}}',
    })
    expect(proto.statusCode).toBe(400)
  })

  it('answers unknown routes with the same error shape', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/v1/wechat/nothing' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('not-found')
  })
})

describe('WeChat errors through the real core', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({}, { sandbox: false })
  })
  afterAll(() => stack.close())

  it('a WeChat errcode reaches the caller as the mapped status and stable code', async () => {
    stack.emulator?.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: 40165, times: 1 } })
    const res = await stack.app.inject(post('/v1/wechat/scheme', { path: 'pages/missing/missing' }))
    expect(res.statusCode).toBe(ERRCODES[40165].status)
    expect(res.json()).toEqual({ error: { code: ERRCODES[40165].code, message: ERRCODES[40165].message }, sandbox: false })
    stack.emulator?.control.setFaults({ forceErrcode: { api: 'generate_urllink', errcode: 85079, times: 1 } })
    const unpublished = await stack.app.inject(post('/v1/wechat/urllink', { path: 'pages/index/index' }))
    expect(unpublished.statusCode).toBe(409)
    expect(unpublished.json().error.code).toBe(ERRCODES[85079].code)
  })

  it('when the daily quota is gone, a plaintext page gets a plaintext scheme, others a 503', async () => {
    const plain = await startStack({ NAVI_PLAINTEXT_PATHS: 'pages/open/open' }, { sandbox: false })
    try {
      plain.emulator?.control.exhaustQuota()
      const res = await plain.app.inject(post('/v1/wechat/scheme', { path: 'pages/open/open', query: 'id=1', cq: 'u=2' }))
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ fallback: 'plaintext', cached: false, sandbox: false })
      expect(res.json().url).toMatch(/^weixin:\/\/dl\/business\/\?appid=wx\w+&path=pages(\/|%2F)open(\/|%2F)open&query=id%3D1/)
      const other = await plain.app.inject(post('/v1/wechat/scheme', { path: 'pages/closed/closed' }))
      expect(other.statusCode).toBeGreaterThanOrEqual(500)
      expect(other.json().error.code).not.toBe('internal')
      expect(Number(other.headers['retry-after'])).toBeGreaterThan(0)
    } finally {
      await plain.close()
    }
  })

  it('jssdk-config without a service account says which variables to set', async () => {
    const noOa = await startStack({ WECHAT_OA_APPID: '', WECHAT_OA_SECRET: '' }, { sandbox: false })
    try {
      const res = await noOa.app.inject({ method: 'GET', url: '/v1/wechat/jssdk-config?url=https://m.example.com/a', headers: AUTH })
      expect(res.statusCode).toBe(501)
      expect(res.json().error).toMatchObject({ code: 'jssdk-not-configured' })
      expect(res.json().error.message).toMatch(/WECHAT_OA_APPID/)
    } finally {
      await noOa.close()
    }
  })

  it('upstream trouble is a 503 with Retry-After, and the service recovers', async () => {
    stack.emulator?.control.setFaults({ dropRate: 1, apis: ['generatescheme'] })
    const res = await stack.app.inject(post('/v1/wechat/scheme', { path: 'pages/dropped/dropped' }))
    expect(res.statusCode).toBe(503)
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    expect(res.json().error.code).toMatch(/^upstream-/)
    expect(res.body).not.toMatch(/ECONNRESET|socket|at \//)
    stack.emulator?.control.clearFaults()
    const again = await stack.app.inject(post('/v1/wechat/scheme', { path: 'pages/dropped/dropped' }))
    expect(again.statusCode).toBe(200)
  })
})

describe('errors from the service', () => {
  const failing = (error: unknown): LinkService => ({
    appId: 'wx0000000000000000',
    mint: async () => {
      throw error
    },
    jssdkConfig: async () => {
      throw error
    },
    health: async () => {
      throw error
    },
    metrics: async () => '',
    close: async () => undefined,
  })

  it('maps a ServiceError to its status and code, with Retry-After when known', async () => {
    const stack = await startStack({}, { sandbox: false, service: failing(new ServiceError('upstream-busy', 503, 'WeChat is busy; retry shortly.', 2.2, 45009)) })
    const res = await stack.app.inject(post('/v1/wechat/scheme', { path: 'p/a' }))
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('3')
    expect(res.json()).toEqual({ error: { code: 'upstream-busy', message: 'WeChat is busy; retry shortly.' }, sandbox: false })
    const notFound = await startStack({}, { sandbox: false, service: failing(new ServiceError('page-not-found', 400, 'No such page.', undefined, 40165)) })
    const res2 = await notFound.app.inject(post('/v1/wechat/urllink', { path: 'p/a' }))
    expect(res2.statusCode).toBe(400)
    expect(res2.headers['retry-after']).toBeUndefined()
    expect(res2.json().error.code).toBe('page-not-found')
    await stack.close()
    await notFound.close()
  })

  it('turns anything unexpected into 500 internal: no stack, no inner message', async () => {
    const inner = new TypeError("Cannot read properties of undefined (reading 'access_token') at /srv/app/token.ts:42")
    const stack = await startStack({}, { sandbox: false, service: failing(inner) })
    for (const request of [
      post('/v1/wechat/scheme', { path: 'p/a' }),
      post('/v1/wechat/shortlink', { path: 'p/a' }),
      { method: 'GET' as const, url: '/v1/wechat/jssdk-config?url=https://a.example.com/', headers: AUTH },
    ]) {
      const res = await stack.app.inject(request)
      expect(res.statusCode).toBe(500)
      expect(Object.keys(res.json())).toEqual(['error', 'sandbox'])
      expect(res.json().error.code).toBe('internal')
      expect(res.body).not.toMatch(/TypeError|token\.ts|at \/|stack|access_token/)
    }
    // The log keeps the detail for the operator.
    expect(stack.logLines.join('')).toContain('Cannot read properties of undefined')
    await stack.close()
  })

  it('healthz is 503 down when a part is down, 200 degraded when one is only degraded (what a load balancer reads)', async () => {
    const reporting = (parts: Record<string, 'ok' | 'degraded' | 'down'>): LinkService => ({
      ...failing(new Error('unused')),
      health: async () => ({ status: 'degraded', sandbox: false, parts }),
    })
    const down = await startStack({}, { sandbox: false, service: reporting({ token: 'down', store: 'ok' }) })
    const downAnswer = await down.app.inject({ method: 'GET', url: '/healthz' })
    expect(downAnswer.statusCode).toBe(503)
    expect(downAnswer.json()).toMatchObject({ status: 'down', parts: { token: 'down', store: 'ok' } })
    await down.close()
    const degraded = await startStack({}, { sandbox: false, service: reporting({ token: 'ok', store: 'degraded' }) })
    const degradedAnswer = await degraded.app.inject({ method: 'GET', url: '/healthz' })
    expect(degradedAnswer.statusCode).toBe(200)
    expect(degradedAnswer.json()).toMatchObject({ status: 'degraded' })
    await degraded.close()
  })

  it('a 500 from the service is logged as an error (an operator must look), a 4xx is not', async () => {
    const stack = await startStack({}, { sandbox: false, service: failing(new ServiceError('broken', 500, 'a custom service failed')) })
    expect((await stack.app.inject(post('/v1/wechat/scheme', { path: 'p/a' }))).statusCode).toBe(500)
    const levels = stack.logLines.map((line) => JSON.parse(line) as { level: number; msg?: string })
    expect(levels.some((line) => line.level >= 50)).toBe(true)
    await stack.close()
    const refusing = await startStack({}, { sandbox: false, service: failing(new ServiceError('invalid', 400, 'bad path')) })
    expect((await refusing.app.inject(post('/v1/wechat/scheme', { path: 'p/a' }))).statusCode).toBe(400)
    expect(refusing.logLines.map((line) => JSON.parse(line) as { level: number }).some((line) => line.level >= 50)).toBe(false)
    await refusing.close()
  })

  it('healthz is 503 when the service cannot report', async () => {
    const stack = await startStack({}, { sandbox: false, service: failing(new Error('redis gone')) })
    const res = await stack.app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ status: 'down' })
    await stack.close()
  })
})

describe('sandbox label, logs, health and metrics', () => {
  let sandbox: Stack
  let real: Stack
  beforeAll(async () => {
    sandbox = await startStack({}, { sandbox: true })
    real = await startStack({}, { sandbox: false })
  })
  afterAll(async () => {
    await sandbox.close()
    await real.close()
  })

  it('labels every sandbox response: sandbox: true and X-Navi-Sandbox: 1', async () => {
    const ok = await sandbox.app.inject(post('/v1/wechat/scheme', { path: 'pages/index/index' }))
    expect(ok.json().sandbox).toBe(true)
    expect(ok.headers['x-navi-sandbox']).toBe('1')
    const bad = await sandbox.app.inject(post('/v1/wechat/scheme', { path: '/x' }))
    expect(bad.json().sandbox).toBe(true)
    expect(bad.headers['x-navi-sandbox']).toBe('1')
    const health = await sandbox.app.inject({ method: 'GET', url: '/healthz' })
    expect(health.json().sandbox).toBe(true)
    expect(health.headers['x-navi-sandbox']).toBe('1')
    const page = await sandbox.app.inject({ method: 'GET', url: '/go/wechat?path=pages/index/index' })
    expect(page.headers['x-navi-sandbox']).toBe('1')
    expect(page.body).toContain('SANDBOX')

    const realOk = await real.app.inject(post('/v1/wechat/scheme', { path: 'pages/index/index' }))
    expect(realOk.json().sandbox).toBe(false)
    expect(realOk.headers['x-navi-sandbox']).toBeUndefined()
  })

  it('in sandbox, loopback origins may call without configuration (the demo app)', async () => {
    const res = await sandbox.app.inject(post('/v1/wechat/scheme', { path: 'pages/index/index' }, { origin: 'http://127.0.0.1:5173' }))
    expect(res.statusCode).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173')
  })

  it('never logs keys, secrets or Authorization headers', async () => {
    await real.app.inject(post('/v1/wechat/scheme', { path: 'pages/index/index' }))
    await real.app.inject(post('/v1/wechat/scheme', { path: 'pages/index/index' }, { authorization: `Bearer ${API_KEY}x` }))
    // Anything that logs the request headers or a config object gets redacted too.
    real.app.log.info({ req: { headers: { authorization: `Bearer ${API_KEY}` } } }, 'headers')
    real.app.log.info({ secret: SANDBOX_APP.secret, apiKeys: [API_KEY] }, 'config')
    real.app.log.warn(`upstream said no for https://api.example/wxa?access_token=TOKEN123456 using ${SANDBOX_APP.secret}`)
    const text = real.logLines.join('')
    expect(real.logLines.length).toBeGreaterThan(4)
    expect(text).not.toContain(API_KEY)
    expect(text).not.toContain(SANDBOX_APP.secret)
    expect(text).not.toContain('TOKEN123456')
    expect(text).toContain('[Redacted]')
  })

  it("keeps a caller's per-user data (cq) out of the log: the transit page's URL and a minted link's", async () => {
    const before = real.logLines.length
    await real.app.inject({ method: 'GET', url: '/go/wechat?path=pages/index/index&cq=user%3D7731-cq', headers: { 'user-agent': ANDROID_UA } })
    await real.app.inject(post('/v1/wechat/scheme', { path: 'pages/index/index', cq: 'user=7731-cq' }))
    real.app.log.info({ link: 'weixin://dl/business/?t=T&cq=user%3D7731-cq', body: { cq: 'user=7731-cq' } }, 'minted')
    real.app.log.info('a name that only ends in cq stays: acq=kept')
    const text = real.logLines.slice(before).join('')
    expect(text).toContain('/go/wechat')
    expect(text).not.toContain('7731')
    expect(text).toContain('cq=[Redacted]')
    expect(text).toContain('acq=kept')
  })

  it('healthz reports status, sandbox and parts', async () => {
    const res = await real.app.inject({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('ok')
    expect(body.sandbox).toBe(false)
    expect(Object.keys(body.parts).length).toBeGreaterThan(0)
  })

  it('metrics are Prometheus text with the service counters and HTTP counts', async () => {
    await real.app.inject(post('/v1/wechat/scheme', { path: 'pages/metrics/m' }))
    const res = await real.app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toMatch(/^navi_http_requests_total\{route="\/v1\/wechat\/scheme",status="200"\} \d+$/m)
    // The core's own counters come first.
    expect(res.body).toMatch(/^# TYPE navi_upstream_calls_total counter$/m)
    expect(res.body).toMatch(/^navi_quota_limit \d+$/m)
    expect(res.body).toMatch(/^# TYPE navi_http_requests_total counter$/m)
    for (const line of res.body.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|[a-zA-Z_:][\w:]*(\{.*\})? [\d.eE+-]+(\s\d+)?)$/)
  })
})
