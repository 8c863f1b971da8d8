/**
 * Typed query values (also through a share card), names, paths, events, tab pages and raw uni calls.
 *
 * The demo compiled for mp-weixin, page by page in miniprogram-simulate
 * behind the fake WeChat page router: every check taps the compiled pages
 * and reads what they render.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildDir } from '../support/build'
import { LARGE_QUERY, TYPED_QUERY } from '../support/expected'
import { bootMiniProgram, type MiniProgram, type MpPage } from '../support/mp-weixin/mini-program'

let mp: MiniProgram
beforeAll(() => {
  mp = bootMiniProgram(buildDir('mp-weixin'))
})

describe('push with a typed query', () => {
  let push: MpPage
  beforeEach(async () => {
    const home = await mp.relaunch('/pages/home/home')
    push = await mp.tapTo(home, '#to-push', 'pages/push/push')
  })

  it('hands the target page every value with its JSON type', async () => {
    const detail = await mp.tapTo(push, '#push-typed', 'pages/detail/detail')
    await mp.waitFor(() => expect(detail.json('#query-json')).toEqual(TYPED_QUERY))
    expect(detail.text('#t-id')).toBe('number')
    expect(detail.text('#t-ok')).toBe('boolean')
    expect(detail.text('#t-tags')).toBe('array')
    expect(detail.text('#t-note')).toBe('string')
    expect(detail.text('#q-note')).toBe('"42"')
    expect(detail.text('#q-text')).toBe(JSON.stringify(TYPED_QUERY.text))
    // decodeQuery on the raw onLoad options agrees: decoded exactly once.
    expect(detail.json('#decoded-json')).toEqual(TYPED_QUERY)
    // The page's own onLoad and onShow already read the router as being on this page.
    expect(detail.json('#onload-current')).toEqual({ path: '/pages/detail/detail', query: TYPED_QUERY })
    expect(detail.json('#onshow-current')).toEqual({ path: '/pages/detail/detail', query: TYPED_QUERY })
    expect(detail.text('#path')).toBe('/pages/detail/detail')
    expect(detail.text('#name')).toBe('detail')
    expect(mp.depth()).toBe(3)
  })

  it("a component's useRoute() in a page that calls none reads the page's path and exact typed query, and so does the page's own onShow", async () => {
    const page = await mp.tapTo(push, '#push-component', 'pages/component/component')
    const badge = page.component('#badge')
    const here = { path: '/pages/component/component', query: TYPED_QUERY }
    // As the component renders it (WeChat hands the page its query with onLoad).
    await mp.waitFor(() => expect(badge.json('#badge-query')).toEqual(TYPED_QUERY))
    expect(badge.text('#badge-path')).toBe(here.path)
    // In the component's own onShow (WeChat attaches the page's components before its onLoad: it runs with the page's) and the page's.
    expect(badge.text('#badge-shows')).toBe('1')
    expect(badge.json('#badge-shown-route')).toEqual(here)
    expect(badge.json('#badge-shown-current')).toEqual(here)
    expect(page.text('#page-shows')).toBe('1')
    expect(page.json('#page-shown')).toEqual(here)
  })

  it('a share card made from route.fullPath reopens the page with the same typed query', async () => {
    const detail = await mp.tapTo(push, '#push-typed', 'pages/detail/detail')
    await mp.waitFor(() => expect(detail.json('#query-json')).toEqual(TYPED_QUERY))
    const fullPath = detail.text('#fullpath')
    expect(fullPath.startsWith('/pages/detail/detail?')).toBe(true)
    // WeChat opens a share card's path with a fresh stack and hands onLoad its raw query.
    const reopened = await mp.relaunch(fullPath)
    await mp.waitFor(() => expect(reopened.json('#query-json')).toEqual(TYPED_QUERY))
    expect(reopened.json('#decoded-json')).toEqual(TYPED_QUERY)
    expect(mp.depth()).toBe(1)
  })

  it('resolves a page name, also in a subpackage', async () => {
    const detail = await mp.tapTo(push, '#push-name', 'pages/detail/detail')
    await mp.waitFor(() => expect(detail.json('#query-json')).toEqual({ by: 'name' }))
    const back = await mp.tapTo(detail, '#back', 'pages/push/push')
    const report = await mp.tapTo(back, '#push-report', 'pkg/pages/report/report')
    await mp.waitFor(() => expect(report.json('#query-json')).toEqual({ month: '2026-11' }))
    expect(report.text('#name')).toBe('pkg/report')
    expect(report.text('#path')).toBe('/pkg/pages/report/report')
  })

  it('resolves a path relative to the current page folder', async () => {
    const detail = await mp.tapTo(push, '#push-relative', 'pages/detail/detail')
    await mp.waitFor(() => expect(detail.json('#query-json')).toEqual({ from: 'relative' }))
  })

  it('reads a plain link query as strings', async () => {
    const detail = await mp.tapTo(push, '#push-string', 'pages/detail/detail')
    await mp.waitFor(() => expect(detail.json('#query-json')).toEqual({ id: 'abc', from: 'link' }))
  })

  it('passes events: the opened page talks back through the EventChannel', async () => {
    const detail = await mp.tapTo(push, '#push-events', 'pages/detail/detail')
    await mp.waitFor(() => expect(detail.json('#query-json')).toEqual({ with: 'events' }))
    detail.tap('#emit-picked')
    const back = await mp.tapTo(detail, '#back', 'pages/push/push')
    await mp.waitFor(() => expect(back.json('#picked')).toEqual({ from: 'detail', query: { with: 'events' } }))
  })

  it('rejects an unknown page with not-found before calling WeChat', async () => {
    const mark = mp.router.calls.length
    push.tap('#push-missing')
    const shown = await mp.waitFor(() => {
      const text = push.text('#result')
      expect(text).toMatch(/^not-found: /)
      return text
    })
    // The message names the closest registered page.
    expect(shown).toContain('/pages/detail/detail')
    expect(mp.callsSince(mark)).toEqual([])
    expect(mp.current().route).toBe('pages/push/push')
  })
})

describe('tab pages', () => {
  it('a tab page receives the query pushed to it although switchTab carries none', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const mark = mp.router.calls.length
    const mine = await mp.tapTo(push, '#push-tab', 'pages/mine/mine')
    await mp.waitFor(() => expect(mine.json('#query-json')).toEqual({ from: 'push', n: 7 }))
    const switches = mp.callsSince(mark).filter((call) => call.api === 'switchTab')
    expect(switches).toEqual([{ api: 'switchTab', url: '/pages/mine/mine', delta: undefined, errMsg: 'switchTab:ok' }])
    // switchTab closed every non-tab page.
    expect(mp.depth()).toBe(1)

    // The tab page stays alive (no second onLoad) and still receives the next query.
    const homeAgain = await mp.tapTo(mine, '#to-home', 'pages/home/home')
    const pushAgain = await mp.tapTo(homeAgain, '#to-push', 'pages/push/push')
    const again = await mp.tapTo(pushAgain, '#push-tab-again', 'pages/mine/mine')
    expect(again.node).toBe(mine.node)
    await mp.waitFor(() => expect(again.json('#query-json')).toEqual({ from: 'again', n: 8 }))
    expect(again.text('#shown')).toBe('2')
  })

  it('a push to the tab page on screen hands it the new query', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const mine = await mp.tapTo(push, '#push-tab', 'pages/mine/mine')
    mine.tap('#push-self')
    await mp.waitFor(() => expect(mine.json('#query-json')).toEqual({ again: 1 }))
    await mp.waitFor(() => expect(mine.text('#self-result')).toBe('ok /pages/mine/mine?again=1&_nkt=again'))
    expect(mp.current().node).toBe(mine.node)
  })

  it("a tab page that never calls useRoute() (home), opened from a link and handed a query by a push, shows that query after a tab-bar round trip, not the link's", async () => {
    // WeChat opens the link's path (a share card, a scan) with its raw query.
    const home = await mp.relaunch('/pages/home/home?tab=orders')
    await mp.waitFor(() => expect(home.json('#current-json')).toEqual({ tab: 'orders' }))
    mp.router.tapTabBar('pages/mine/mine')
    const mine = await mp.waitForPage('pages/mine/mine')
    const handed = await mp.tapTo(mine, '#to-home-coupon', 'pages/home/home')
    // The same page: tab pages stay alive.
    expect(handed.node).toBe(home.node)
    await mp.waitFor(() => expect(home.json('#current-json')).toEqual({ coupon: 'X1' }))
    mp.router.tapTabBar('pages/mine/mine')
    await mp.waitForPage('pages/mine/mine')
    await mp.waitFor(() => expect(mine.json('#current-json')).toEqual({}))
    mp.router.tapTabBar('pages/home/home')
    await mp.waitForPage('pages/home/home')
    await mp.waitFor(() => expect(home.json('#current-json')).toEqual({ coupon: 'X1' }))
  })

  it("a tab page that never calls useRoute() (home), handed a query, then opened by WeChat from a link (a share card on a hot start): it shows the link's query", async () => {
    const home = await mp.relaunch('/pages/home/home')
    const mine = await mp.tapTo(home, '#to-push', 'pages/push/push').then((push) => mp.tapTo(push, '#push-tab', 'pages/mine/mine'))
    const handed = await mp.tapTo(mine, '#to-home-coupon', 'pages/home/home')
    await mp.waitFor(() => expect(handed.json('#current-json')).toEqual({ coupon: 'X1' }))
    // WeChat's own reLaunch, which no uni call makes: every page closes, and home opens anew on the link's query.
    const opened = await mp.relaunch('/pages/home/home?tab=orders')
    expect(opened.node).not.toBe(home.node)
    await mp.waitFor(() => expect(opened.json('#current-json')).toEqual({ tab: 'orders' }))
  })

  it('the native tab bar switches tabs without any uni call', async () => {
    await mp.relaunch('/pages/home/home')
    const mark = mp.router.calls.length
    mp.router.tapTabBar('pages/mine/mine')
    const mine = await mp.waitForPage('pages/mine/mine')
    expect(mp.callsSince(mark)).toEqual([])
    expect(mp.depth()).toBe(1)
    expect(mine.json('#query-json')).toEqual({})
  })
})

describe('a query longer than queryLimit', () => {
  it('arrives whole while the URL WeChat sees stays short', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const mark = mp.router.calls.length
    const detail = await mp.tapTo(push, '#push-large', 'pages/detail/detail')
    await mp.waitFor(() => expect(detail.json('#query-json')).toEqual(LARGE_QUERY))
    const [navigation] = mp.callsSince(mark).filter((call) => call.api === 'navigateTo')
    expect(navigation?.url?.startsWith('/pages/detail/detail')).toBe(true)
    expect(navigation?.url?.length).toBeLessThanOrEqual('/pages/detail/detail?'.length + 1024)
  })
})

describe('raw uni calls', () => {
  it('a raw uni.navigateTo to a tab page switches to it with its query', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const mark = mp.router.calls.length
    const mine = await mp.tapTo(push, '#raw-tab', 'pages/mine/mine')
    await mp.waitFor(() => expect(mine.json('#query-json')).toEqual({ from: 'raw' }))
    expect(mp.callsSince(mark).map((call) => call.errMsg)).toEqual(['switchTab:ok'])
  })

  it("a raw uni.reLaunch to a tab page with a '+' in its query: the page and router.currentRoute read what WeChat hands its onLoad", async () => {
    const home = await mp.relaunch('/pages/home/home')
    const raw = await mp.tapTo(home, '#to-raw', 'pages/raw/raw')
    const url = raw.text('#raw-tab-url')
    const mark = mp.router.calls.length
    const mine = await mp.tapTo(raw, '#raw-relaunch-tab', 'pages/mine/mine')
    // The URL goes to WeChat as the caller wrote it.
    expect(mp.callsSince(mark)).toEqual([{ api: 'reLaunch', url, delta: undefined, errMsg: 'reLaunch:ok' }])
    const options = await mp.waitFor(() => mine.json('#decoded-json'))
    // WeChat hands the raw text ('+' stays a '+'; uni-h5 reads it as a space).
    expect(options).toEqual({ q: 'C++', tab: 'orders' })
    await mp.waitFor(() => expect(mine.json('#query-json')).toEqual(options))
    expect(mine.json('#current-json')).toEqual(options)
  })
})
