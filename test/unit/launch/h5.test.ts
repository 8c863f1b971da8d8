import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openMiniProgram } from '../../../uni_modules/navi-kit/index'
import type { LaunchError } from '../../../uni_modules/navi-kit/errors'
import type { LaunchOptions, LaunchResult, LinkClient, MiniProgramTarget } from '../../../uni_modules/navi-kit/index'
import { FakeClock, fakeLinkService, flush, useSeam } from './fakes'
import type { FakeService } from './fakes'

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1'
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36'
const WECHAT = `${IPHONE} MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN`

let restore: () => void = () => {}
let serviceNumber = 0
let linkService = ''
beforeEach(() => {
  // A fresh base URL per test: the launcher keeps one client (and cache) per base URL.
  linkService = `http://links-${++serviceNumber}.test`
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-22T12:00:00Z'))
})
afterEach(() => {
  restore()
  vi.useRealTimers()
})

interface Browser {
  location: { href: string }
  clock: FakeClock
  service: FakeService
  hidden: boolean
  /** Who listens for the page going hidden (the seam's onPageHide). */
  hideListeners: Set<() => void>
  /** The OS puts WeChat in front: the page is hidden, and says so once. */
  hide(): void
}

/** `realDocument`: leave onPageHide to the seam's default (the happy-dom document and window). */
function inBrowser(userAgent = IPHONE, realDocument = false): Browser {
  const browser: Browser = {
    location: { href: 'http://shop.test/#/pages/launch/launch' },
    clock: new FakeClock(),
    service: fakeLinkService(),
    hidden: false,
    hideListeners: new Set(),
    hide: () => {
      browser.hidden = true
      browser.hideListeners.forEach((listener) => listener())
    },
  }
  restore = useSeam({
    platform: () => 'h5',
    userAgent: () => userAgent,
    location: () => browser.location,
    documentHidden: () => browser.hidden,
    ...(!realDocument && {
      onPageHide: (listener: () => void) => {
        browser.hideListeners.add(listener)
        return () => browser.hideListeners.delete(listener)
      },
    }),
    request: browser.service.request,
    setTimeout: browser.clock.setTimeout,
    clearTimeout: browser.clock.clearTimeout,
  })
  return browser
}

/** Starts a launch and records how it settled, without awaiting it. */
function start(promise: Promise<LaunchResult>): { result?: LaunchResult; error?: LaunchError } {
  const outcome: { result?: LaunchResult; error?: LaunchError } = {}
  promise.then(
    (result) => (outcome.result = result),
    (error) => (outcome.error = error),
  )
  return outcome
}

const declared = { appId: 'wx4e1ba651bbe36d01', path: '/mall/order/list', query: { index: 2 }, plaintext: true }
const minted = { appId: 'wx4e1ba651bbe36d01', path: '/pages/goods/goods', query: { id: 42 }, envVersion: 'trial' as const }

describe('openMiniProgram on H5: the plaintext scheme', () => {
  it('hands the declared page to WeChat by location.href and resolves once the page is hidden', async () => {
    const browser = inBrowser()
    const outcome = start(openMiniProgram(declared))
    await flush()
    expect(browser.location.href).toBe('weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=mall/order/list&query=index%3D2')
    await browser.clock.advance(500)
    expect(outcome).toEqual({})
    browser.hidden = true // WeChat came to the front
    await browser.clock.advance(250)
    expect(outcome.result).toEqual({ via: 'plaintext-scheme', url: browser.location.href })
    expect(browser.service.calls).toEqual([])
  })

  it('rejects cancelled when the page is still visible 2.5 s later (declined, or no WeChat)', async () => {
    const browser = inBrowser()
    const outcome = start(openMiniProgram(declared))
    await browser.clock.advance(2499)
    expect(outcome).toEqual({})
    await browser.clock.advance(1)
    expect(outcome.error).toMatchObject({ name: 'LaunchError', code: 'cancelled', via: 'plaintext-scheme' })
    expect(browser.clock.pending).toBe(0)
    expect(browser.hideListeners.size).toBe(0)
  })

  it('resolves when WeChat opened between two checks and the frozen tab checks only once the user is back', async () => {
    const browser = inBrowser()
    const outcome = start(openMiniProgram(declared))
    await browser.clock.advance(250) // visible: the prompt is up
    // Mobile browsers run no timers in a hidden tab: the user goes to WeChat and comes back
    // before the next check, which then sees a visible page.
    browser.hide()
    browser.hidden = false
    await browser.clock.advance(250)
    expect(outcome).toEqual({ result: { via: 'plaintext-scheme', url: browser.location.href } })
    expect(browser.clock.pending).toBe(0)
    expect(browser.hideListeners.size).toBe(0)
  })

  it("by default hears the real document's visibilitychange to hidden, and window's pagehide", async () => {
    for (const leave of [
      () => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
        document.dispatchEvent(new Event('visibilitychange'))
        delete (document as { hidden?: boolean }).hidden
      },
      () => window.dispatchEvent(new Event('pagehide')),
    ]) {
      const browser = inBrowser(IPHONE, true)
      const outcome = start(openMiniProgram(declared))
      await browser.clock.advance(250)
      document.dispatchEvent(new Event('visibilitychange')) // still visible: not a hand-over
      leave()
      await browser.clock.advance(250)
      expect(outcome.result).toEqual({ via: 'plaintext-scheme', url: browser.location.href })
      restore()
    }
  })

  it('carries cq in the query of a plaintext scheme, as the link service does in its plaintext fallback', async () => {
    const browser = inBrowser()
    start(openMiniProgram(declared, { cq: { uid: 'u 1' } }))
    await flush()
    // query "index=2&cq=uid%253Du%2520…" before its final encoding: cq's own value is encoded inside it.
    expect(browser.location.href).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=mall/order/list&query=index%3D2%26cq%3Duid%253Du%2525201',
    )
  })
})

describe('openMiniProgram on H5: links from the link service', () => {
  it('mints a URL Scheme (POST JSON, cq for the service to append) and opens it', async () => {
    const browser = inBrowser()
    const outcome = start(openMiniProgram(minted, { linkService, cq: { uid: 'u-1' } }))
    await flush()
    expect(browser.service.calls).toEqual([
      {
        url: `${linkService}/v1/wechat/scheme`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: { appId: 'wx4e1ba651bbe36d01', path: 'pages/goods/goods', query: 'id=42', envVersion: 'trial', cq: 'uid=u-1' },
      },
    ])
    expect(browser.location.href).toMatch(/^weixin:\/\/dl\/business\/\?t=T\d+&cq=uid%3Du-1$/)
    browser.hidden = true
    await browser.clock.advance(250)
    expect(outcome.result).toEqual({ via: 'url-scheme', url: browser.location.href })
  })

  it('keeps a minted link until it expires: the same launch again makes no request', async () => {
    const browser = inBrowser()
    browser.hidden = true
    const first = openMiniProgram(minted, { linkService, cq: 'a=1' })
    await browser.clock.advance(250)
    const firstUrl = (await first).url
    vi.setSystemTime(new Date('2026-11-22T23:00:00Z')) // 11 h later, the link is valid for 24 h
    const second = openMiniProgram(minted, { linkService, cq: 'a=1' })
    await browser.clock.advance(250)
    expect((await second).url).toBe(firstUrl)
    expect(browser.service.calls).toHaveLength(1)

    vi.setSystemTime(new Date('2026-11-23T12:00:01Z')) // past expiresAt
    const third = openMiniProgram(minted, { linkService, cq: 'a=1' })
    await browser.clock.advance(250)
    expect((await third).url).not.toBe(firstUrl)
    expect(browser.service.calls).toHaveLength(2)
  })

  it('a different appId, path, query, envVersion or cq is a different link', async () => {
    const browser = inBrowser()
    browser.hidden = true
    const launches: [MiniProgramTarget, LaunchOptions][] = [
      [minted, {}],
      [{ ...minted, query: { id: 43 } }, {}],
      [{ ...minted, envVersion: 'develop' as const }, {}],
      [{ ...minted, path: 'pages/b/b' }, {}],
      [minted, { cq: 'u=2' }],
      [{ ...minted, appId: 'wx0000000000000042' }, {}],
    ]
    for (const [target, options] of launches) {
      const opening = openMiniProgram(target, { linkService, ...options })
      await browser.clock.advance(250)
      await opening
    }
    expect(browser.service.calls).toHaveLength(6)
    expect(browser.service.calls[5].body).toMatchObject({ appId: 'wx0000000000000042' })
  })

  it('concurrent launches of one link make one request', async () => {
    const browser = inBrowser()
    browser.hidden = true
    browser.service.hold = true
    const launches = [openMiniProgram(minted, { linkService }), openMiniProgram(minted, { linkService })]
    await flush()
    browser.service.release()
    await browser.clock.advance(250)
    const [a, b] = await Promise.all(launches)
    expect(a.url).toBe(b.url)
    expect(browser.service.calls).toHaveLength(1)
  })

  it('mints a URL Link with linkKind urllink, and leaves the tab to the link (no wait)', async () => {
    const browser = inBrowser()
    const result = await openMiniProgram(minted, { linkService, linkKind: 'urllink', cq: 'c=1' })
    expect(browser.service.calls[0].url).toBe(`${linkService}/v1/wechat/urllink`)
    expect(result).toEqual({ via: 'url-link', url: expect.stringMatching(/^https:\/\/wxaurl\.cn\/T\d+\?cq=c%3D1$/) })
    expect(browser.location.href).toBe(result.url)
    expect(browser.clock.pending).toBe(0)
  })

  it('on Android mints a URL Link with linkKind urllink: the transit page is for schemes only', async () => {
    const browser = inBrowser(ANDROID)
    const result = await openMiniProgram(minted, { linkService, linkKind: 'urllink' })
    expect(browser.service.calls.map((call) => call.url)).toEqual([`${linkService}/v1/wechat/urllink`])
    expect(result).toEqual({ via: 'url-link', url: expect.stringMatching(/^https:\/\/wxaurl\.cn\/T\d+$/) })
    expect(browser.location.href).toBe(result.url)
  })

  it('on Android opens the service transit page instead of minting here', async () => {
    const browser = inBrowser(ANDROID)
    const result = await openMiniProgram(minted, { linkService, cq: { uid: 'u 1' } })
    const url = `${linkService}/go/wechat?appid=wx4e1ba651bbe36d01&path=pages%2Fgoods%2Fgoods&query=id%3D42&env=trial&cq=uid%3Du%2520${1}`
    expect(result).toEqual({ via: 'transit-page', url })
    expect(browser.location.href).toBe(url)
    expect(browser.service.calls).toEqual([])
  })

  it('the link service refusing → link-service with its code, message and status; nothing cached', async () => {
    const browser = inBrowser()
    browser.service.answers.push({ status: 403, body: { error: { code: 'path-not-allowed', message: 'pages/goods/goods is not in NAVI_ALLOWED_PATHS' } } })
    const error: LaunchError = await openMiniProgram(minted, { linkService }).catch((e) => e)
    expect(error).toMatchObject({ code: 'link-service', status: 403, errMsg: 'path-not-allowed' })
    expect(error.message).toContain('not in NAVI_ALLOWED_PATHS')
    expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
    browser.hidden = true
    const retry = openMiniProgram(minted, { linkService })
    await browser.clock.advance(250)
    await expect(retry).resolves.toMatchObject({ via: 'url-scheme' })
    expect(browser.service.calls).toHaveLength(2)
  })

  it('an unreachable service → link-service naming it', async () => {
    inBrowser()
    const restoreRequest = useSeam({ request: () => Promise.reject(new TypeError('Failed to fetch')) })
    await expect(openMiniProgram(minted, { linkService })).rejects.toMatchObject({
      code: 'link-service',
      message: `${linkService}: Failed to fetch (is the service running, and is this page's origin in its NAVI_ALLOWED_ORIGINS?)`,
    })
    restoreRequest()
  })

  it("an answer that is not the service's (a proxy's 502 page, a wrong base URL) → link-service saying so, with the status", async () => {
    const browser = inBrowser()
    browser.service.answers.push({ status: 502, body: undefined as never })
    await expect(openMiniProgram(minted, { linkService })).rejects.toMatchObject({
      code: 'link-service',
      status: 502,
      message: `${linkService}/v1/wechat/scheme answered HTTP 502 without a link-service error: is linkService the service's base URL?`,
    })
  })

  it('a service that never answers (a stalled mobile network) → link-service after 10 s; the next tap asks again and opens', async () => {
    const browser = inBrowser()
    browser.service.hold = true
    const stalled = start(openMiniProgram(minted, { linkService }))
    await browser.clock.advance(9_999)
    expect(stalled).toEqual({})
    await browser.clock.advance(1)
    expect(stalled.error).toMatchObject({ code: 'link-service', message: `${linkService}: no answer within 10 s (is the service running, and is this page's origin in its NAVI_ALLOWED_ORIGINS?)` })
    expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
    // The network is back: the stalled request is not what the next tap waits for.
    browser.service.hold = false
    browser.hidden = true
    const retry = start(openMiniProgram(minted, { linkService }))
    await browser.clock.advance(250)
    expect(retry.result).toMatchObject({ via: 'url-scheme' })
    expect(browser.location.href).toMatch(/^weixin:\/\/dl\/business\/\?t=T\d+$/)
    expect(browser.service.calls).toHaveLength(2)
    browser.service.release()
  })

  it("a 2xx answer without a link (a gateway's own JSON) → link-service; the page stays, nothing is cached", async () => {
    const browser = inBrowser()
    browser.service.answers.push({ status: 200, body: { code: 0, msg: 'ok' } })
    await expect(openMiniProgram(minted, { linkService })).rejects.toMatchObject({
      code: 'link-service',
      status: 200,
      message: `${linkService}/v1/wechat/scheme answered HTTP 200 without a url: is linkService the service's base URL?`,
    })
    expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
    browser.hidden = true
    const retry = start(openMiniProgram(minted, { linkService }))
    await browser.clock.advance(250)
    expect(retry.result).toMatchObject({ via: 'url-scheme' })
    expect(browser.service.calls).toHaveLength(2)
  })

  it("a 2xx whose url is no WeChat link (javascript:, a login page) is not the service's answer: link-service, the page stays, nothing is cached", async () => {
    const answers: [LaunchOptions['linkKind'], string][] = [
      ['scheme', 'javascript:alert(document.cookie)'],
      ['scheme', 'https://portal.example/login'],
      ['urllink', 'javascript:alert(1)//https://wxaurl.cn/x'],
      ['urllink', 'http://wxaurl.cn/T1'],
    ]
    for (const [index, [linkKind, url]] of answers.entries()) {
      const browser = inBrowser()
      // A base URL of its own each time: the launcher keeps one client (and cache) per base URL.
      const service = `${linkService}/${index}`
      browser.service.answers.push({ status: 200, body: { url, expiresAt: '2026-12-22T12:00:00.000Z', cached: false, sandbox: false } })
      const outcome = start(openMiniProgram(minted, { linkService: service, linkKind }))
      await flush()
      expect(outcome.error, url).toMatchObject({ name: 'LaunchError', code: 'link-service', status: 200 })
      expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
      // The next tap asks again (nothing kept) and opens the real link.
      browser.hidden = true
      const retry = start(openMiniProgram(minted, { linkService: service, linkKind }))
      await browser.clock.advance(250)
      expect(retry.result?.url).toMatch(/^(weixin:\/\/dl\/business\/\?t=|https:\/\/wxaurl\.cn\/)T\d+$/)
      expect(browser.service.calls).toHaveLength(2)
      restore()
    }
  })

  it('accepts a client object instead of a base URL', async () => {
    const browser = inBrowser()
    browser.hidden = true
    const client: LinkClient = {
      mint: vi.fn(async () => ({ url: 'weixin://dl/business/?t=CUSTOM', expiresAt: null })),
      transitPageUrl: () => 'unused',
    }
    const opening = openMiniProgram(minted, { linkService: client })
    await browser.clock.advance(250)
    await expect(opening).resolves.toEqual({ via: 'url-scheme', url: 'weixin://dl/business/?t=CUSTOM' })
    expect(client.mint).toHaveBeenCalledWith('scheme', { appId: 'wx4e1ba651bbe36d01', path: 'pages/goods/goods', query: 'id=42', envVersion: 'trial' })
  })

  it('opens what the service answers when its quota ran out (a plaintext scheme)', async () => {
    const browser = inBrowser()
    const plaintext = 'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/goods/goods&query=id%3D42%26cq%3Du%253D1'
    browser.service.answers.push({ status: 200, body: { url: plaintext, expiresAt: null, cached: false, fallback: 'plaintext', sandbox: true } })
    const outcome = start(openMiniProgram(minted, { linkService, cq: 'u=1' }))
    await flush()
    expect(browser.location.href).toBe(plaintext)
    browser.hidden = true
    await browser.clock.advance(250)
    expect(outcome.result).toEqual({ via: 'plaintext-scheme', url: plaintext })
  })

  it('a target that is not a WeChat AppID (Douyin, Baidu, none): invalid naming appId, before any request', async () => {
    for (const userAgent of [IPHONE, ANDROID]) {
      const browser = inBrowser(userAgent)
      for (const appId of ['tt2d495bf4b2000000', 'baiduAppKey', '']) {
        const outcome = start(openMiniProgram({ ...minted, appId }, { linkService }))
        await flush()
        expect(outcome.error).toMatchObject({ name: 'LaunchError', code: 'invalid', message: 'appId must be wx + 16 letters/digits' })
      }
      expect(browser.service.calls).toEqual([])
      expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
      restore()
    }
  })

  it("without target.path opens the mini program's home page: no path in the request, nor in the transit page's URL", async () => {
    const iphone = inBrowser(IPHONE)
    iphone.hidden = true
    const opening = start(openMiniProgram({ appId: minted.appId, query: { from: 'h5' } }, { linkService }))
    await iphone.clock.advance(250)
    expect(opening.result).toMatchObject({ via: 'url-scheme' })
    expect(iphone.service.calls.map((call) => call.body)).toEqual([{ appId: minted.appId, query: 'from=h5' }])
    restore()
    const android = inBrowser(ANDROID)
    await expect(openMiniProgram({ appId: minted.appId }, { linkService })).resolves.toEqual({
      via: 'transit-page',
      url: `${linkService}/go/wechat?appid=${minted.appId}`,
    })
    expect(android.service.calls).toEqual([])
  })

  it("a path the link service refuses (an empty, '.' or '..' segment, a trailing '/', '~') is invalid before anything is handed over", async () => {
    // On Android the transit page would answer its 400 page after the launch had resolved 'transit-page';
    // a declared plaintext page would hand WeChat a scheme to a page that cannot exist.
    for (const userAgent of [ANDROID, IPHONE]) {
      for (const path of ['pages//goods', 'pages/goods/', 'pages/ok/../admin/secret', 'pages/./goods', 'pages/a~b/c']) {
        for (const plaintext of [false, true]) {
          const browser = inBrowser(userAgent)
          const outcome = start(openMiniProgram({ ...minted, path, plaintext }, { linkService }))
          await flush()
          expect(outcome.error, `${path} (${plaintext ? 'plaintext' : 'service'})`).toMatchObject({ name: 'LaunchError', code: 'invalid', message: expect.stringMatching(/^path /) })
          expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
          expect(browser.service.calls).toEqual([])
          restore()
        }
      }
    }
  })

  it("a query the path carries ('pages/goods/goods?id=42', as uni's docs write it) joins target.query, as on mini programs, the App and the open tag", async () => {
    const target = { appId: minted.appId, path: '/pages/goods/goods?id=42', query: { from: 'h5' } }
    const iphone = inBrowser(IPHONE)
    iphone.hidden = true
    const opening = start(openMiniProgram(target, { linkService }))
    await iphone.clock.advance(250)
    expect(opening.result).toMatchObject({ via: 'url-scheme' })
    expect(iphone.service.calls.map((call) => call.body)).toEqual([{ appId: minted.appId, path: 'pages/goods/goods', query: 'id=42&from=h5' }])
    restore()
    const android = inBrowser(ANDROID)
    await expect(openMiniProgram(target, { linkService })).resolves.toEqual({
      via: 'transit-page',
      url: `${linkService}/go/wechat?appid=${minted.appId}&path=pages%2Fgoods%2Fgoods&query=id%3D42%26from%3Dh5`,
    })
    expect(android.service.calls).toEqual([])
    restore()
    const plain = inBrowser(IPHONE)
    start(openMiniProgram({ ...target, plaintext: true }))
    await flush()
    expect(plain.location.href).toBe(`weixin://dl/business/?appid=${minted.appId}&path=pages/goods/goods&query=id%3D42%26from%3Dh5`)
  })

  it('a declared plaintext page still needs its path: the plaintext scheme has no home page', async () => {
    const browser = inBrowser(IPHONE)
    const outcome = start(openMiniProgram({ appId: minted.appId, plaintext: true }, { linkService }))
    await flush()
    expect(outcome.error).toMatchObject({ name: 'LaunchError', code: 'invalid', message: 'path is required' })
    expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
  })

  it('without a link service and without plaintext: invalid, saying what to pass', async () => {
    const browser = inBrowser()
    await expect(openMiniProgram(minted)).rejects.toMatchObject({ code: 'invalid', message: /linkService/ })
    expect(browser.service.calls).toEqual([])
  })
})

describe('openMiniProgram on H5: inside the WeChat browser', () => {
  it('rejects unsupported and points to <navi-launch-weapp>; nothing is opened', async () => {
    const browser = inBrowser(WECHAT)
    await expect(openMiniProgram(minted, { linkService })).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringContaining('<navi-launch-weapp>'),
    })
    await expect(openMiniProgram(declared)).rejects.toMatchObject({ code: 'unsupported' })
    expect(browser.service.calls).toEqual([])
    expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
  })
})
