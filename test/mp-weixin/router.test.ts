/**
 * The demo app compiled for mp-weixin, run page by page in
 * miniprogram-simulate behind the fake WeChat page router: every check taps
 * the real compiled pages and reads what they render.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildDir } from '../support/build'
import { bootMiniProgram, type MiniProgram, type MpPage } from '../support/mp-weixin/mini-program'
import { MAX_PAGES } from '../support/mp-weixin/wechat-router'

const TYPED_QUERY = { id: 42, ok: true, tags: ['a'], note: '42', text: 'a b&c=d?e#f%g+h 中文😀' }
const LARGE_QUERY = { big: '数据'.repeat(600), size: 1200 }

let mp: MiniProgram

beforeAll(() => {
  mp = bootMiniProgram(buildDir('mp-weixin'))
})

/** Taps `selector` on the top page and waits for `route` to be on top. */
async function tapTo(page: MpPage, selector: string, route: string): Promise<MpPage> {
  page.tap(selector)
  return mp.waitForPage(route)
}

/** The JSON a page shows in `selector`, parsed. */
function shownJson(page: MpPage, selector: string): unknown {
  return JSON.parse(page.text(selector))
}

/** wx calls made since `mark` (an index into mp.router.calls). */
const callsSince = (mark: number) => mp.router.calls.slice(mark)

describe('push with a typed query', () => {
  let push: MpPage
  beforeEach(async () => {
    const home = await mp.relaunch('/pages/home/home')
    push = await tapTo(home, '#to-push', 'pages/push/push')
  })

  it('hands the target page every value with its JSON type', async () => {
    const detail = await tapTo(push, '#push-typed', 'pages/detail/detail')
    await mp.waitFor(() => expect(shownJson(detail, '#query-json')).toEqual(TYPED_QUERY))
    expect(detail.text('#t-id')).toBe('number')
    expect(detail.text('#t-ok')).toBe('boolean')
    expect(detail.text('#t-tags')).toBe('array')
    expect(detail.text('#t-note')).toBe('string')
    expect(detail.text('#q-note')).toBe('"42"')
    expect(detail.text('#q-text')).toBe(JSON.stringify(TYPED_QUERY.text))
    // decodeQuery on the raw onLoad options agrees: decoded exactly once.
    expect(shownJson(detail, '#decoded-json')).toEqual(TYPED_QUERY)
    expect(detail.text('#path')).toBe('/pages/detail/detail')
    expect(detail.text('#name')).toBe('detail')
    expect(mp.depth()).toBe(3)
  })

  it('a share card made from route.fullPath reopens the page with the same typed query', async () => {
    const detail = await tapTo(push, '#push-typed', 'pages/detail/detail')
    await mp.waitFor(() => expect(shownJson(detail, '#query-json')).toEqual(TYPED_QUERY))
    const fullPath = detail.text('#fullpath')
    expect(fullPath.startsWith('/pages/detail/detail?')).toBe(true)
    // WeChat opens a share card's path with a fresh stack and hands onLoad its raw query.
    const reopened = await mp.relaunch(fullPath)
    await mp.waitFor(() => expect(shownJson(reopened, '#query-json')).toEqual(TYPED_QUERY))
    expect(shownJson(reopened, '#decoded-json')).toEqual(TYPED_QUERY)
    expect(mp.depth()).toBe(1)
  })

  it('resolves a page name, also in a subpackage', async () => {
    const detail = await tapTo(push, '#push-name', 'pages/detail/detail')
    await mp.waitFor(() => expect(shownJson(detail, '#query-json')).toEqual({ by: 'name' }))
    const back = await tapTo(detail, '#back', 'pages/push/push')
    const report = await tapTo(back, '#push-report', 'pkg/pages/report/report')
    await mp.waitFor(() => expect(shownJson(report, '#query-json')).toEqual({ month: '2026-11' }))
    expect(report.text('#name')).toBe('pkg/report')
    expect(report.text('#path')).toBe('/pkg/pages/report/report')
  })

  it('resolves a path relative to the current page folder', async () => {
    const detail = await tapTo(push, '#push-relative', 'pages/detail/detail')
    await mp.waitFor(() => expect(shownJson(detail, '#query-json')).toEqual({ from: 'relative' }))
  })

  it('reads a plain link query as strings', async () => {
    const detail = await tapTo(push, '#push-string', 'pages/detail/detail')
    await mp.waitFor(() => expect(shownJson(detail, '#query-json')).toEqual({ id: 'abc', from: 'link' }))
  })

  it('passes events: the opened page talks back through the EventChannel', async () => {
    const detail = await tapTo(push, '#push-events', 'pages/detail/detail')
    await mp.waitFor(() => expect(shownJson(detail, '#query-json')).toEqual({ with: 'events' }))
    detail.tap('#emit-picked')
    const back = await tapTo(detail, '#back', 'pages/push/push')
    await mp.waitFor(() => expect(shownJson(back, '#picked')).toEqual({ from: 'detail', query: { with: 'events' } }))
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
    expect(callsSince(mark)).toEqual([])
    expect(mp.current().route).toBe('pages/push/push')
  })
})

describe('tab pages', () => {
  it('a tab page receives the query pushed to it although switchTab carries none', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await tapTo(home, '#to-push', 'pages/push/push')
    const mark = mp.router.calls.length
    const mine = await tapTo(push, '#push-tab', 'pages/mine/mine')
    await mp.waitFor(() => expect(shownJson(mine, '#query-json')).toEqual({ from: 'push', n: 7 }))
    const switches = callsSince(mark).filter((call) => call.api === 'switchTab')
    expect(switches).toEqual([{ api: 'switchTab', url: '/pages/mine/mine', delta: undefined, errMsg: 'switchTab:ok' }])
    // switchTab closed every non-tab page.
    expect(mp.depth()).toBe(1)

    // The tab page stays alive (no second onLoad) and still receives the next query.
    const homeAgain = await tapTo(mine, '#to-home', 'pages/home/home')
    const pushAgain = await tapTo(homeAgain, '#to-push', 'pages/push/push')
    const again = await tapTo(pushAgain, '#push-tab-again', 'pages/mine/mine')
    expect(again.node).toBe(mine.node)
    await mp.waitFor(() => expect(shownJson(again, '#query-json')).toEqual({ from: 'again', n: 8 }))
    expect(again.text('#shown')).toBe('2')
  })

  it('the native tab bar switches tabs without any uni call', async () => {
    const home = await mp.relaunch('/pages/home/home')
    await tapTo(home, '#to-push', 'pages/push/push')
    mp.router.tapTabBar('pages/mine/mine')
    const mine = await mp.waitForPage('pages/mine/mine')
    expect(mp.depth()).toBe(1)
    expect(shownJson(mine, '#query-json')).toEqual({})
  })
})

describe('a query longer than queryLimit', () => {
  it('arrives whole while the URL WeChat sees stays short', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await tapTo(home, '#to-push', 'pages/push/push')
    const mark = mp.router.calls.length
    const detail = await tapTo(push, '#push-large', 'pages/detail/detail')
    await mp.waitFor(() => expect(shownJson(detail, '#query-json')).toEqual(LARGE_QUERY))
    const [navigation] = callsSince(mark).filter((call) => call.api === 'navigateTo')
    expect(navigation?.url?.startsWith('/pages/detail/detail')).toBe(true)
    expect(navigation?.url?.length).toBeLessThanOrEqual('/pages/detail/detail?'.length + 1024)
  })
})

describe('raw uni calls', () => {
  it('a raw uni.navigateTo to a tab page switches to it with its query', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await tapTo(home, '#to-push', 'pages/push/push')
    const mark = mp.router.calls.length
    const mine = await tapTo(push, '#raw-tab', 'pages/mine/mine')
    await mp.waitFor(() => expect(shownJson(mine, '#query-json')).toEqual({ from: 'raw' }))
    expect(callsSince(mark).map((call) => call.errMsg)).toEqual(['switchTab:ok'])
  })
})

describe('back', () => {
  it('goes back one page', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await tapTo(home, '#to-push', 'pages/push/push')
    const detail = await tapTo(push, '#push-name', 'pages/detail/detail')
    expect(mp.depth()).toBe(3)
    await tapTo(detail, '#back', 'pages/push/push')
    expect(mp.depth()).toBe(2)
  })

  it('router.currentRoute follows the system back button, on a page that never calls useRoute()', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await tapTo(home, '#to-push', 'pages/push/push')
    await tapTo(push, '#push-name', 'pages/detail/detail')
    await mp.waitFor(() => expect(push.text('#current')).toBe('/pages/detail/detail'))
    const revealed = await mp.systemBack()
    expect(revealed.route).toBe('pages/push/push')
    await mp.waitFor(() => expect(revealed.text('#current')).toBe('/pages/push/push'))
  })

  it('a page pushes itself again, and back returns to the first copy', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await tapTo(home, '#to-push', 'pages/push/push')
    const first = await tapTo(push, '#push-name', 'pages/detail/detail')
    first.tap('#push-again')
    const second = await mp.waitFor(() => {
      const top = mp.current()
      expect(top.node).not.toBe(first.node)
      expect(shownJson(top, '#query-json')).toEqual({ hop: 1 })
      return top
    })
    expect(mp.depth()).toBe(4)
    second.tap('#back')
    await mp.waitFor(() => expect(mp.current().node).toBe(first.node))
    expect(shownJson(first, '#query-json')).toEqual({ by: 'name' })
  })

  it('relaunches home when nothing is below (a page opened from a share card)', async () => {
    const detail = await mp.relaunch('/pages/detail/detail?id=7')
    expect(mp.depth()).toBe(1)
    await tapTo(detail, '#back', 'pages/home/home')
    expect(mp.depth()).toBe(1)
  })
})

describe('stack limit', () => {
  it(`keeps pushing on a full stack of ${MAX_PAGES} pages by redirecting the top page`, async () => {
    const home = await mp.relaunch('/pages/home/home')
    let stack = await tapTo(home, '#to-stack', 'pages/stack/stack')
    await mp.waitFor(() => expect(stack.text('#level')).toBe('1'))
    for (let level = 2; mp.depth() < MAX_PAGES; level++) {
      stack.tap('#push-self')
      await mp.waitFor(() => expect(mp.current().text('#level')).toBe(String(level)))
      stack = mp.current()
    }
    expect(stack.text('#level')).toBe(String(MAX_PAGES - 1))

    // The stack is full: the next push replaces the top page instead of failing.
    const mark = mp.router.calls.length
    stack.tap('#push-self')
    await mp.waitFor(() => expect(mp.current().text('#level')).toBe(String(MAX_PAGES)))
    expect(mp.depth()).toBe(MAX_PAGES)
    expect(mp.current().text('#error')).toBe('')
    expect(callsSince(mark).some((call) => call.errMsg.includes('webview count limit exceed'))).toBe(false)

    // Going back shows the page below the replaced one.
    mp.current().tap('#back')
    await mp.waitFor(() => expect(mp.current().text('#level')).toBe(String(MAX_PAGES - 2)))
    expect(mp.depth()).toBe(MAX_PAGES - 1)
  })
})

describe('double tap', () => {
  it('two identical pushes in one tick open the page once', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const double = await tapTo(home, '#to-double', 'pages/double/double')
    const mark = mp.router.calls.length
    const detail = await tapTo(double, '#double-push', 'pages/detail/detail')
    await mp.settle(100)
    expect(mp.depth()).toBe(3)
    expect(detail.text('#depth')).toBe('3')
    expect(callsSince(mark).filter((call) => call.api === 'navigateTo')).toHaveLength(1)
    const back = await tapTo(detail, '#back', 'pages/double/double')
    await mp.waitFor(() => expect(back.text('#outcome')).toMatch(/^ok,|,ok$/))
  })
})

describe('a real double tap', () => {
  it('two taps on a push button open the page once', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await tapTo(home, '#to-push', 'pages/push/push')
    const mark = mp.router.calls.length
    push.tap('#push-name')
    push.tap('#push-name')
    const detail = await mp.waitForPage('pages/detail/detail')
    await mp.settle(100)
    expect(mp.depth()).toBe(3)
    expect(detail.text('#depth')).toBe('3')
    expect(callsSince(mark).filter((call) => call.api === 'navigateTo')).toHaveLength(1)
  })
})

describe('guards', () => {
  async function openGuards(): Promise<MpPage> {
    const home = await mp.relaunch('/pages/home/home')
    const guards = await tapTo(home, '#to-guards', 'pages/guards/guards')
    if (guards.text('#logged-in') === 'yes') {
      guards.tap('#toggle-login')
      await mp.waitFor(() => expect(guards.text('#logged-in')).toBe('no'))
    }
    return guards
  }

  it('redirects router.push to the login page, then lets it through after logging in', async () => {
    const guards = await openGuards()
    const login = await tapTo(guards, '#push-secret', 'pages/login/login')
    await mp.waitFor(() => expect(login.text('#redirect')).toBe('/pages/secret/secret'))
    // afterEach saw the navigation as it happened.
    expect(login.text('#last-nav')).toBe('/pages/guards/guards → /pages/login/login')
    const secret = await tapTo(login, '#login', 'pages/secret/secret')
    await mp.waitFor(() => expect(secret.text('#last-nav')).toBe('/pages/login/login → /pages/secret/secret'))
    // replace: the login page is gone from the stack.
    expect(mp.depth()).toBe(3)
  })

  it('a guard answering false aborts: the push rejects with aborted and afterEach sees the failure', async () => {
    const guards = await openGuards()
    const mark = mp.router.calls.length
    guards.tap('#push-blocked')
    await mp.waitFor(() => expect(guards.text('#result')).toMatch(/^aborted: /))
    expect(guards.text('#last-nav')).toBe('/pages/guards/guards → /pages/detail/detail ✗ aborted')
    expect(callsSince(mark)).toEqual([])
    expect(mp.current().route).toBe('pages/guards/guards')
  })

  it('runs the same guards on a raw uni.navigateTo', async () => {
    const guards = await openGuards()
    const mark = mp.router.calls.length
    const login = await tapTo(guards, '#raw-secret', 'pages/login/login')
    await mp.waitFor(() => expect(login.text('#redirect')).toBe('/pages/secret/secret'))
    expect(callsSince(mark).some((call) => call.url?.startsWith('/pages/secret/secret'))).toBe(false)
    // Logged in, the same raw call goes through the (asynchronous) guard to the page.
    await tapTo(login, '#login', 'pages/secret/secret')
    const back = await mp.systemBack()
    expect(back.route).toBe('pages/guards/guards')
    await tapTo(back, '#raw-secret', 'pages/secret/secret')
  })
})
