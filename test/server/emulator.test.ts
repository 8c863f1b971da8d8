/**
 * The WeChat OpenAPI emulator over real HTTP: what a client of the documented
 * API observes (tokens, errcodes, limits, faults) and what the control API
 * reports. Most tests drive the emulator's clock so limits are exact.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_APP, SANDBOX_OA, startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator'
import { LinkRegistry, MAX_LINKS_KEPT } from '../../src/emulator/links'

type Json = Record<string, unknown>

const OTHER_APP = { appId: 'wx0000000000000001', secret: 'emulator-secret-0001' }
const START = Date.UTC(2026, 10, 22, 4, 0, 0) // 12:00 in Shanghai
const DAY = 86_400_000

class Clock {
  at = START
  now = (): number => this.at
  advance(ms: number): void {
    this.at += ms
  }
}

async function post(emulator: Emulator, path: string, body: unknown, token?: string): Promise<Json> {
  const url = token === undefined ? emulator.url + path : `${emulator.url}${path}?access_token=${encodeURIComponent(token)}`
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Json
}

async function get(emulator: Emulator, pathAndQuery: string): Promise<Json> {
  const response = await fetch(emulator.url + pathAndQuery)
  return (await response.json()) as Json
}

async function fetchToken(emulator: Emulator, app = SANDBOX_APP, forceRefresh?: boolean): Promise<{ access_token: string; expires_in: number }> {
  const body: Json = { grant_type: 'client_credential', appid: app.appId, secret: app.secret }
  if (forceRefresh !== undefined) body.force_refresh = forceRefresh
  const answer = await post(emulator, '/cgi-bin/stable_token', body)
  expect(answer).toEqual({ access_token: expect.any(String), expires_in: expect.any(Number) })
  return answer as { access_token: string; expires_in: number }
}

const scheme = (emulator: Emulator, token: string, body: Json = { jump_wxa: { path: 'pages/index/index' } }) =>
  post(emulator, '/wxa/generatescheme', body, token)

describe('emulator', () => {
  const clock = new Clock()
  let emulator: Emulator
  let started: Emulator[] = []

  async function start(options: EmulatorOptions = {}): Promise<Emulator> {
    const instance = await startEmulator({ apps: [OTHER_APP], now: clock.now, ...options })
    started.push(instance)
    return instance
  }

  beforeAll(async () => {
    emulator = await startEmulator({ apps: [OTHER_APP], now: clock.now })
  })
  afterAll(() => emulator.close())
  afterEach(async () => {
    emulator.control.reset()
    clock.at = START
    await Promise.all(started.map((instance) => instance.close()))
    started = []
  })

  describe('POST /cgi-bin/stable_token', () => {
    it('returns the same token while it has more than 5 minutes left, counting down expires_in', async () => {
      const first = await fetchToken(emulator)
      expect(first.expires_in).toBe(7200)
      clock.advance(3600_000)
      const again = await fetchToken(emulator)
      expect(again).toEqual({ access_token: first.access_token, expires_in: 3600 })
      expect(emulator.control.counters().tokenFetches).toBe(2)
    })

    it('issues a new token in the last 5 minutes; the old one works until its own expiry, then 42001', async () => {
      const old = await fetchToken(emulator)
      clock.advance(7200_000 - 299_000)
      const next = await fetchToken(emulator)
      expect(next.access_token).not.toBe(old.access_token)
      expect(next.expires_in).toBe(7200)
      // Both work during the overlap, and normal mode keeps handing out the new one.
      expect((await scheme(emulator, old.access_token)).errcode).toBe(0)
      expect((await scheme(emulator, next.access_token)).errcode).toBe(0)
      expect((await fetchToken(emulator)).access_token).toBe(next.access_token)
      clock.advance(299_000)
      expect(await scheme(emulator, old.access_token)).toMatchObject({ errcode: 42001, errmsg: 'access_token expired' })
      expect((await scheme(emulator, next.access_token)).errcode).toBe(0)
    })

    it('force_refresh issues a new token and the old one is invalid at once (40001)', async () => {
      const old = await fetchToken(emulator)
      const fresh = await fetchToken(emulator, SANDBOX_APP, true)
      expect(fresh.access_token).not.toBe(old.access_token)
      expect(fresh.expires_in).toBe(7200)
      expect((await scheme(emulator, old.access_token)).errcode).toBe(40001)
      expect((await scheme(emulator, fresh.access_token)).errcode).toBe(0)
    })

    it('force_refresh within 30 s of the last one does not refresh; the 21st of a Shanghai day answers 45009', async () => {
      const first = await fetchToken(emulator, SANDBOX_APP, true)
      clock.advance(29_000)
      expect(await fetchToken(emulator, SANDBOX_APP, true)).toEqual({ access_token: first.access_token, expires_in: 7200 - 29 })
      expect((await scheme(emulator, first.access_token)).errcode).toBe(0)
      let latest = first.access_token
      for (let refresh = 2; refresh <= 20; refresh++) {
        clock.advance(30_000)
        const next = await fetchToken(emulator, SANDBOX_APP, true)
        expect(next.access_token).not.toBe(latest)
        latest = next.access_token
      }
      clock.advance(30_000)
      expect(await post(emulator, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: SANDBOX_APP.appId, secret: SANDBOX_APP.secret, force_refresh: true })).toEqual({
        errcode: 45009,
        errmsg: 'reach max api daily quota limit',
      })
      // The refused refresh leaves the live token working, and normal mode still hands it out.
      expect((await scheme(emulator, latest)).errcode).toBe(0)
      expect((await fetchToken(emulator)).access_token).toBe(latest)
      // Midnight in Shanghai (16:00 UTC) starts a new allowance.
      clock.at = Date.UTC(2026, 10, 22, 16, 0, 0)
      expect((await fetchToken(emulator, SANDBOX_APP, true)).access_token).not.toBe(latest)
    })

    it('with an IP allow-list, stable_token from another address answers 40164', async () => {
      const listed = await start({ ipAllowList: ['10.1.2.3'] })
      const body = { grant_type: 'client_credential', appid: SANDBOX_APP.appId, secret: SANDBOX_APP.secret }
      expect(await post(listed, '/cgi-bin/stable_token', body)).toEqual({ errcode: 40164, errmsg: expect.stringContaining('whitelist') })
      listed.control.setIpAllowList(['10.1.2.3', '127.0.0.1'])
      expect((await post(listed, '/cgi-bin/stable_token', body)).access_token).toEqual(expect.any(String))
      listed.control.reset()
      expect((await post(listed, '/cgi-bin/stable_token', body)).errcode).toBe(40164)
    })

    it.each([
      ['an unknown appid', 40013, { grant_type: 'client_credential', appid: 'wxnobody00000000001', secret: 'x' }],
      ['a wrong secret', 40125, { grant_type: 'client_credential', appid: SANDBOX_APP.appId, secret: 'wrong' }],
      ['another grant_type', 40002, { grant_type: 'authorization_code', appid: SANDBOX_APP.appId, secret: SANDBOX_APP.secret }],
      ['no appid', 41002, { grant_type: 'client_credential', secret: SANDBOX_APP.secret }],
      ['no secret', 41004, { grant_type: 'client_credential', appid: SANDBOX_APP.appId }],
    ] as Array<[string, number, Json]>)('refuses %s with errcode %i', async (_name, errcode, body) => {
      const answer = await post(emulator, '/cgi-bin/stable_token', body)
      expect(answer).toEqual({ errcode, errmsg: expect.any(String) })
      expect(emulator.control.counters().tokenFetches).toBe(0)
    })
  })

  describe('access_token on the other APIs', () => {
    it('missing 41001, malformed 40014, unknown 40001', async () => {
      expect((await post(emulator, '/wxa/generatescheme', {})).errcode).toBe(41001)
      expect((await scheme(emulator, 'not a token')).errcode).toBe(40014)
      expect((await scheme(emulator, `80_${'A'.repeat(128)}`)).errcode).toBe(40001)
    })

    it('control.expireTokens → 42001, then stable_token hands out a working token', async () => {
      const token = await fetchToken(emulator)
      emulator.control.expireTokens()
      expect((await scheme(emulator, token.access_token)).errcode).toBe(42001)
      const next = await fetchToken(emulator)
      expect(next.access_token).not.toBe(token.access_token)
      expect((await scheme(emulator, next.access_token)).errcode).toBe(0)
    })

    it('control.invalidateTokens(appId) → 40001 for that app only', async () => {
      const mine = await fetchToken(emulator)
      const theirs = await fetchToken(emulator, OTHER_APP)
      emulator.control.invalidateTokens(SANDBOX_APP.appId)
      expect((await scheme(emulator, mine.access_token)).errcode).toBe(40001)
      expect((await scheme(emulator, theirs.access_token)).errcode).toBe(0)
    })

    it('a service-account token cannot mint links, a mini-program token gets no jsapi ticket (48001)', async () => {
      const oa = await fetchToken(emulator, SANDBOX_OA)
      const mp = await fetchToken(emulator)
      expect((await scheme(emulator, oa.access_token)).errcode).toBe(48001)
      expect((await get(emulator, `/cgi-bin/ticket/getticket?access_token=${mp.access_token}&type=jsapi`)).errcode).toBe(48001)
    })
  })

  describe('POST /wxa/generatescheme', () => {
    it('mints an encrypted scheme that stands for its path, query, env and expiry', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const answer = await scheme(emulator, token, {
        jump_wxa: { path: 'pages/detail/detail', query: 'id=42&from=sms', env_version: 'trial' },
        is_expire: true,
        expire_type: 1,
        expire_interval: 7,
      })
      expect(answer).toEqual({ errcode: 0, errmsg: 'ok', openlink: expect.stringMatching(/^weixin:\/\/dl\/business\/\?t=[0-9A-Za-z]{11}$/) })
      expect(emulator.control.lookupLink(`${answer.openlink}&cq=u%3D7`)).toMatchObject({
        kind: 'scheme',
        appId: SANDBOX_APP.appId,
        path: 'pages/detail/detail',
        query: 'id=42&from=sms',
        envVersion: 'trial',
        createdAt: START,
        expiresAt: START + 7 * DAY,
      })
      expect(emulator.control.counters().linksMinted).toBe(1)
    })

    it('expire_time sets the expiry; neither field nor is_expire: 30 days (is_expire=false is treated as true)', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const at = Math.floor((START + 3 * DAY) / 1000)
      const timed = await scheme(emulator, token, { jump_wxa: { path: '' }, expire_type: 0, expire_time: at })
      expect(emulator.control.lookupLink(String(timed.openlink))?.expiresAt).toBe(at * 1000)
      const plain = await scheme(emulator, token, { jump_wxa: { path: '' }, is_expire: false })
      expect(emulator.control.lookupLink(String(plain.openlink))).toMatchObject({ path: '', query: '', envVersion: 'release', expiresAt: START + 30 * DAY })
    })

    const bad: Array<[string, Json, number]> = [
      ['a leading /', { jump_wxa: { path: '/pages/index/index' } }, 40165],
      ['a query in the path', { jump_wxa: { path: 'pages/index/index?id=1' } }, 40165],
      ['a query over 1024 characters', { jump_wxa: { path: 'p', query: 'a'.repeat(1025) } }, 40212],
      ['a space in the query', { jump_wxa: { path: 'p', query: 'a=b c' } }, 40212],
      ['a < in the query', { jump_wxa: { path: 'p', query: 'a=<b>' } }, 40212],
      ['a non-ASCII query', { jump_wxa: { path: 'p', query: 'name=张三' } }, 40212],
      ['a backtick in the query', { jump_wxa: { path: 'p', query: 'a=`' } }, 40212],
      ['env_version beta', { jump_wxa: { path: 'p', env_version: 'beta' } }, 85402],
      ['expire_time in the past', { jump_wxa: { path: 'p' }, expire_type: 0, expire_time: START / 1000 - 10 }, 85401],
      ['expire_time 30 s ahead', { jump_wxa: { path: 'p' }, expire_type: 0, expire_time: START / 1000 + 30 }, 85401],
      ['expire_time 31 days ahead', { jump_wxa: { path: 'p' }, expire_type: 0, expire_time: (START + 31 * DAY) / 1000 }, 85401],
      ['expire_type 0 without expire_time', { jump_wxa: { path: 'p' }, is_expire: true, expire_type: 0 }, 85401],
      ['expire_interval 0', { jump_wxa: { path: 'p' }, expire_type: 1, expire_interval: 0 }, 85401],
      ['expire_interval 31', { jump_wxa: { path: 'p' }, expire_type: 1, expire_interval: 31 }, 85401],
      ['expire_type 1 without expire_interval', { jump_wxa: { path: 'p' }, expire_type: 1 }, 85401],
      ['expire_interval as a string', { jump_wxa: { path: 'p' }, expire_type: 1, expire_interval: '30' }, 47001],
      ['jump_wxa as a JSON string', { jump_wxa: '{"path":"p"}' }, 47001],
    ]
    it.each(bad.map(([name, body, errcode]) => [name, errcode, body] as const))('refuses %s with errcode %i and mints nothing', async (_name, errcode, body) => {
      const { access_token: token } = await fetchToken(emulator)
      expect(await scheme(emulator, token, body)).toEqual({ errcode, errmsg: expect.any(String) })
      expect(emulator.control.counters().linksMinted).toBe(0)
    })

    it('accepts a 1024-character query made of the whole documented character set', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const charset = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$&'()*+,/:;=?@-._~%"
      const query = charset.repeat(20).slice(0, 1024)
      const answer = await scheme(emulator, token, { jump_wxa: { path: 'p', query } })
      expect(answer.errcode).toBe(0)
      expect(emulator.control.lookupLink(String(answer.openlink))?.query).toBe(query)
    })

    it.each([
      ['has no published version', 85079, { published: false }],
      ['has no link permission', 40002, { linkPermission: 'none' }],
      ['has its link permission banned', 40013, { linkPermission: 'banned' }],
    ] as const)('an app that %s gets %i from all three generation APIs and takes no rate slot', async (_name, errcode, state) => {
      const limited = await start({ ratePerSecond: 1, apps: [{ ...OTHER_APP, ...state }] })
      const { access_token: token } = await fetchToken(limited, OTHER_APP)
      expect(await scheme(limited, token)).toEqual({ errcode, errmsg: expect.any(String) })
      expect((await post(limited, '/wxa/generate_urllink', { path: 'p' }, token)).errcode).toBe(errcode)
      expect((await post(limited, '/wxa/genwxashortlink', { page_url: 'p' }, token)).errcode).toBe(errcode)
      limited.control.setAppState(OTHER_APP.appId, { published: true, linkPermission: 'granted' })
      expect((await scheme(limited, token)).errcode).toBe(0)
      expect(limited.control.counters().linksMinted).toBe(1)
      // reset() returns the app to the state it was registered with.
      limited.control.reset()
      expect((await scheme(limited, (await fetchToken(limited, OTHER_APP)).access_token)).errcode).toBe(errcode)
    })

    it('setAppState on the sandbox app: unpublishing makes the next call 85079', async () => {
      const { access_token: token } = await fetchToken(emulator)
      emulator.control.setAppState(SANDBOX_APP.appId, { published: false })
      expect((await scheme(emulator, token)).errcode).toBe(85079)
      expect(() => emulator.control.setAppState('wxnobody', { published: false })).toThrow(/no account/)
    })

    it('with publishedPages, an unpublished page is 40165', async () => {
      const strict = await start({ publishedPages: ['pages/index/index'] })
      const { access_token: token } = await fetchToken(strict)
      expect((await scheme(strict, token, { jump_wxa: { path: 'pages/index/index' } })).errcode).toBe(0)
      expect((await scheme(strict, token, { jump_wxa: { path: 'pages/missing/missing' } })).errcode).toBe(40165)
    })

    it('answers an empty body 44002, broken JSON 47001, GET 43002, an unknown API 404', async () => {
      const { access_token: token } = await fetchToken(emulator)
      expect((await post(emulator, '/wxa/generatescheme', '', token)).errcode).toBe(44002)
      expect((await post(emulator, '/wxa/generatescheme', '{"jump_wxa":', token)).errcode).toBe(47001)
      expect((await get(emulator, `/wxa/generatescheme?access_token=${token}`)).errcode).toBe(43002)
      expect((await fetch(`${emulator.url}/wxa/nothing`)).status).toBe(404)
    })
  })

  describe('POST /wxa/generate_urllink and /wxa/query_urllink', () => {
    it('mints a URL Link and query_urllink describes it', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const answer = await post(emulator, '/wxa/generate_urllink', { path: 'pages/a/a', query: 'x=1', env_version: 'develop', expire_type: 1, expire_interval: 2 }, token)
      expect(answer).toEqual({ errcode: 0, errmsg: 'ok', url_link: expect.stringMatching(/^https:\/\/wxaurl\.cn\/[0-9A-Za-z]{11}$/) })
      const info = await post(emulator, '/wxa/query_urllink', { url_link: answer.url_link }, token)
      expect(info).toMatchObject({
        errcode: 0,
        url_link_info: {
          appid: SANDBOX_APP.appId,
          path: 'pages/a/a',
          query: 'x=1',
          env_version: 'develop',
          create_time: START / 1000,
          expire_time: (START + 2 * DAY) / 1000,
          cloud_base: expect.any(Object),
        },
        visit_openid: '',
      })
    })

    it('checks the flat fields like generatescheme', async () => {
      const { access_token: token } = await fetchToken(emulator)
      expect((await post(emulator, '/wxa/generate_urllink', { path: '/a' }, token)).errcode).toBe(40165)
      expect((await post(emulator, '/wxa/generate_urllink', { path: 'a', query: 'a b' }, token)).errcode).toBe(40212)
      expect((await post(emulator, '/wxa/generate_urllink', { path: 'a', env_version: 'prod' }, token)).errcode).toBe(85402)
      expect((await post(emulator, '/wxa/generate_urllink', { path: 'a', expire_type: 1, expire_interval: 45 }, token)).errcode).toBe(85401)
    })
  })

  describe('POST /wxa/queryscheme', () => {
    it('round-trips a minted scheme (also with cq appended); unknown or another app’s scheme: 85403', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const minted = await scheme(emulator, token, { jump_wxa: { path: 'pages/x/x', query: 'k=v' }, expire_type: 1, expire_interval: 30 })
      const info = await post(emulator, '/wxa/queryscheme', { scheme: `${minted.openlink}&cq=a%3Dhello` }, token)
      expect(info).toEqual({
        errcode: 0,
        errmsg: 'ok',
        scheme_info: {
          appid: SANDBOX_APP.appId,
          path: 'pages/x/x',
          // The appended cq joins the minted query, as WeChat's queryscheme example shows (cq=a%3Dhello → a=hello).
          query: 'k=v&a=hello',
          create_time: START / 1000,
          expire_time: (START + 30 * DAY) / 1000,
          env_version: 'release',
        },
        visit_openid: '',
        quota_info: { remain_visit_quota: expect.any(Number) },
      })
      expect((await post(emulator, '/wxa/queryscheme', { scheme: minted.openlink }, token)).scheme_info).toMatchObject({ query: 'k=v' })
      expect(emulator.control.lookupLink(`${minted.openlink}&cq=a%3Dhello`)).toMatchObject({ query: 'k=v', customQuery: 'a=hello' })
      expect(emulator.control.lookupLink(String(minted.openlink))).not.toHaveProperty('customQuery')
      expect((await post(emulator, '/wxa/queryscheme', { scheme: 'weixin://dl/business/?t=AAAAAAAAAAA' }, token)).errcode).toBe(85403)
      const other = await fetchToken(emulator, OTHER_APP)
      expect((await post(emulator, '/wxa/queryscheme', { scheme: minted.openlink }, other.access_token)).errcode).toBe(85403)
      expect((await post(emulator, '/wxa/queryscheme', {}, token)).errcode).toBe(40097)
    })

    it('describes a plaintext scheme of its own app (the docs: encrypted and plaintext); another app’s: 85403', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const plaintext = `weixin://dl/business/?appid=${SANDBOX_APP.appId}&path=pages/shop/item&query=id%3D3%26from%3Dsms&env_version=trial`
      expect(await post(emulator, '/wxa/queryscheme', { scheme: plaintext }, token)).toMatchObject({
        errcode: 0,
        scheme_info: { appid: SANDBOX_APP.appId, path: 'pages/shop/item', query: 'id=3&from=sms', env_version: 'trial', create_time: 0, expire_time: 0 },
      })
      const foreign = `weixin://dl/business/?appid=${OTHER_APP.appId}&path=pages/a/a`
      expect((await post(emulator, '/wxa/queryscheme', { scheme: foreign }, token)).errcode).toBe(85403)
    })

    it('query_urllink: a URL Link with ?cq= opens with the minted query and the cq', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const minted = await post(emulator, '/wxa/generate_urllink', { path: 'pages/a/a', query: 'x=1' }, token)
      const info = await post(emulator, '/wxa/query_urllink', { url_link: `${minted.url_link}?cq=u%3D7` }, token)
      expect(info.url_link_info).toMatchObject({ path: 'pages/a/a', query: 'x=1&u=7' })
      expect(emulator.control.lookupLink(`${minted.url_link}?cq=u%3D7`)).toMatchObject({ kind: 'urllink', customQuery: 'u=7' })
    })

    it('the query budget is separate: exhausted, it answers 85406 while minting goes on', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const minted = await scheme(emulator, token)
      emulator.control.exhaustQuota({ kind: 'queries' })
      expect((await post(emulator, '/wxa/queryscheme', { scheme: minted.openlink }, token)).errcode).toBe(85406)
      expect((await scheme(emulator, token)).errcode).toBe(0)
    })
  })

  describe('POST /wxa/genwxashortlink', () => {
    it('mints a short link; the title is cut at 20 characters; short-term links live 30 days', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const answer = await post(emulator, '/wxa/genwxashortlink', { page_url: 'pages/a/a?id=1', page_title: '一二三四五六七八九十一二三四五六七八九十多出', is_permanent: false }, token)
      expect(answer).toEqual({
        errcode: 0,
        errmsg: 'ok',
        link: expect.stringMatching(/^#小程序:\/\/navi-kit\/一二三四五六七八九十一二三四五六七八九十\.\.\.\/[0-9A-Za-z]{15}$/),
      })
      expect(emulator.control.lookupLink(String(answer.link))).toMatchObject({
        kind: 'shortlink',
        path: 'pages/a/a',
        query: 'id=1',
        pageTitle: '一二三四五六七八九十一二三四五六七八九十...',
        expiresAt: START + 30 * DAY,
      })
    })

    it('permanent links stop at the 100,000 cap with 85400; short-term ones go on', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const permanent = { page_url: 'pages/a/a', is_permanent: true }
      const first = await post(emulator, '/wxa/genwxashortlink', permanent, token)
      expect(emulator.control.lookupLink(String(first.link))?.expiresAt).toBeNull()
      emulator.control.setPermanentShortLinkCount(99_999)
      expect((await post(emulator, '/wxa/genwxashortlink', permanent, token)).errcode).toBe(0)
      expect((await post(emulator, '/wxa/genwxashortlink', permanent, token)).errcode).toBe(85400)
      expect((await post(emulator, '/wxa/genwxashortlink', { ...permanent, is_permanent: false }, token)).errcode).toBe(0)
    })

    it('without a title the link has no middle part', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const answer = await post(emulator, '/wxa/genwxashortlink', { page_url: 'pages/a/a' }, token)
      expect(answer.link).toMatch(/^#小程序:\/\/navi-kit\/[0-9A-Za-z]{15}$/)
      expect(emulator.control.lookupLink(String(answer.link))).toMatchObject({ path: 'pages/a/a', query: '', pageTitle: '' })
    })

    it('refuses a missing, oversize or /-led page_url (40066) and a title that is not text (40225)', async () => {
      const { access_token: token } = await fetchToken(emulator)
      expect((await post(emulator, '/wxa/genwxashortlink', { page_url: '/pages/a/a?id=1' }, token)).errcode).toBe(40066)
      expect((await post(emulator, '/wxa/genwxashortlink', { page_title: 't' }, token)).errcode).toBe(40066)
      expect((await post(emulator, '/wxa/genwxashortlink', { page_url: `p?${'a'.repeat(1024)}` }, token)).errcode).toBe(40066)
      expect((await post(emulator, '/wxa/genwxashortlink', { page_url: 'p', page_title: 7 }, token)).errcode).toBe(40225)
      expect((await post(emulator, '/wxa/genwxashortlink', { page_url: 'p', page_title: 'a\u0000b' }, token)).errcode).toBe(40225)
    })
  })

  describe('GET /cgi-bin/ticket/getticket', () => {
    it('hands a service account the same jsapi ticket until it expires; control.jsapiTicket agrees', async () => {
      expect(emulator.control.jsapiTicket()).toBeUndefined()
      const { access_token: token } = await fetchToken(emulator, SANDBOX_OA)
      const first = await get(emulator, `/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`)
      expect(first).toEqual({ errcode: 0, errmsg: 'ok', ticket: expect.any(String), expires_in: 7200 })
      expect(emulator.control.jsapiTicket()).toBe(first.ticket)
      clock.advance(1000_000)
      expect(await get(emulator, `/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`)).toMatchObject({ ticket: first.ticket, expires_in: 6200 })
      clock.advance(6200_000)
      const { access_token: later } = await fetchToken(emulator, SANDBOX_OA)
      const renewed = await get(emulator, `/cgi-bin/ticket/getticket?access_token=${later}&type=jsapi`)
      expect(renewed.ticket).not.toBe(first.ticket)
      expect(emulator.control.jsapiTicket(SANDBOX_OA.appId)).toBe(renewed.ticket)
    })

    it('needs type=jsapi (40097) and a token (41001)', async () => {
      const { access_token: token } = await fetchToken(emulator, SANDBOX_OA)
      expect((await get(emulator, `/cgi-bin/ticket/getticket?access_token=${token}&type=other`)).errcode).toBe(40097)
      expect((await get(emulator, '/cgi-bin/ticket/getticket?type=jsapi')).errcode).toBe(41001)
    })
  })

  describe('rate: generation calls counted on arrival in any 1-s window, per appid', () => {
    it('150 concurrent calls at 100/s: exactly 50 get 44990; a second later all pass again', async () => {
      const { access_token: token } = await fetchToken(emulator)
      const burst = await Promise.all(Array.from({ length: 150 }, () => scheme(emulator, token)))
      expect(burst.filter((answer) => answer.errcode === 44990)).toHaveLength(50)
      expect(burst.filter((answer) => answer.errcode === 0)).toHaveLength(100)
      const counters = emulator.control.counters()
      expect(counters.rateLimited).toBe(50)
      expect(counters.maxGenerationCallsPerSecond).toBe(150)
      expect(counters.generationArrivals).toHaveLength(150)

      clock.advance(999)
      expect((await scheme(emulator, token)).errcode).toBe(44990)
      clock.advance(1)
      const next = await Promise.all(Array.from({ length: 100 }, () => scheme(emulator, token)))
      expect(next.every((answer) => answer.errcode === 0)).toBe(true)
    })

    it('answers every call of 1,000-call bursts on fresh connections (none refused or reset)', async () => {
      const roomy = await start({ ratePerSecond: 10_000 })
      const { access_token: token } = await fetchToken(roomy)
      for (let round = 0; round < 2; round++) {
        const burst = await Promise.all(Array.from({ length: 1000 }, () => scheme(roomy, token)))
        expect(burst.filter((answer) => answer.errcode === 0)).toHaveLength(1000)
      }
      expect(roomy.control.counters()).toMatchObject({ linksMinted: 2000, dropped: 0 })
    })

    it('scheme, URL Link and short link share the window; another appid has its own', async () => {
      const limited = await start({ ratePerSecond: 3 })
      const { access_token: token } = await fetchToken(limited)
      expect((await scheme(limited, token)).errcode).toBe(0)
      expect((await post(limited, '/wxa/generate_urllink', { path: 'p' }, token)).errcode).toBe(0)
      expect((await post(limited, '/wxa/genwxashortlink', { page_url: 'p' }, token)).errcode).toBe(0)
      expect((await post(limited, '/wxa/generate_urllink', { path: 'p' }, token)).errcode).toBe(44990)
      const other = await fetchToken(limited, OTHER_APP)
      expect((await scheme(limited, other.access_token)).errcode).toBe(0)
    })

    it('counts on arrival: calls whose answers are held back keep the slots of the moment they arrived', async () => {
      const limited = await start({ ratePerSecond: 3 })
      const { access_token: token } = await fetchToken(limited)
      limited.control.setFaults({ delayMs: 300, apis: ['generatescheme'] })
      // Three schemes arrive at START; while their answers are held, a second passes and three URL Links arrive.
      const held = Promise.all(Array.from({ length: 3 }, () => scheme(limited, token)))
      await new Promise((resolve) => setTimeout(resolve, 100))
      clock.advance(1000)
      const later = await Promise.all(Array.from({ length: 3 }, () => post(limited, '/wxa/generate_urllink', { path: 'p' }, token)))
      // No 1-s window held more than three arrivals, so nothing is refused.
      expect([...(await held), ...later].map((answer) => answer.errcode)).toEqual([0, 0, 0, 0, 0, 0])
      expect(limited.control.counters().generationArrivals).toEqual([START, START, START, START + 1000, START + 1000, START + 1000])
      // A fourth call in the second window is over the limit.
      expect((await post(limited, '/wxa/generate_urllink', { path: 'p' }, token)).errcode).toBe(44990)
    })

    it('with the real clock the window slides: refused at once, accepted after a second', async () => {
      const realTime = await startEmulator({ ratePerSecond: 20 })
      started.push(realTime)
      const { access_token: token } = await fetchToken(realTime)
      const burst = await Promise.all(Array.from({ length: 25 }, () => scheme(realTime, token)))
      // At most 20 in any second; with a slow machine a few more may land in the next window.
      expect(burst.filter((answer) => answer.errcode === 0).length).toBeGreaterThanOrEqual(20)
      expect(realTime.control.counters().rateLimited).toBe(burst.filter((answer) => answer.errcode === 44990).length)
      await new Promise((resolve) => setTimeout(resolve, 1050))
      const after = await Promise.all(Array.from({ length: 20 }, () => scheme(realTime, token)))
      expect(after.every((answer) => answer.errcode === 0)).toBe(true)
    })
  })

  describe('daily quota (Asia/Shanghai day)', () => {
    it('scheme + URL Link share it: spent, scheme answers 44993 and URL Link 45009, until midnight in Shanghai', async () => {
      const small = await start({ dailyQuota: 3 })
      const { access_token: token } = await fetchToken(small)
      for (let i = 0; i < 2; i++) expect((await scheme(small, token)).errcode).toBe(0)
      expect((await post(small, '/wxa/generate_urllink', { path: 'p' }, token)).errcode).toBe(0)
      expect((await scheme(small, token)).errcode).toBe(44993)
      expect((await post(small, '/wxa/generate_urllink', { path: 'p' }, token)).errcode).toBe(45009)
      expect(small.control.quotaRemaining()).toBe(0)
      // 23:59:59 in Shanghai is still the same day; 00:00 is the next.
      clock.at = Date.UTC(2026, 10, 22, 15, 59, 59)
      expect((await scheme(small, (await fetchToken(small)).access_token)).errcode).toBe(44993)
      clock.at = Date.UTC(2026, 10, 22, 16, 0, 0)
      expect((await scheme(small, (await fetchToken(small)).access_token)).errcode).toBe(0)
    })

    it('short links have a budget of their own, 1,000,000 a day by default', async () => {
      expect(emulator.control.quotaRemaining(SANDBOX_APP.appId, 'shortlinks')).toBe(1_000_000)
      expect(emulator.control.quotaRemaining(SANDBOX_APP.appId, 'links')).toBe(500_000)
      const small = await start({ dailyQuota: 1, shortLinkDailyQuota: 2 })
      const { access_token: token } = await fetchToken(small)
      expect((await scheme(small, token)).errcode).toBe(0)
      expect((await scheme(small, token)).errcode).toBe(44993)
      expect((await post(small, '/wxa/genwxashortlink', { page_url: 'p' }, token)).errcode).toBe(0)
      expect((await post(small, '/wxa/genwxashortlink', { page_url: 'p', is_permanent: true }, token)).errcode).toBe(0)
      expect((await post(small, '/wxa/genwxashortlink', { page_url: 'p' }, token)).errcode).toBe(45009)
    })

    it('exhaustQuota / setQuotaRemaining; short links have their own budget (45009)', async () => {
      const { access_token: token } = await fetchToken(emulator)
      emulator.control.setQuotaRemaining(1, { kind: 'links' })
      expect((await scheme(emulator, token)).errcode).toBe(0)
      expect((await scheme(emulator, token)).errcode).toBe(44993)
      expect((await post(emulator, '/wxa/genwxashortlink', { page_url: 'p' }, token)).errcode).toBe(0)
      emulator.control.exhaustQuota()
      expect((await post(emulator, '/wxa/genwxashortlink', { page_url: 'p' }, token)).errcode).toBe(45009)
      expect(emulator.control.counters().linksMinted).toBe(2)
    })
  })

  describe('faults', () => {
    it('delayMs holds every answer at least that long', async () => {
      const { access_token: token } = await fetchToken(emulator)
      emulator.control.setFaults({ delayMs: 300 })
      const before = Date.now()
      expect((await scheme(emulator, token)).errcode).toBe(0)
      expect(Date.now() - before).toBeGreaterThanOrEqual(290)
    })

    it('systemBusyRate 1 answers -1 on the chosen APIs only', async () => {
      emulator.control.setFaults({ systemBusyRate: 1, apis: ['generatescheme'] })
      const { access_token: token } = await fetchToken(emulator)
      expect(await scheme(emulator, token)).toEqual({ errcode: -1, errmsg: 'system error' })
      expect((await post(emulator, '/wxa/generate_urllink', { path: 'p' }, token)).errcode).toBe(0)
      emulator.control.clearFaults()
      expect((await scheme(emulator, token)).errcode).toBe(0)
    })

    it('dropRate 1 destroys the connection without an answer', async () => {
      const { access_token: token } = await fetchToken(emulator)
      emulator.control.setFaults({ dropRate: 1 })
      await expect(scheme(emulator, token)).rejects.toThrow()
      expect(emulator.control.counters()).toMatchObject({ dropped: 1, linksMinted: 0 })
    })

    it('forceErrcode answers the given errcode the given number of times, then normally', async () => {
      const { access_token: token } = await fetchToken(emulator)
      emulator.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: 85079, times: 2 } })
      expect(await scheme(emulator, token)).toEqual({ errcode: 85079, errmsg: 'miniprogram has no online release' })
      expect((await post(emulator, '/wxa/generate_urllink', { path: 'p' }, token)).errcode).toBe(0)
      expect((await scheme(emulator, token)).errcode).toBe(85079)
      expect((await scheme(emulator, token)).errcode).toBe(0)
    })
  })

  it(`remembers at most ${MAX_LINKS_KEPT} links (here 3), forgetting the oldest first, so a sandbox left running stays bounded`, () => {
    const registry = new LinkRegistry(3)
    const spec = { kind: 'scheme' as const, path: 'p', query: '', envVersion: 'release' as const, expiresAt: START + DAY }
    const [first, second, third] = [1, 2, 3].map(() => registry.mint(SANDBOX_APP.appId, spec, START))
    expect(registry.lookup(first.url)).toBeDefined()
    const fourth = registry.mint(SANDBOX_APP.appId, spec, START)
    expect(registry.size).toBe(3)
    expect(registry.lookup(first.url)).toBeUndefined()
    for (const kept of [second, third, fourth]) expect(registry.lookup(kept.url)).toMatchObject({ path: 'p' })
  })

  it('counters and reset', async () => {
    const { access_token: token } = await fetchToken(emulator)
    const minted = await scheme(emulator, token)
    await scheme(emulator, 'bad token')
    expect(emulator.control.counters()).toMatchObject({
      calls: { stable_token: 1, generatescheme: 2 },
      errcodes: { 0: 2, 40014: 1 },
      tokenFetches: 1,
      linksMinted: 1,
      rateLimited: 0,
    })
    emulator.control.reset()
    const cleared = emulator.control.counters()
    // toEqual for the maps: toMatchObject's {} would match any counts.
    expect(cleared.calls).toEqual({})
    expect(cleared.errcodes).toEqual({})
    expect(cleared).toMatchObject({ tokenFetches: 0, linksMinted: 0, generationArrivals: [] })
    expect(emulator.control.lookupLink(String(minted.openlink))).toBeUndefined()
    expect((await scheme(emulator, token)).errcode).toBe(40001)
  })
})
