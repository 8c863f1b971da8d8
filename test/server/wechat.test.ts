/**
 * The WeChat client against the emulator over HTTP: the documented requests
 * succeed, errcodes become stable codes, and no answer becomes a 503 — never a hang.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_APP, SANDBOX_OA, startEmulator, type Emulator } from '../../src/emulator'
import { ServiceError } from '../../src/service/types'
import { WechatApiError, WechatClient, withBackoff } from '../../src/wechat/client'
import { ERRCODES, describeErrcode } from '../../src/wechat/errcodes'

let emulator: Emulator
let client: WechatClient
const outcomes: Array<[string, number | string]> = []

beforeAll(async () => {
  emulator = await startEmulator()
  client = new WechatClient({ apiBase: emulator.url, timeoutMs: 1000, onCall: (api, outcome) => outcomes.push([api, outcome]) })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.control.reset()
  outcomes.length = 0
})

const token = async () => (await client.stableToken(SANDBOX_APP.appId, SANDBOX_APP.secret)).access_token

describe('WechatClient against the emulator', () => {
  it('gets a stable token in normal mode and the same one again while it is fresh', async () => {
    const first = await client.stableToken(SANDBOX_APP.appId, SANDBOX_APP.secret)
    expect(first.expires_in).toBeGreaterThan(300)
    expect((await client.stableToken(SANDBOX_APP.appId, SANDBOX_APP.secret)).access_token).toBe(first.access_token)
  })

  it('mints a scheme, a URL Link and a short link that WeChat resolves to what was asked', async () => {
    const accessToken = await token()
    const scheme = await client.generateScheme(accessToken, { path: 'pages/a/a', query: 'id=1', envVersion: 'trial', expireDays: 7 })
    expect(scheme).toMatch(/^weixin:\/\/dl\/business\/\?t=/)
    expect(emulator.control.lookupLink(scheme)).toMatchObject({ kind: 'scheme', path: 'pages/a/a', query: 'id=1', envVersion: 'trial' })
    const urlLink = await client.generateUrlLink(accessToken, { path: 'pages/a/a', expireDays: 1 })
    expect(urlLink).toMatch(/^https:\/\//)
    expect(emulator.control.lookupLink(urlLink)).toMatchObject({ kind: 'urllink', path: 'pages/a/a' })
    const short = await client.generateShortLink(accessToken, { pageUrl: 'pages/a/a?id=2', pageTitle: 'Shop', isPermanent: false })
    expect(emulator.control.lookupLink(short)).toMatchObject({ kind: 'shortlink' })
    expect(await client.queryScheme(accessToken, scheme)).toMatchObject({ errcode: 0, scheme_info: { path: 'pages/a/a' } })
    expect(await client.queryUrlLink(accessToken, urlLink)).toMatchObject({ errcode: 0, url_link_info: { path: 'pages/a/a' } })
  })

  it("gets the service account's jsapi_ticket", async () => {
    const oaToken = (await client.stableToken(SANDBOX_OA.appId, SANDBOX_OA.secret)).access_token
    const ticket = await client.jsapiTicket(oaToken)
    expect(ticket.ticket).toBe(emulator.control.jsapiTicket())
  })

  it('turns an errcode into a WechatApiError with the stable code, status and errcode', async () => {
    const accessToken = await token()
    const error = await client.generateScheme(accessToken, { path: '/pages/a/a', expireDays: 31 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatApiError)
    expect(error).toBeInstanceOf(ServiceError)
    const apiError = error as WechatApiError
    expect(apiError.status).toBe(400)
    expect(apiError.code).toBe(describeErrcode(apiError.errcode ?? 0).code)
    const bad = await client.stableToken(SANDBOX_APP.appId, 'wrong-secret').catch((e: unknown) => e)
    expect(bad).toMatchObject({ code: 'wechat-invalid-secret', status: 502, errcode: 40125 })
    expect(outcomes).toContainEqual(['stable_token', 40125])
  })

  it('answers 503 upstream-timeout when WeChat does not answer in time', async () => {
    const accessToken = await token()
    emulator.control.setFaults({ delayMs: 1500, apis: ['generatescheme'] })
    await expect(client.generateScheme(accessToken, { path: 'pages/a/a', expireDays: 1 })).rejects.toMatchObject({
      code: 'upstream-timeout',
      status: 503,
    })
    expect(outcomes).toContainEqual(['generatescheme', 'timeout'])
  })

  it('answers 503 upstream-unavailable when the connection drops', async () => {
    const accessToken = await token()
    emulator.control.setFaults({ dropRate: 1, apis: ['generatescheme'] })
    await expect(client.generateScheme(accessToken, { path: 'pages/a/a', expireDays: 1 })).rejects.toMatchObject({
      code: 'upstream-unavailable',
      status: 503,
    })
  })

  it('retries -1 with backoff, and nothing else', async () => {
    const accessToken = await token()
    emulator.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: -1, times: 2 } })
    let attempts = 0
    const link = await withBackoff(
      () => {
        attempts++
        return client.generateScheme(accessToken, { path: 'pages/a/a', expireDays: 1 })
      },
      { attempts: 3, baseMs: 10 },
    )
    expect(link).toMatch(/^weixin:/)
    expect(attempts).toBe(3)
    emulator.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: 40165, times: 1 } })
    attempts = 0
    await expect(
      withBackoff(
        () => {
          attempts++
          return client.generateScheme(accessToken, { path: 'pages/a/a', expireDays: 1 })
        },
        { attempts: 3, baseMs: 10 },
      ),
    ).rejects.toMatchObject({ code: 'invalid-path', errcode: 40165 })
    expect(attempts).toBe(1)
  })
})

describe('errcode table', () => {
  const documented = [
    -1, 40001, 40002, 40013, 40014, 40165, 40212, 42001, 44990, 44993, 45009, 85079, 85400, 85401, 85402, 85403, 85406,
    85407, 85408, 40066, 40225, 43104, 40125, 40164,
  ]
  it.each(documented)('maps %i to a stable code, an HTTP status and a message naming it', (errcode) => {
    const info = ERRCODES[errcode]
    expect(info).toBeDefined()
    expect(info.code).toMatch(/^[a-z]+(-[a-z]+)*$/)
    expect([400, 404, 409, 502, 503]).toContain(info.status)
    expect(info.message).toContain(String(errcode))
  })
  it('gives unknown errcodes a generic 502 that names them', () => {
    expect(describeErrcode(99999, 'strange')).toMatchObject({ code: 'wechat-error', status: 502 })
    expect(describeErrcode(99999).message).toContain('99999')
  })
  it('answers 503 for upstream trouble and quota, 400 for bad input', () => {
    for (const errcode of [-1, 44990, 44993, 45009, 85406]) expect(ERRCODES[errcode].status).toBe(503)
    for (const errcode of [40165, 40212, 85401, 85402, 40066, 40225]) expect(ERRCODES[errcode].status).toBe(400)
  })
})
