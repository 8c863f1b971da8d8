/**
 * back(), the system back button, a page pushing itself, and the 10-page stack.
 *
 * The demo compiled for mp-weixin, page by page in miniprogram-simulate
 * behind the fake WeChat page router: every check taps the compiled pages
 * and reads what they render.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { buildDir } from '../support/build'
import { TYPED_QUERY } from '../support/expected'
import { bootMiniProgram, type MiniProgram } from '../support/mp-weixin/mini-program'
import { MAX_PAGES } from '../support/mp-weixin/wechat-router'

let mp: MiniProgram
beforeAll(() => {
  mp = bootMiniProgram(buildDir('mp-weixin'))
})

describe('back', () => {
  it('goes back one page', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const detail = await mp.tapTo(push, '#push-name', 'pages/detail/detail')
    expect(mp.depth()).toBe(3)
    await mp.tapTo(detail, '#back', 'pages/push/push')
    expect(mp.depth()).toBe(2)
  })

  it('router.currentRoute follows the system back button, on a page that never calls useRoute()', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    await mp.tapTo(push, '#push-name', 'pages/detail/detail')
    await mp.waitFor(() => expect(push.text('#current')).toBe('/pages/detail/detail'))
    const revealed = await mp.systemBack()
    expect(revealed.route).toBe('pages/push/push')
    await mp.waitFor(() => expect(revealed.text('#current')).toBe('/pages/push/push'))
  })

  it('a page pushes itself again, and back returns to the first copy', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const first = await mp.tapTo(push, '#push-name', 'pages/detail/detail')
    first.tap('#push-again')
    const second = await mp.waitFor(() => {
      const top = mp.current()
      expect(top.node).not.toBe(first.node)
      expect(top.json('#query-json')).toEqual({ hop: 1 })
      return top
    })
    expect(mp.depth()).toBe(4)
    second.tap('#back')
    await mp.waitFor(() => expect(mp.current().node).toBe(first.node))
    expect(first.json('#query-json')).toEqual({ by: 'name' })
  })

  // The page calls no useRoute(); its component does, so useRoute()'s onShow comes after the page's own (and before the
  // component's own, registered after its useRoute()). The page left is detail, with a query of its own.
  it.each([
    ["the page above's back button (router.back())", 'router'],
    ['the system back button', 'system'],
  ])("%s to a page whose component calls useRoute(): the page's own onShow and the component's read that page's route, not the page left", async (_case, how) => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const page = await mp.tapTo(push, '#push-component', 'pages/component/component')
    const badge = page.component('#badge')
    await mp.waitFor(() => expect(badge.json('#badge-query')).toEqual(TYPED_QUERY))
    const detail = await mp.tapTo(page, '#open-detail', 'pages/detail/detail')
    await mp.waitFor(() => expect(detail.json('#onshow-current')).toEqual({ path: '/pages/detail/detail', query: { from: 'component' } }))
    const back = how === 'router' ? await mp.tapTo(detail, '#back', 'pages/component/component') : await mp.systemBack()
    expect(back.node).toBe(page.node)
    // Shown again, so these are the back's readings, not the push's.
    await mp.waitFor(() => expect(page.text('#page-shows')).toBe('2'))
    await mp.waitFor(() => expect(badge.text('#badge-shows')).toBe('2'))
    const here = { path: '/pages/component/component', query: TYPED_QUERY }
    expect(page.json('#page-shown')).toEqual(here)
    expect(badge.json('#badge-shown-current')).toEqual(here)
    expect(badge.json('#badge-shown-route')).toEqual(here)
    expect(badge.text('#badge-path')).toBe(here.path)
    expect(badge.json('#badge-query')).toEqual(TYPED_QUERY)
  })

  it('a double tap on back (a second back() while the first is on its way) closes one page', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const double = await mp.tapTo(home, '#to-double', 'pages/double/double')
    const detail = await mp.tapTo(double, '#double-push', 'pages/detail/detail')
    await mp.tapTo(detail, '#back-twice', 'pages/double/double')
    await mp.waitFor(() => expect(mp.current().text('#outcome')).toBe('ok,duplicated'))
    expect(mp.depth()).toBe(2)
  })

  it('a push the moment back() resolves opens its page on top of the page below', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const detail = await mp.tapTo(push, '#push-name', 'pages/detail/detail')
    const report = await mp.tapTo(detail, '#back-then-report', 'pkg/pages/report/report')
    expect(report.json('#query-json')).toEqual({ month: 'after-back' })
    await mp.settle(100)
    expect(mp.depth()).toBe(3)
    await mp.tapTo(report, '#back', 'pages/push/push')
  })

  it("back() to a tab page handed a query: afterEach hears the query the page shows (switchTab carried it by the handoff, not in its options)", async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const mine = await mp.tapTo(push, '#push-tab', 'pages/mine/mine')
    await mp.waitFor(() => expect(mine.json('#query-json')).toEqual({ from: 'push', n: 7 }))
    const detail = await mp.tapTo(mine, '#to-detail', 'pages/detail/detail')
    expect(mp.depth()).toBe(2)
    const back = await mp.tapTo(detail, '#back', 'pages/mine/mine')
    expect(back.node).toBe(mine.node)
    await mp.waitFor(() => expect(mine.text('#last-to')).toBe('/pages/mine/mine?from=push&n=7&_nkt=n'))
    expect(mine.json('#query-json')).toEqual({ from: 'push', n: 7 })
    expect(mine.json('#current-json')).toEqual({ from: 'push', n: 7 })
  })

  it('relaunches home when nothing is below (a page opened from a share card)', async () => {
    const detail = await mp.relaunch('/pages/detail/detail?id=7')
    expect(mp.depth()).toBe(1)
    await mp.tapTo(detail, '#back', 'pages/home/home')
    expect(mp.depth()).toBe(1)
  })
})

describe('stack limit', () => {
  /** Home, then the stack page pushing itself until `depth` pages are open; the top stack page. */
  async function stackOf(depth: number) {
    const home = await mp.relaunch('/pages/home/home')
    let stack = await mp.tapTo(home, '#to-stack', 'pages/stack/stack')
    await mp.waitFor(() => expect(stack.text('#level')).toBe('1'))
    for (let level = 2; mp.depth() < depth; level++) {
      stack.tap('#push-self')
      await mp.waitFor(() => expect(mp.current().text('#level')).toBe(String(level)))
      stack = mp.current()
    }
    return stack
  }

  it(`keeps pushing on a full stack of ${MAX_PAGES} pages by redirecting the top page`, async () => {
    const stack = await stackOf(MAX_PAGES)
    expect(stack.text('#level')).toBe(String(MAX_PAGES - 1))

    // The stack is full: the next push replaces the top page instead of failing.
    const mark = mp.router.calls.length
    stack.tap('#push-self')
    await mp.waitFor(() => expect(mp.current().text('#level')).toBe(String(MAX_PAGES)))
    expect(mp.depth()).toBe(MAX_PAGES)
    expect(mp.current().text('#error')).toBe('')
    expect(mp.callsSince(mark).some((call) => call.errMsg.includes('webview count limit exceed'))).toBe(false)

    // Going back shows the page below the replaced one.
    mp.current().tap('#back')
    await mp.waitFor(() => expect(mp.current().text('#level')).toBe(String(MAX_PAGES - 2)))
    expect(mp.depth()).toBe(MAX_PAGES - 1)
  })

  it(`a raw uni.navigateTo with events on a full stack of ${MAX_PAGES} pages hears WeChat's own fail, not a redirect`, async () => {
    let stack = await stackOf(MAX_PAGES - 1)
    // With room left the raw call opens its page, and its EventChannel reaches the caller.
    const detail = await mp.tapTo(stack, '#raw-events', 'pages/detail/detail')
    await mp.waitFor(() => expect(stack.text('#raw-answer')).toBe('navigateTo:ok'))
    detail.tap('#emit-picked')
    await mp.waitFor(() => expect(stack.json('#picked')).toEqual({ from: 'detail', query: { from: 'raw-events', level: String(MAX_PAGES - 2) } }))
    expect(mp.depth()).toBe(MAX_PAGES)

    // A full stack: the router leaves the call to WeChat, which refuses it; no redirectTo (it gives no EventChannel).
    const full = await mp.tapTo(detail, '#back', 'pages/stack/stack')
    full.tap('#push-self')
    stack = await mp.waitFor(() => {
      expect(mp.current().text('#level')).toBe(String(MAX_PAGES - 1))
      return mp.current()
    })
    expect(mp.depth()).toBe(MAX_PAGES)
    const mark = mp.router.calls.length
    stack.tap('#raw-events')
    const answer = await mp.waitFor(() => {
      const text = stack.text('#raw-answer')
      expect(text).toMatch(/^navigateTo:fail/)
      return text
    })
    // The caller heard exactly what WeChat answered its one call.
    expect(mp.callsSince(mark).map((call) => `${call.api} ${call.errMsg}`)).toEqual([`navigateTo ${answer}`])
    expect(answer).toContain('webview count limit exceed')
    await mp.settle(100)
    expect(mp.current().route).toBe('pages/stack/stack')
    expect(mp.current().text('#level')).toBe(String(MAX_PAGES - 1))
    expect(mp.depth()).toBe(MAX_PAGES)
  })

  it(`a raw uni.navigateBack and a push right after it on a full stack of ${MAX_PAGES} pages: the push opens above the page the back shows`, async () => {
    const stack = await stackOf(MAX_PAGES)
    expect(stack.text('#level')).toBe(String(MAX_PAGES - 1))
    const mark = mp.router.calls.length
    stack.tap('#raw-back-then-detail')
    const detail = await mp.waitForPage('pages/detail/detail')
    await mp.settle(100)
    // The back first, then room for the push: a redirectTo decided at 10 pages would replace the page the back showed.
    expect(mp.callsSince(mark).map((call) => `${call.api} ${call.errMsg}`)).toEqual(['navigateBack navigateBack:ok', 'navigateTo navigateTo:ok'])
    expect(mp.depth()).toBe(MAX_PAGES)
    expect(detail.text('#q-level')).toBe(String(MAX_PAGES - 1))
    const below = await mp.tapTo(detail, '#back', 'pages/stack/stack')
    expect(below.text('#level')).toBe(String(MAX_PAGES - 2))
  })

  it('two buttons tapped in one go at 9 pages: the second push counts the first and redirects instead of failing', async () => {
    const stack = await stackOf(MAX_PAGES - 1)
    const mark = mp.router.calls.length
    // WeChat lists the first push's page only once it has routed: the second tap comes before that.
    stack.tap('#push-self')
    stack.tap('#open-detail')
    await mp.waitFor(() => expect(mp.current().route).toBe('pages/detail/detail'))
    expect(mp.callsSince(mark).map((call) => `${call.api} ${call.errMsg}`)).toEqual(['navigateTo navigateTo:ok', 'redirectTo redirectTo:ok'])
    expect(mp.depth()).toBe(MAX_PAGES)
    expect(stack.text('#error')).toBe('')
    // Opened from the stack page at depth 9 (level 8: home is below level 1), with its typed query.
    expect(mp.current().text('#q-from')).toBe('"stack"')
    expect(mp.current().text('#q-level')).toBe(String(MAX_PAGES - 2))
  })
})
