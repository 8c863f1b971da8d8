/**
 * The launcher on H5: the production build of the demo's launch page in a
 * real Chromium, against the real link service (SANDBOX mode, its built-in
 * WeChat emulator in-process). Each test is a phone of one kind (its user
 * agent) that taps a button on the page.
 *
 * How a `weixin://` navigation is seen: Chromium hands custom schemes to the
 * OS, so `page.route('weixin://**')` never fires and no page ever loads.
 * The DevTools event `Page.frameRequestedNavigation` reports every
 * script-initiated navigation with its URL (here `location.href = url`), and
 * that is what these tests read. (Playwright's `page.on('request')` happened
 * to report it too in this Chromium; the CDP event is the documented one.)
 * After such an attempt Playwright waits for a navigation that never commits,
 * so taps go through `element.click()` in the page, not `locator.click()`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { SANDBOX_OA } from '../../src/emulator'
import { buildWeixinScheme } from '../../uni_modules/navi-kit/links'
import { projectRoot } from '../support/build'
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/h5/browser'
import { jssdkSignature, type SandboxLinkService, startSandboxLinkService } from '../support/link-service'

/** What the demo's launch page opens (pages/launch/launch.vue), written out. */
const TARGET = {
  appId: 'wx4e1ba651bbe36d01',
  originalId: 'gh_c047d654ee27',
  path: 'pages/index/index',
  query: { id: 42, from: 'navi-kit' },
}
/** The demo's query as WeChat's query string, and its per-user `cq` (`{ uid: 'u-1' }`). */
const TARGET_QUERY = 'id=42&from=navi-kit'
const DEMO_CQ = 'uid=u-1'

const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  wechat:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN',
}

const SHOTS = path.join(projectRoot, 'test-results', 'h5')

let browser: Browser
let service: SandboxLinkService
/** The contexts of the current test, closed after it. */
const contexts: BrowserContext[] = []
const pageErrors: string[] = []

beforeAll(async () => {
  service = await startSandboxLinkService()
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  })
})

afterAll(async () => {
  await browser?.close()
  await service?.close()
})

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail' && pageErrors.length) console.error(pageErrors.join('\n'))
  pageErrors.length = 0
  for (const context of contexts.splice(0)) await context.close()
})

interface RequestedNavigation {
  url: string
  reason: string
  disposition: string
}

interface Phone {
  page: Page
  /** Every navigation a script asked for, in order (weixin:// included). */
  navigations: RequestedNavigation[]
  /** `METHOD path` of every request the browser sent to the link service. */
  serviceCalls: string[]
  /** Resolves with the first requested navigation whose URL starts with `prefix`. */
  navigationTo(prefix: string, timeoutMs?: number): Promise<RequestedNavigation>
  /** Taps `selector` with a DOM click (see the file comment). */
  tap(selector: string): Promise<void>
  result(): Promise<string>
  screenshot(name: string): Promise<void>
}

/** A fresh browser context with `userAgent`, on the demo's launch page pointed at the sandbox service. */
interface PhoneOptions {
  /** Runs before the page's scripts (e.g. the WeChat client's bridge). */
  initScript?: () => void
  /** Default: the sandbox service of this file. */
  linkService?: string
  /** A query on the page URL itself, before the hash (WeChat adds `?from=singlemessage…` to shared links). */
  search?: string
}

async function openPhone(userAgent: string, { initScript, linkService = service.url, search = '' }: PhoneOptions = {}): Promise<Phone> {
  const context = await browser.newContext({ userAgent, viewport: { width: 375, height: 667 }, locale: 'zh-CN' })
  contexts.push(context)
  if (initScript) await context.addInitScript(initScript)
  // No network here: anything not on loopback is answered locally (an empty body).
  await context.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url())
    if (protocol === 'http:' && hostname === '127.0.0.1') return route.continue()
    return route.fulfill({ status: 200, contentType: 'text/plain', body: '' })
  })
  const page = await context.newPage()
  const serviceCalls: string[] = []
  page.on('request', (request) => {
    if (request.url().startsWith(`${service.url}/`)) serviceCalls.push(`${request.method()} ${new URL(request.url()).pathname}`)
  })
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`)
  })

  const navigations: RequestedNavigation[] = []
  const waiters: Array<() => void> = []
  const cdp = await context.newCDPSession(page)
  cdp.on('Page.frameRequestedNavigation', (event) => {
    navigations.push({ url: event.url, reason: event.reason, disposition: event.disposition })
    for (const wake of waiters.splice(0)) wake()
  })
  await cdp.send('Page.enable')

  // Hash routing: the page's query (linkService) lives inside the hash.
  const base = inject('h5Url').replace(/\/+$/, '')
  await page.goto(`${base}/${search}#/pages/launch/launch?linkService=${encodeURIComponent(linkService)}`)
  await page.locator('uni-page[data-page="pages/launch/launch"] #open-default').waitFor()
  await expect.poll(() => page.evaluate(() => document.querySelector<HTMLInputElement>('#link-service input')?.value)).toBe(linkService)

  return {
    page,
    navigations,
    serviceCalls,
    async navigationTo(prefix, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = navigations.find((navigation) => navigation.url.startsWith(prefix))
        if (found) return found
        if (Date.now() > deadline) {
          throw new Error(`no navigation to ${prefix}; seen: ${JSON.stringify(navigations.map((n) => n.url))}`)
        }
        await new Promise<void>((wake) => {
          waiters.push(wake)
          setTimeout(wake, 200)
        })
      }
    },
    async tap(selector) {
      await page.evaluate((target) => {
        const element = document.querySelector<HTMLElement>(target)
        if (!element) throw new Error(`nothing to tap at ${target}`)
        element.click()
      }, selector)
    },
    result: () => page.evaluate(() => (document.querySelector('#result')?.textContent ?? '').trim()),
    async screenshot(name) {
      fs.mkdirSync(SHOTS, { recursive: true })
      await page.screenshot({ path: path.join(SHOTS, `launch-${name}.png`), fullPage: true })
    },
  }
}

describe('H5 outside WeChat: a minted URL Scheme', () => {
  it('iPhone: the scheme button hands a weixin://dl/business/?t= link minted by the service to the browser, then reports cancelled while the page stays visible', async () => {
    const phone = await openPhone(UA.iphone)
    // The page's own clock times the results (the test process may lag behind on a busy machine).
    await phone.page.evaluate(() => {
      const result = document.querySelector('#result') as Element
      const seen: Array<{ text: string; at: number }> = []
      Object.assign(window, { naviResults: seen, naviTapAt: performance.now() })
      new MutationObserver(() => seen.push({ text: (result.textContent ?? '').trim(), at: performance.now() })).observe(result, {
        childList: true,
        subtree: true,
        characterData: true,
      })
    })
    await phone.tap('#open-scheme')

    const navigation = await phone.navigationTo('weixin://')
    expect(navigation).toMatchObject({ reason: 'scriptInitiated', disposition: 'currentTab' })
    expect(navigation.url).toMatch(/^weixin:\/\/dl\/business\/\?t=[0-9A-Za-z]+&cq=uid%3Du-1$/)
    // The link is the emulator's: it knows what it stands for.
    expect(service.emulator.lookupLink(navigation.url)).toMatchObject({
      kind: 'scheme',
      appId: TARGET.appId,
      path: TARGET.path,
      query: TARGET_QUERY,
      envVersion: 'release',
      customQuery: DEMO_CQ,
    })
    expect(phone.serviceCalls).toEqual(['POST /v1/wechat/scheme'])
    await phone.screenshot('scheme-handover')

    // With the page still visible, the launch is called off — after the wait, not before.
    await expect.poll(() => phone.result(), { timeout: 8000 }).toBe('cancelled: WeChat did not open')
    const timeline = await phone.page.evaluate(() => {
      const page = window as unknown as { naviResults: Array<{ text: string; at: number }>; naviTapAt: number }
      return page.naviResults.map((entry) => ({ text: entry.text, after: entry.at - page.naviTapAt }))
    })
    expect(timeline.map((entry) => entry.text)).toEqual(['…', 'cancelled: WeChat did not open'])
    expect(timeline[1].after).toBeGreaterThanOrEqual(2500)
    expect(await phone.page.evaluate(() => document.visibilityState)).toBe('visible')
    await phone.screenshot('scheme-cancelled')
  })

  it('iPhone: when the page goes hidden after the handover (WeChat took the screen), the launch resolves with the link', async () => {
    const phone = await openPhone(UA.iphone)
    await phone.tap('#open-scheme')
    const navigation = await phone.navigationTo('weixin://')
    // Headless Chromium keeps every page visible (a second tab or a minimised window change nothing),
    // so the test plays the OS: the document reports hidden, as it does when WeChat comes to the front.
    await phone.page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await expect.poll(() => phone.result(), { timeout: 5000 }).toBe(`ok via=url-scheme url=${navigation.url}`)
  })

  it('iPhone: the default button (no cq) asks the service once; a second tap reuses the link the page cached', async () => {
    const phone = await openPhone(UA.iphone)
    await phone.tap('#open-default')
    const first = await phone.navigationTo('weixin://')
    expect(first.url).toMatch(/^weixin:\/\/dl\/business\/\?t=[0-9A-Za-z]+$/)
    const looked = service.emulator.lookupLink(first.url)
    expect(looked).toMatchObject({ kind: 'scheme', path: TARGET.path, query: TARGET_QUERY })
    expect(looked?.customQuery).toBeUndefined()
    await expect.poll(() => phone.result(), { timeout: 8000 }).toMatch(/^cancelled: /)

    phone.navigations.length = 0
    await phone.tap('#open-default')
    const second = await phone.navigationTo('weixin://')
    expect(second.url).toBe(first.url)
    expect(phone.serviceCalls).toEqual(['POST /v1/wechat/scheme'])
  })

  it('the URL Link button goes to a wxaurl.cn link minted by the service, with ?cq=', async () => {
    const phone = await openPhone(UA.iphone)
    await phone.tap('#open-urllink')
    const navigation = await phone.navigationTo('https://wxaurl.cn/')
    expect(navigation.url).toMatch(/^https:\/\/wxaurl\.cn\/[0-9A-Za-z]+\?cq=uid%3Du-1$/)
    expect(service.emulator.lookupLink(navigation.url)).toMatchObject({
      kind: 'urllink',
      appId: TARGET.appId,
      path: TARGET.path,
      query: TARGET_QUERY,
      customQuery: DEMO_CQ,
    })
  })
})

describe('H5 outside WeChat: <navi-launch-weapp> and errors', () => {
  it('outside WeChat the component is a tap target: it opens a link minted by the service for its path and query', async () => {
    const phone = await openPhone(UA.iphone)
    expect(await phone.page.locator('#launch-weapp wx-open-launch-weapp').count()).toBe(0)
    expect(await phone.page.locator('#launch-weapp').getAttribute('role')).toBe('button')
    await phone.tap('#launch-weapp')
    const navigation = await phone.navigationTo('weixin://')
    expect(navigation.url).toMatch(/^weixin:\/\/dl\/business\/\?t=[0-9A-Za-z]+$/)
    expect(service.emulator.lookupLink(navigation.url)).toMatchObject({ kind: 'scheme', appId: TARGET.appId, path: TARGET.path, query: TARGET_QUERY })
    expect(phone.serviceCalls).toEqual(['POST /v1/wechat/scheme'])
    // The component's error event reaches the page like the buttons' results do.
    await expect.poll(() => phone.result(), { timeout: 8000 }).toBe('cancelled: WeChat did not open')
  })

  it('an unreachable link service: the page shows link-service naming it, and nothing is opened', async () => {
    const closed = await startSandboxLinkService()
    await closed.close()
    const phone = await openPhone(UA.iphone, { linkService: closed.url })
    await phone.tap('#open-scheme')
    await expect.poll(() => phone.result()).toMatch(new RegExp(`^link-service: ${closed.url.replace(/[.]/g, '\\.')}: `))
    expect(phone.navigations).toEqual([])
  })
})

describe('H5 outside WeChat: Android', () => {
  it("goes to the service's transit page /go/wechat, which itself opens a weixin:// link minted by the emulator", async () => {
    const phone = await openPhone(UA.android)
    await phone.tap('#open-scheme')

    const transit = await phone.navigationTo(`${service.url}/go/wechat?`)
    const transitUrl = new URL(transit.url)
    expect(Object.fromEntries(transitUrl.searchParams)).toEqual({ appid: TARGET.appId, path: TARGET.path, query: TARGET_QUERY, cq: DEMO_CQ })
    // The demo page mints nothing itself on Android: the transit page does, server-side.
    const scheme = await phone.navigationTo('weixin://')
    expect(scheme.url).toMatch(/^weixin:\/\/dl\/business\/\?t=[0-9A-Za-z]+&cq=uid%3Du-1$/)
    expect(service.emulator.lookupLink(scheme.url)).toMatchObject({
      kind: 'scheme',
      appId: TARGET.appId,
      path: TARGET.path,
      query: TARGET_QUERY,
      customQuery: DEMO_CQ,
    })
    expect(phone.serviceCalls).toEqual(['GET /go/wechat'])

    // The transit page is on screen, with the same link behind its button for browsers that block the redirect.
    await phone.page.locator('#navi-open').waitFor()
    expect(phone.page.url()).toBe(transit.url)
    expect(await phone.page.locator('#navi-open').getAttribute('href')).toBe(scheme.url)
    expect(await phone.page.locator('#navi-sandbox').isVisible()).toBe(true)
    await phone.screenshot('android-transit')
  })
})

/** One call the page made into the WeChat client's bridge (what weixin-js-sdk talks to). */
interface BridgeCall {
  name: string
  args: Record<string, unknown>
}

/**
 * The WeChat client's side of the JS-SDK: `window.WeixinJSBridge`, which the
 * real weixin-js-sdk (bundled into the H5 build, loaded on demand by the
 * component) calls for `wx.config` ('preVerifyJSAPI'). It records each call
 * and answers ok, as WeChat does for a valid signature; the test checks the
 * signature itself against the emulator's ticket.
 */
function installWeixinBridge(): void {
  const calls: Array<{ name: string; args: unknown }> = []
  Object.assign(window, {
    naviBridgeCalls: calls,
    WeixinJSBridge: {
      invoke(name: string, args: unknown, callback?: (result: { err_msg: string }) => void) {
        calls.push({ name, args: JSON.parse(JSON.stringify(args ?? {})) })
        setTimeout(() => callback?.({ err_msg: `${name}:ok` }), 0)
      },
      on() {},
      call() {},
    },
  })
}

describe('H5 inside WeChat: the open tag', () => {
  it('<navi-launch-weapp> renders wx-open-launch-weapp, and its wx.config carries a signature made with the emulator’s jsapi ticket', async () => {
    const phone = await openPhone(UA.wechat, { initScript: installWeixinBridge })
    const tag = phone.page.locator('#launch-weapp wx-open-launch-weapp')
    await tag.waitFor({ state: 'attached' })
    expect(await tag.getAttribute('username')).toBe(TARGET.originalId)
    expect(await tag.getAttribute('path')).toBe(`${TARGET.path}.html?${TARGET_QUERY}`)
    const template = await tag.evaluate((element) => {
      const script = element.querySelector('script')
      return { type: script?.getAttribute('type'), html: script?.textContent ?? '' }
    })
    expect(template.type).toBe('text/wxtag-template')
    expect(template.html).toContain('打开小程序 Open the mini program')
    // The slot's inline style travels with it (the browser writes the colour back as rgb()).
    expect(template.html).toMatch(/^<div [^>]*style="[^"]*background: rgb\(7, 193, 96\)/)

    const readCalls = () => phone.page.evaluate(() => (window as unknown as { naviBridgeCalls: BridgeCall[] }).naviBridgeCalls)
    await expect.poll(async () => (await readCalls()).some((call) => call.name === 'preVerifyJSAPI'), { timeout: 8000 }).toBe(true)
    const configs = (await readCalls()).filter((call) => call.name === 'preVerifyJSAPI')
    expect(configs).toHaveLength(1)
    const config = configs[0].args as {
      verifyAppId: string
      verifyTimestamp: string
      verifyNonceStr: string
      verifySignature: string
      verifyOpenTagList: string[]
    }
    expect(config.verifyAppId).toBe(SANDBOX_OA.appId)
    expect(config.verifyOpenTagList).toEqual(['wx-open-launch-weapp'])

    const ticket = service.emulator.jsapiTicket()
    expect(ticket).toBeTruthy()
    const pageUrl = phone.page.url()
    expect(pageUrl).toContain('#/pages/launch/launch')
    const expected = jssdkSignature({
      ticket: ticket as string,
      nonceStr: config.verifyNonceStr,
      timestamp: config.verifyTimestamp,
      url: pageUrl.split('#')[0],
    })
    expect(config.verifySignature).toBe(expected)
    expect(phone.serviceCalls).toEqual(['GET /v1/wechat/jssdk-config'])
    // Signed without the hash: the same fields over the URL with its hash give another signature.
    const withHash = { ticket: ticket as string, nonceStr: config.verifyNonceStr, timestamp: config.verifyTimestamp, url: pageUrl }
    expect(jssdkSignature(withHash)).not.toBe(config.verifySignature)

    // The component reported no error, and scripts say to use the tag instead.
    expect(await phone.result()).toBe('')
    await phone.tap('#open-default')
    await expect.poll(() => phone.result()).toMatch(/^unsupported: .*navi-launch-weapp/)
    expect(phone.navigations.filter((navigation) => navigation.url.startsWith('weixin://'))).toEqual([])
    await phone.screenshot('wechat-open-tag')
  })
})

describe('H5 inside WeChat: a shared link', () => {
  it('signs the page URL with the query WeChat adds to shared links, exactly as the browser shows it', async () => {
    const search = '?from=singlemessage&isappinstalled=0&note=a%20b%2Bc'
    const phone = await openPhone(UA.wechat, { initScript: installWeixinBridge, search })
    const readCalls = () => phone.page.evaluate(() => (window as unknown as { naviBridgeCalls: BridgeCall[] }).naviBridgeCalls)
    await expect.poll(async () => (await readCalls()).some((call) => call.name === 'preVerifyJSAPI'), { timeout: 8000 }).toBe(true)
    const config = (await readCalls()).find((call) => call.name === 'preVerifyJSAPI')?.args as Record<string, string>
    const pageUrl = phone.page.url().split('#')[0]
    expect(pageUrl.endsWith(`/${search}`)).toBe(true)
    expect(config.verifySignature).toBe(
      jssdkSignature({
        ticket: service.emulator.jsapiTicket() as string,
        nonceStr: config.verifyNonceStr,
        timestamp: config.verifyTimestamp,
        url: pageUrl,
      }),
    )
    expect(await phone.result()).toBe('')
  })
})

describe('H5 inside WeChat: no signature', () => {
  it('the link service unreachable: the component reports link-service, and WeChat is never configured', async () => {
    const closed = await startSandboxLinkService()
    await closed.close()
    const phone = await openPhone(UA.wechat, { initScript: installWeixinBridge, linkService: closed.url })
    await phone.page.locator('#launch-weapp wx-open-launch-weapp').waitFor({ state: 'attached' })
    await expect.poll(() => phone.result()).toMatch(/^link-service: /)
    const calls = await phone.page.evaluate(() => (window as unknown as { naviBridgeCalls: BridgeCall[] }).naviBridgeCalls)
    expect(calls.filter((call) => call.name === 'preVerifyJSAPI')).toEqual([])
  })
})

describe('H5 plaintext scheme', () => {
  it('builds weixin://dl/business/?appid=…&path=…&query=… in the page, encoded as buildWeixinScheme does, with no service call', async () => {
    const phone = await openPhone(UA.iphone)
    await phone.tap('#open-plaintext')
    const navigation = await phone.navigationTo('weixin://')

    // Written out: the query is encoded once as a whole (its '=' and '&' become %3D / %26).
    expect(navigation.url).toBe('weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/index/index&query=id%3D42%26from%3Dnavi-kit')
    expect(navigation.url).toBe(buildWeixinScheme({ appId: TARGET.appId, path: TARGET.path, query: TARGET.query }))
    expect(navigation.url).toBe((await phone.page.locator('#built-weixin').textContent())?.trim())
    expect(phone.serviceCalls).toEqual([])
    await expect.poll(() => phone.result(), { timeout: 8000 }).toBe('cancelled: WeChat did not open')
    await phone.screenshot('plaintext')
  })
})

describe('H5 and an Alipay mini program', () => {
  it('the Alipay button opens nothing (the WeChat link service cannot mint for Alipay) and says so', async () => {
    const phone = await openPhone(UA.iphone)
    await phone.tap('#open-alipay')
    await expect.poll(() => phone.result()).toMatch(/^unsupported: Alipay mini programs/)
    expect(phone.navigations).toEqual([])
    expect(phone.serviceCalls).toEqual([])
  })
})
