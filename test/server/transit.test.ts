import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classifyUserAgent, escapeHtml, jsonForScript, renderTransitPage } from '../../src/http/transit/page'
import type { LinkService } from '../../src/service/types'
import { SANDBOX_APP } from '../../src/emulator'
import { ANDROID_UA, DESKTOP_UA, IPHONE_UA, MAC_SAFARI_UA, startStack, WECHAT_UA, type Stack } from './http-harness'

const go = (query: string, ua: string) => ({ method: 'GET' as const, url: `/go/wechat?${query}`, headers: { 'user-agent': ua } })

function nonceOf(csp: string): string {
  const match = /script-src 'nonce-([^']+)'/.exec(csp)
  if (!match) throw new Error(`no nonce in ${csp}`)
  return match[1]
}

describe('transit page (HTTP)', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({ NAVI_ALLOWED_PATHS: 'pages/index/index,pages/goods/*' }, { sandbox: true })
  })
  afterAll(() => stack.close())

  it('on an Android phone mints a scheme and redirects to it, under a nonce CSP', async () => {
    const before = await stack.upstreamLinkCalls()
    const res = await stack.app.inject(go('path=pages/goods/detail&query=id%3D42', ANDROID_UA))
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['cache-control']).toBe('no-store')
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toMatch(/default-src 'none'/)
    const nonce = nonceOf(csp)
    expect(nonce.length).toBeGreaterThanOrEqual(16)
    // Every executable script carries the nonce; no inline handlers.
    const scripts = [...res.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1])
    for (const attrs of scripts) {
      if (!/type="application\/json"/.test(attrs)) expect(attrs).toContain(`nonce="${nonce}"`)
    }
    expect(res.body).not.toMatch(/\son\w+=/i)
    const scheme = /id="navi-open" href="([^"]+)"/.exec(res.body)?.[1]
    expect(scheme).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+/)
    expect(res.body).toContain('打开小程序')
    expect(await stack.upstreamLinkCalls()).toBe(before + 1)

    // Another visitor to the same link: served from the cache, no upstream call.
    const again = await stack.app.inject(go('path=pages/goods/detail&query=id%3D42', IPHONE_UA))
    expect(/id="navi-open" href="([^"]+)"/.exec(again.body)?.[1]).toBe(scheme)
    expect(await stack.upstreamLinkCalls()).toBe(before + 1)
    // A fresh nonce per response.
    expect(nonceOf(String(again.headers['content-security-policy']))).not.toBe(nonce)
  })

  it('carries per-user cq on the cached link (one upstream call for every user)', async () => {
    const first = await stack.app.inject(go('path=pages/goods/list&cq=u%3D1', ANDROID_UA))
    const calls = await stack.upstreamLinkCalls()
    const second = await stack.app.inject(go('path=pages/goods/list&cq=u%3D2', ANDROID_UA))
    expect(await stack.upstreamLinkCalls()).toBe(calls)
    const href = (body: string) => /id="navi-open" href="([^"]+)"/.exec(body)?.[1] ?? ''
    expect(href(first.body)).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+&amp;cq=u%3D1$/)
    expect(href(second.body)).toMatch(/&amp;cq=u%3D2$/)
    expect(href(first.body).split('&amp;')[0]).toBe(href(second.body).split('&amp;')[0])
    // In WeChat the open tag has no cq: it joins the query.
    const tag = await stack.app.inject(go('path=pages/goods/list&query=a%3D1&cq=u%3D3', WECHAT_UA))
    expect(tag.body).toContain('path="pages/goods/list.html?a=1&amp;cq=u%3D3"')
    const badCq = await stack.app.inject(go('path=pages/goods/list&cq=%3Cb%3E', ANDROID_UA))
    expect(badCq.statusCode).toBe(400)
  })

  it('an empty cq (an SMS template whose per-user placeholder came out empty) adds nothing: not to the scheme, nor to the open tag', async () => {
    const scheme = await stack.app.inject(go('path=pages/goods/empty-cq&cq=', ANDROID_UA))
    expect(/id="navi-open" href="([^"]+)"/.exec(scheme.body)?.[1]).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+$/)
    const tag = await stack.app.inject(go('path=pages/goods/empty-cq&query=a%3D1&cq=', WECHAT_UA))
    expect(tag.body).toContain('path="pages/goods/empty-cq.html?a=1"')
  })

  it('answers HEAD (a link preview, an SMS scanner) without minting', async () => {
    const before = await stack.upstreamLinkCalls()
    const res = await stack.app.inject({ ...go('path=pages/goods/head-check', ANDROID_UA), method: 'HEAD' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toBe('')
    expect(await stack.upstreamLinkCalls()).toBe(before)
  })

  it('without a path opens the home page: a scheme on a phone, a URL Link inside WeChat (the open tag wants a page)', async () => {
    const phone = await stack.app.inject(go('query=from%3Dsms', ANDROID_UA))
    expect(phone.statusCode).toBe(200)
    const scheme = /id="navi-open" href="([^"]+)"/.exec(phone.body)?.[1] ?? ''
    expect(scheme).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+$/)
    expect(stack.emulator?.control.lookupLink(scheme)).toMatchObject({ kind: 'scheme', path: '', query: 'from=sms' })
    const wechat = await stack.app.inject(go('query=from%3Dsms', WECHAT_UA))
    expect(wechat.statusCode).toBe(200)
    expect(wechat.body).not.toContain('wx-open-launch-weapp')
    const link = /id="navi-open" href="([^"]+)"/.exec(wechat.body)?.[1] ?? ''
    expect(link).toMatch(/^https:\/\//)
    expect(stack.emulator?.control.lookupLink(link)).toMatchObject({ kind: 'urllink', path: '' })
  })

  it('on a desktop says to open it on a phone and mints nothing', async () => {
    const before = await stack.upstreamLinkCalls()
    const res = await stack.app.inject(go('path=pages/index/index', DESKTOP_UA))
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('请在手机上打开此链接')
    expect(res.body).toContain('Open this link on your phone')
    expect(res.body).not.toContain('weixin://')
    expect(await stack.upstreamLinkCalls()).toBe(before)
  })

  it("a Mac's Safari user agent may be an iPad's: its page checks for a touch screen and asks again with touch=1, which mints", async () => {
    const before = await stack.upstreamLinkCalls()
    const asked = await stack.app.inject(go('path=pages/index/index', MAC_SAFARI_UA))
    expect(asked.body).toContain('请在手机上打开此链接')
    expect(asked.body).toContain('maxTouchPoints')
    expect(await stack.upstreamLinkCalls()).toBe(before)
    const touch = await stack.app.inject(go('path=pages/index/index&touch=1', MAC_SAFARI_UA))
    expect(/id="navi-open" href="([^"]+)"/.exec(touch.body)?.[1]).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+$/)
    // Only a Mac's user agent can be an iPad's: other desktops stay desktops, whatever the link says.
    const linux = await stack.app.inject(go('path=pages/index/index&touch=1', DESKTOP_UA))
    expect(linux.body).toContain('请在手机上打开此链接')
    expect(linux.body).not.toContain('maxTouchPoints')
    expect(await stack.upstreamLinkCalls()).toBe(before + 1)
  })

  it('inside WeChat renders the open tag with a signed JS-SDK config, every attribute escaped', async () => {
    const query = encodeURIComponent("a='1'&b=(x)")
    const res = await stack.app.inject(go(`path=pages/goods/detail&query=${query}&env=trial`, WECHAT_UA))
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('<wx-open-launch-weapp id="navi-launch" username="gh_')
    expect(res.body).toContain('path="pages/goods/detail.html?a=&#39;1&#39;&amp;b=(x)"')
    expect(res.body).toContain('env-version="trial"')
    expect(res.body).toContain('src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"')
    const data = JSON.parse(/<script type="application\/json" id="navi-data">(.*?)<\/script>/s.exec(res.body)?.[1] ?? 'null')
    expect(data).toMatchObject({ appId: expect.any(String), timestamp: expect.any(Number), nonceStr: expect.any(String) })
    expect(data.signature).toMatch(/^[0-9a-f]{40}$/)
  })

  it('inside WeChat without an original id (open tag not set up) offers a URL Link', async () => {
    const plain = await startStack({}, { sandbox: false })
    const res = await plain.app.inject(go('path=pages/index/index', WECHAT_UA))
    expect(res.statusCode).toBe(200)
    expect(res.body).not.toContain('wx-open-launch-weapp')
    expect(/id="navi-open" href="([^"]+)"/.exec(res.body)?.[1]).toMatch(/^https:\/\//)
    await plain.close()
  })

  it.each([
    ['a path with markup', 'path=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'path'],
    ['a javascript: path', 'path=javascript:alert(1)', 'path'],
    ['</script> in the query', 'path=pages/index/index&query=%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'query'],
    ['a bad env', 'path=pages/index/index&env=%22%3E%3Csvg%20onload%3Dalert(1)%3E', 'env'],
  ])('refuses %s with an escaped HTML error page', async (_name, query, field) => {
    const before = await stack.upstreamLinkCalls()
    const res = await stack.app.inject(go(query, ANDROID_UA))
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/)
    expect(res.body).toContain('id="navi-error"')
    expect(res.body).toContain(field)
    expect(res.body).not.toMatch(/<script>|<svg|onload=|alert\(1\)<\/script>/i)
    expect(res.body).not.toContain('weixin://')
    expect(await stack.upstreamLinkCalls()).toBe(before)
  })

  it.each(['pages/goods/../admin/admin', 'pages/goods/./detail', 'pages/goods/'])(
    'refuses %s with a 400 page naming path: no dot or empty segment passes the folder wildcard',
    async (path) => {
      const before = await stack.upstreamLinkCalls()
      const res = await stack.app.inject(go(`path=${encodeURIComponent(path)}`, ANDROID_UA))
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('id="navi-error"')
      expect(res.body).toMatch(/path must be page names/)
      expect(res.body).not.toContain('weixin://')
      expect(await stack.upstreamLinkCalls()).toBe(before)
    },
  )

  it('403s a path off the allow-list without minting', async () => {
    const before = await stack.upstreamLinkCalls()
    const res = await stack.app.inject(go('path=pages/admin/admin', ANDROID_UA))
    expect(res.statusCode).toBe(403)
    expect(res.body).toContain('id="navi-error"')
    expect(await stack.upstreamLinkCalls()).toBe(before)
  })

  it("opens only the service's own mini program: another appid gets a 400 page, on a phone and in WeChat, and nothing is minted", async () => {
    const before = await stack.upstreamLinkCalls()
    for (const ua of [ANDROID_UA, WECHAT_UA]) {
      const res = await stack.app.inject(go('appid=wx4e1ba651bbe36d01&path=pages/index/index', ua))
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('id="navi-error"')
      expect(res.body).toContain(`mints links for ${SANDBOX_APP.appId} only`)
      expect(res.body).not.toContain('weixin://')
      expect(res.body).not.toContain('wx-open-launch-weapp')
    }
    expect(await stack.upstreamLinkCalls()).toBe(before)
    const own = await stack.app.inject(go(`appid=${SANDBOX_APP.appId}&path=pages/index/index`, ANDROID_UA))
    expect(own.statusCode).toBe(200)
    expect(/id="navi-open" href="([^"]+)"/.exec(own.body)?.[1]).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+/)
    const malformed = await stack.app.inject(go('appid=wx1&path=pages/index/index', ANDROID_UA))
    expect(malformed.statusCode).toBe(400)
  })

  it('ignores extra parameters such as utm_source', async () => {
    const res = await stack.app.inject(go('path=pages/index/index&utm_source=sms', ANDROID_UA))
    expect(res.statusCode).toBe(200)
  })
})

describe("transit page with WeChat's whole character set in cq and query", () => {
  // ' ( ) * ! are in WeChat's set but left as they are by encodeURIComponent.
  const odd = "it's(a)*b!"
  let stack: Stack
  let base: string
  beforeAll(async () => {
    stack = await startStack({ NAVI_PLAINTEXT_PATHS: 'pages/plain/*' }, { sandbox: false })
    base = await stack.listen()
  })
  afterAll(() => stack.close())

  /** A real HTTP request; the page's button href, HTML-unescaped. */
  async function open(query: string, ua: string): Promise<{ status: number; href: string }> {
    const res = await fetch(`${base}/go/wechat?${query}`, { headers: { 'user-agent': ua } })
    const body = await res.text()
    const href = (/id="navi-open" href="([^"]+)"/.exec(body)?.[1] ?? '').replace(/&amp;/g, '&')
    return { status: res.status, href }
  }

  it('redirects to the minted scheme and URL Link with the cq percent-encoded', async () => {
    const scheme = await open(`path=pages/index/index&cq=${encodeURIComponent(odd)}`, ANDROID_UA)
    expect(scheme.status).toBe(200)
    expect(scheme.href).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+&cq=it%27s%28a%29%2Ab%21$/)
    expect(decodeURIComponent(new URL(scheme.href).searchParams.get('cq') ?? '')).toBe(odd)

    const link = await open(`path=pages/index/index&cq=${encodeURIComponent(odd)}`, WECHAT_UA)
    expect(link.status).toBe(200)
    expect(link.href).toMatch(/^https:\/\/wxaurl\.cn\/\w+\?cq=it%27s%28a%29%2Ab%21$/)
  })

  it('a page for upstream trouble says to try again, without the operator-facing detail', async () => {
    stack.emulator?.control.setFaults({ forceErrcode: { api: 'generatescheme', errcode: 40001, times: 2 } })
    const res = await fetch(`${base}/go/wechat?path=pages/index/index&query=trouble%3D1`, { headers: { 'user-agent': ANDROID_UA } })
    const body = await res.text()
    stack.emulator?.control.clearFaults()
    expect(res.status).toBe(503)
    expect(body).toContain('请稍后再试')
    expect(body).not.toContain('force-refreshes')
  })

  it('inside WeChat (no original id) with the quota spent says to open the page in the browser, instead of a scheme WeChat will not open', async () => {
    stack.emulator?.control.exhaustQuota()
    const res = await fetch(`${base}/go/wechat?path=pages/plain/p&query=a%3D1`, { headers: { 'user-agent': WECHAT_UA } })
    const body = await res.text()
    expect(res.status).toBe(503)
    expect(body).toContain('id="navi-error"')
    expect(body).toContain('Open this page in the phone&#39;s browser')
    expect(body).not.toContain('weixin://')
  })

  it("on a phone with the quota spent and no plaintext fallback, the page tells the person what to do, not the operator's configuration", async () => {
    stack.emulator?.control.exhaustQuota()
    const res = await fetch(`${base}/go/wechat?path=pages/goods/list`, { headers: { 'user-agent': ANDROID_UA } })
    const body = await res.text()
    expect(res.status).toBe(503)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(body).toContain('今日链接额度已用完')
    expect(body).toContain('after midnight, Beijing time')
    expect(body).not.toContain('NAVI_')
  })

  it('redirects to the plaintext fallback with the query and cq percent-encoded', async () => {
    stack.emulator?.control.exhaustQuota()
    const query = `q=${odd}`
    const res = await open(`path=pages/plain/p&query=${encodeURIComponent(query)}&cq=${encodeURIComponent(odd)}`, ANDROID_UA)
    expect(res.status).toBe(200)
    expect(res.href).toMatch(/^weixin:\/\/dl\/business\/\?appid=\w+&path=pages\/plain\/p&query=[^'()*!]+$/)
    // WeChat decodes the query parameter once; the page then reads q and cq.
    const delivered = new URLSearchParams(decodeURIComponent(new URL(res.href).searchParams.get('query') ?? ''))
    expect(delivered.get('q')).toBe(odd)
    expect(delivered.get('cq')).toBe(odd)
  })
})

describe('transit page rate limit', () => {
  it('limits each IP and answers 429 as a page with Retry-After', async () => {
    const stack = await startStack({ NAVI_RATE_LIMIT_MAX: '2' }, { sandbox: true })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) statuses.push((await stack.app.inject(go('path=pages/index/index', ANDROID_UA))).statusCode)
      expect(statuses).toEqual([200, 200, 429])
      const limited = await stack.app.inject(go('path=pages/index/index', ANDROID_UA))
      expect(limited.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      expect(limited.body).toContain('请求太频繁')
      // Another IP is not affected.
      const other = await stack.app.inject({ ...go('path=pages/index/index', ANDROID_UA), remoteAddress: '10.1.2.3' })
      expect(other.statusCode).toBe(200)
    } finally {
      await stack.close()
    }
  })
})

describe('transit page never navigates anywhere but weixin://', () => {
  it('refuses a link from the service that is not a weixin:// scheme', async () => {
    const hostile: LinkService = {
      appId: 'wx0000000000000000',
      mint: async () => ({ url: 'javascript:alert(1)//weixin://dl/business/?t=x', expiresAt: null, cached: false, sandbox: true }),
      jssdkConfig: async () => ({ appId: 'a', timestamp: 1, nonceStr: 'n', signature: 's', sandbox: true }),
      health: async () => ({ status: 'ok', sandbox: true, parts: {} }),
      metrics: async () => '',
      close: async () => undefined,
    }
    const stack = await startStack({}, { sandbox: true, service: hostile })
    const res = await stack.app.inject(go('path=pages/index/index', ANDROID_UA))
    expect(res.statusCode).toBe(500)
    expect(res.body).not.toContain('javascript:')
    await stack.close()
  })

  it('signs the open tag for NAVI_PUBLIC_URL (the address WeChat shows, behind a proxy), opening the release unless env says', async () => {
    const signed: string[] = []
    const recording: LinkService = {
      appId: SANDBOX_APP.appId,
      mint: async () => ({ url: 'https://wxaurl.cn/x', expiresAt: null, cached: false, sandbox: true }),
      jssdkConfig: async (url) => (signed.push(url), { appId: 'wxoa', timestamp: 1, nonceStr: 'n', signature: 'a'.repeat(40), sandbox: true }),
      health: async () => ({ status: 'ok', sandbox: true, parts: {} }),
      metrics: async () => '',
      close: async () => undefined,
    }
    const stack = await startStack(
      { NAVI_PUBLIC_URL: 'https://link.example.com', WECHAT_ORIGINAL_ID: 'gh_c047d654ee27' },
      { sandbox: true, service: recording },
    )
    const res = await stack.app.inject(go('path=pages/index/index', WECHAT_UA))
    expect(signed).toEqual(['https://link.example.com/go/wechat?path=pages/index/index'])
    expect(res.body).toContain('env-version="release"')
    await stack.close()
  })

  it('escapes for HTML and for script-embedded JSON', () => {
    expect(escapeHtml(`"><img src=x onerror='a'>&`)).toBe('&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;')
    const json = jsonForScript({ s: '</script><script>alert(1)</script>&\u2028' })
    expect(json).not.toMatch(/[<>&\u2028]/)
    expect(JSON.parse(json)).toEqual({ s: '</script><script>alert(1)</script>&\u2028' })
    expect(() => renderTransitPage({ kind: 'redirect', scheme: 'javascript:alert(1)' }, { nonce: 'n', sandbox: false })).toThrow()
    expect(() => renderTransitPage({ kind: 'wechat-link', url: 'javascript:alert(1)' }, { nonce: 'n', sandbox: false })).toThrow()
    // A scheme with a quote, a space, markup or a backslash is no scheme WeChat mints: refused, not rendered.
    for (const scheme of ['weixin://dl/business/?t=a"b', 'weixin://dl/business/?t=a b', 'weixin://dl/business/?t=<b>', 'weixin://dl/business/?t=a\\b']) {
      expect(() => renderTransitPage({ kind: 'redirect', scheme }, { nonce: 'n', sandbox: false })).toThrow()
    }
    expect(renderTransitPage({ kind: 'redirect', scheme: 'weixin://dl/business/?t=abc&cq=u%3D1' }, { nonce: 'n', sandbox: false })).toContain('t=abc')
  })

  it('classifies user agents', () => {
    expect(classifyUserAgent(ANDROID_UA)).toBe('mobile')
    expect(classifyUserAgent(IPHONE_UA)).toBe('mobile')
    expect(classifyUserAgent(WECHAT_UA)).toBe('wechat')
    expect(classifyUserAgent(DESKTOP_UA)).toBe('desktop')
    expect(classifyUserAgent(undefined)).toBe('desktop')
  })
})
