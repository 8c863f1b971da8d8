/**
 * The fake WeChat page router refuses what WeChat refuses. The e2e tests
 * lean on it (the router under test must never meet these refusals), so
 * its rules are checked here on their own, with a recording page host.
 */
import { describe, expect, it } from 'vitest'
import { type HostedPage, MAX_PAGES, type PageHost, parseRawQuery, WechatRouter, type WxCallOptions } from '../support/mp-weixin/wechat-router'

const config = {
  pages: ['pages/home/home', 'pages/mine/mine', 'pages/detail/detail', 'pkg/pages/report/report'],
  tabs: ['pages/home/home', 'pages/mine/mine'],
}

function setup() {
  const events: string[] = []
  const host: PageHost = {
    create: (route) => ({ route, instance: { route } }),
    load: (page, query) => void events.push(`load ${page.route} ${JSON.stringify(query)}`),
    show: (page: HostedPage) => void events.push(`show ${page.route}`),
    hide: (page: HostedPage) => void events.push(`hide ${page.route}`),
    close: (page: HostedPage) => void events.push(`unload ${page.route}`),
  }
  const router = new WechatRouter(config, host)
  router.launch()
  const api = router.api()
  const call = (name: keyof typeof api, options: WxCallOptions) =>
    new Promise<string>((resolve) => {
      api[name]({ ...options, complete: (result) => resolve(String(result.errMsg)) })
    })
  const routes = () => router.currentPages().map((page) => page.route)
  return { router, events, call, routes }
}

describe('fake WeChat router', () => {
  it('hands onLoad the query raw, undecoded', async () => {
    const { call, events } = setup()
    expect(await call('navigateTo', { url: '/pages/detail/detail?text=a%20b%26c&n=1&flag' })).toBe('navigateTo:ok')
    expect(events).toContain('load pages/detail/detail {"text":"a%20b%26c","n":"1","flag":""}')
    expect(parseRawQuery('a=%25&b=x=y')).toEqual({ a: '%25', b: 'x=y' })
  })

  it(`fails the navigateTo past ${MAX_PAGES} pages with WeChat's errMsg`, async () => {
    const { call, router } = setup()
    for (let i = 1; i < MAX_PAGES; i++) expect(await call('navigateTo', { url: `/pages/detail/detail?i=${i}` })).toBe('navigateTo:ok')
    expect(router.depth()).toBe(MAX_PAGES)
    expect(await call('navigateTo', { url: '/pages/detail/detail' })).toBe('navigateTo:fail webview count limit exceed')
    expect(router.depth()).toBe(MAX_PAGES)
  })

  it('refuses tab pages to navigateTo and redirectTo, other pages and any query to switchTab', async () => {
    const { call, routes } = setup()
    expect(await call('navigateTo', { url: '/pages/mine/mine' })).toBe('navigateTo:fail can not navigateTo a tabbar page')
    expect(await call('redirectTo', { url: '/pages/mine/mine' })).toBe('redirectTo:fail can not redirectTo a tabbar page')
    expect(await call('switchTab', { url: '/pages/detail/detail' })).toBe('switchTab:fail can not switch to no-tabBar page')
    expect(await call('switchTab', { url: '/pages/mine/mine?x=1' })).toBe('switchTab:fail url can not contain query')
    expect(await call('navigateTo', { url: '/pages/nope/nope' })).toBe('navigateTo:fail page "pages/nope/nope" is not found')
    expect(routes()).toEqual(['pages/home/home'])
  })

  it('switchTab closes every non-tab page and loads a tab page only once', async () => {
    const { call, events, routes } = setup()
    await call('navigateTo', { url: '/pages/detail/detail' })
    expect(await call('switchTab', { url: '/pages/mine/mine' })).toBe('switchTab:ok')
    expect(routes()).toEqual(['pages/mine/mine'])
    await call('switchTab', { url: '/pages/home/home' })
    await call('switchTab', { url: '/pages/mine/mine' })
    expect(events.filter((e) => e.startsWith('load pages/mine/mine'))).toHaveLength(1)
    expect(events.filter((e) => e.startsWith('load pages/home/home'))).toHaveLength(1)
    expect(events).toContain('unload pages/detail/detail')
  })

  it('resolves page-relative URLs and subpackage pages', async () => {
    const { call, routes } = setup()
    expect(await call('navigateTo', { url: '../detail/detail' })).toBe('navigateTo:ok')
    expect(await call('navigateTo', { url: '/pkg/pages/report/report' })).toBe('navigateTo:ok')
    expect(routes()).toEqual(['pages/home/home', 'pages/detail/detail', 'pkg/pages/report/report'])
  })

  it('navigateBack clamps to the first page and fails on it', async () => {
    const { call, routes } = setup()
    await call('navigateTo', { url: '/pages/detail/detail' })
    await call('navigateTo', { url: '/pages/detail/detail' })
    expect(await call('navigateBack', { delta: 5 })).toBe('navigateBack:ok')
    expect(routes()).toEqual(['pages/home/home'])
    expect(await call('navigateBack', {})).toBe('navigateBack:fail cannot navigate back at first page.')
  })

  it('connects the opener and the opened page through an EventChannel', async () => {
    const { router } = setup()
    const received: unknown[] = []
    const opened = await new Promise<Record<string, unknown>>((resolve) => {
      router.api().navigateTo({ url: '/pages/detail/detail', events: { picked: (v: unknown) => received.push(v) }, success: resolve })
    })
    const page = router.top()?.instance as { getOpenerEventChannel(): { emit(n: string, v: unknown): void; on(n: string, l: (v: unknown) => void): void } }
    page.getOpenerEventChannel().emit('picked', 7)
    expect(received).toEqual([7])
    const heard: unknown[] = []
    page.getOpenerEventChannel().on('hello', (v) => heard.push(v))
    ;(opened.eventChannel as { emit(n: string, v: unknown): void }).emit('hello', 'from opener')
    expect(heard).toEqual(['from opener'])
  })

  it('lists a new page in getCurrentPages() while its onLoad runs', async () => {
    const seen: string[][] = []
    const router: WechatRouter = new WechatRouter(config, {
      create: (route) => ({ route, instance: { route } }),
      load: () => void seen.push(router.currentPages().map((page) => String(page.route))),
      show: () => undefined,
      hide: () => undefined,
      close: () => undefined,
    })
    router.launch()
    await new Promise<void>((resolve) => router.api().navigateTo({ url: '/pages/detail/detail', complete: () => resolve() }))
    expect(seen).toEqual([['pages/home/home'], ['pages/home/home', 'pages/detail/detail']])
  })
})
