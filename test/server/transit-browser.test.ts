/**
 * The transit page in a real Chromium: what a phone, a desktop and the WeChat
 * browser see, and that hostile links execute nothing.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/h5/browser'
import { ANDROID_UA, DESKTOP_UA, MAC_SAFARI_UA, startStack, WECHAT_UA, type Stack } from './http-harness'


/** Stands in for res.wx.qq.com's JS-SDK: records the config the page passes. */
const FAKE_JSSDK = `window.wx={config:function(c){window.__naviWxConfig=c},error:function(){},ready:function(){}};`

interface Visit {
  page: Page
  /** Alerts, confirms, prompts: none may appear. */
  dialogs: string[]
  /** Page errors and console messages (a CSP violation shows up here). */
  console: string[]
  /** Requests for weixin:// URLs (the navigation Chromium hands to the OS). */
  schemes: string[]
  /** Outside http(s) requests, answered locally. */
  outside: string[]
  close(): Promise<void>
}

async function open(url: string, userAgent: string, hasTouch = false): Promise<Visit> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-transit-'))
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    userAgent,
    viewport: { width: 390, height: 800 },
    hasTouch,
    locale: 'zh-CN',
  })
  const visit: Visit = {
    page: context.pages()[0] ?? (await context.newPage()),
    dialogs: [],
    console: [],
    schemes: [],
    outside: [],
    close: async () => {
      await context.close()
      fs.rmSync(profile, { recursive: true, force: true })
    },
  }
  await context.route('**/*', async (route) => {
    const requestUrl = route.request().url()
    const { hostname } = new URL(requestUrl)
    if (hostname === '127.0.0.1') return route.continue()
    visit.outside.push(requestUrl)
    if (requestUrl === 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js') {
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: FAKE_JSSDK })
    }
    return route.fulfill({ status: 204, body: '' })
  })
  const { page } = visit
  page.on('dialog', (dialog) => {
    visit.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  page.on('console', (message) => visit.console.push(`${message.type()}: ${message.text()}`))
  page.on('pageerror', (error) => visit.console.push(`pageerror: ${error.message}`))
  page.on('request', (request) => {
    if (request.url().startsWith('weixin:')) visit.schemes.push(request.url())
  })
  try {
    // 'commit': the page itself navigates away (to weixin://) before it would count as loaded.
    await page.goto(url, { waitUntil: 'commit' })
  } catch (error) {
    await visit.close()
    throw error
  }
  return visit
}

/** Elements or globals an injected payload would have created. */
async function injectedTraces(page: Page): Promise<{ scripts: number; svgs: number; imgs: number; pwned: unknown }> {
  return page.evaluate(() => ({
    scripts: document.querySelectorAll('script:not([type="application/json"])').length,
    svgs: document.querySelectorAll('svg').length,
    imgs: document.querySelectorAll('img').length,
    pwned: (window as unknown as { pwned?: unknown }).pwned,
  }))
}

describe('transit page in Chromium', () => {
  let stack: Stack
  let base: string
  beforeAll(async () => {
    stack = await startStack({}, { sandbox: true })
    base = await stack.listen()
  })
  afterAll(() => stack.close())

  it('an Android phone is sent to a weixin://dl/business/?t= scheme, even for a javascript: query', async () => {
    const visit = await open(
      `${base}/go/wechat?path=pages/index/index&query=${encodeURIComponent('x=javascript:alert(1)')}&cq=${encodeURIComponent('u=9')}`,
      ANDROID_UA,
    )
    try {
      await expect.poll(() => visit.schemes.length, { timeout: 5000 }).toBeGreaterThan(0)
      expect(visit.schemes[0]).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+&cq=u%3D9$/)
      expect(visit.schemes.every((url) => url.startsWith('weixin://dl/business/?t='))).toBe(true)
      // The very link WeChat (the emulator) minted for this page and query.
      expect(stack.emulator?.control.lookupLink(visit.schemes[0])).toMatchObject({
        kind: 'scheme',
        path: 'pages/index/index',
        query: 'x=javascript:alert(1)',
      })
      // The button stays for browsers that block the redirect.
      await expect.poll(() => visit.page.locator('#navi-open').getAttribute('href')).toBe(visit.schemes[0])
      expect(await visit.page.locator('#navi-open').innerText()).toBe('打开小程序')
      expect(visit.dialogs).toEqual([])
      expect(visit.console.filter((line) => /Content Security Policy|pageerror/.test(line))).toEqual([])
    } finally {
      await visit.close()
    }
  })

  it.each([
    ['markup in path', `path=${encodeURIComponent('"><script>window.pwned=1;alert(1)</script>')}`],
    ['a javascript: path', `path=${encodeURIComponent('javascript:alert(1)')}`],
    ['</script> in the query', `path=pages/index/index&query=${encodeURIComponent('</script><script>window.pwned=1;alert(1)</script>')}`],
    ['an event handler in env', `path=pages/index/index&env=${encodeURIComponent('"><img src=x onerror="window.pwned=1;alert(1)">')}`],
  ])('%s executes nothing and navigates nowhere', async (_name, query) => {
    const visit = await open(`${base}/go/wechat?${query}`, ANDROID_UA)
    try {
      await visit.page.waitForLoadState('load')
      await visit.page.waitForTimeout(300)
      expect(await visit.page.locator('#navi-error').isVisible()).toBe(true)
      expect(visit.dialogs).toEqual([])
      expect(visit.schemes).toEqual([])
      expect(await injectedTraces(visit.page)).toEqual({ scripts: 0, svgs: 0, imgs: 0, pwned: undefined })
      expect(new URL(visit.page.url()).pathname).toBe('/go/wechat')
    } finally {
      await visit.close()
    }
  })

  it('a desktop browser is told to open the link on a phone', async () => {
    const visit = await open(`${base}/go/wechat?path=pages/index/index`, DESKTOP_UA)
    try {
      expect(await visit.page.locator('#navi-desktop').innerText()).toBe('请在手机上打开此链接')
      await visit.page.waitForTimeout(300)
      expect(visit.schemes).toEqual([])
      expect(visit.dialogs).toEqual([])
    } finally {
      await visit.close()
    }
  })

  it("an iPad (a touch screen behind a Mac's user agent) is sent to the scheme; a Mac is told to use a phone", async () => {
    const ipad = await open(`${base}/go/wechat?path=pages/index/index`, MAC_SAFARI_UA, true)
    try {
      await expect.poll(() => ipad.schemes.length, { timeout: 5000 }).toBeGreaterThan(0)
      expect(ipad.schemes[0]).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+$/)
      expect(stack.emulator?.control.lookupLink(ipad.schemes[0])).toMatchObject({ kind: 'scheme', path: 'pages/index/index' })
      expect(ipad.console.filter((line) => /Content Security Policy|pageerror/.test(line))).toEqual([])
    } finally {
      await ipad.close()
    }
    const mac = await open(`${base}/go/wechat?path=pages/index/index`, MAC_SAFARI_UA)
    try {
      expect(await mac.page.locator('#navi-desktop').innerText()).toBe('请在手机上打开此链接')
      await mac.page.waitForTimeout(300)
      expect(mac.schemes).toEqual([])
      expect(new URL(mac.page.url()).searchParams.has('touch')).toBe(false)
    } finally {
      await mac.close()
    }
  })

  it('the WeChat browser gets <wx-open-launch-weapp> and a JS-SDK config from res.wx.qq.com', async () => {
    const visit = await open(`${base}/go/wechat?path=pages/index/index&query=${encodeURIComponent("id=7&t='x'")}`, WECHAT_UA)
    try {
      const tag = visit.page.locator('wx-open-launch-weapp#navi-launch')
      expect(await tag.count()).toBe(1)
      expect(await tag.getAttribute('username')).toMatch(/^gh_/)
      expect(await tag.getAttribute('path')).toBe("pages/index/index.html?id=7&t='x'")
      expect(await tag.locator('script[type="text/wxtag-template"]').count()).toBe(1)
      expect(visit.outside).toContain('https://res.wx.qq.com/open/js/jweixin-1.6.0.js')
      const handle = await visit.page.waitForFunction(() => (window as unknown as { __naviWxConfig?: unknown }).__naviWxConfig)
      const config = (await handle.jsonValue()) as { nonceStr: string; timestamp: number; signature: string }
      // Signed for the exact URL the browser shows (what wx.config checks), with the emulator's live ticket.
      const ticket = stack.emulator?.control.jsapiTicket()
      expect(ticket).toBeTruthy()
      const pageUrl = visit.page.url().split('#')[0]
      const expected = createHash('sha1')
        .update(`jsapi_ticket=${ticket}&noncestr=${config.nonceStr}&timestamp=${config.timestamp}&url=${pageUrl}`)
        .digest('hex')
      expect(config.signature).toBe(expected)
      expect(config).toMatchObject({
        debug: false,
        appId: expect.any(String),
        timestamp: expect.any(Number),
        nonceStr: expect.any(String),
        signature: expect.stringMatching(/^[0-9a-f]{40}$/),
        openTagList: ['wx-open-launch-weapp'],
      })
      expect(visit.schemes).toEqual([])
      expect(visit.dialogs).toEqual([])
      expect(visit.console.filter((line) => /Content Security Policy|pageerror/.test(line))).toEqual([])
    } finally {
      await visit.close()
    }
  })
})
