/**
 * back() (also after a reload), the browser's back button and an unlimited stack.
 *
 * The production H5 build of the demo in a real Chromium, driven through
 * the UI; every check reads what a page renders.
 */
import { describe, expect, it } from 'vitest'
import { ROUTES, TYPED_QUERY } from '../support/expected'
import { useH5Session } from '../support/h5/session'

const h5 = useH5Session()

/** What uni-h5's own <navigator> logs for a back the page's onBackPress refuses (uni 5.01 on): uni's line, not navi-kit's. */
const NAVIGATOR_LOGS_FAIL = 'console: navigateBack:fail onBackPress'

/** Runs `steps` on a slow network: the detail page's code (uni-h5 loads each page as a chunk of its own) comes 1.5 s late. */
async function withLateDetailPage(steps: () => Promise<void>): Promise<void> {
  const detailChunk = '**/pages-detail-detail*.js'
  await h5.browser.page.route(detailChunk, async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await request.continue()
  })
  try {
    await steps()
  } finally {
    await h5.browser.page.unroute(detailChunk)
  }
}

describe('back', () => {
  it('goes back one page', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-name', ROUTES.detail)
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
    await h5.app.tapTo(ROUTES.detail, '#back', ROUTES.push)
    // Back on the push page, one page fewer: the detail page is gone, not hidden.
    await h5.app.tapTo(ROUTES.push, '#push-name', ROUTES.detail)
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
  })

  it('a page pushes itself again, and back returns to the first copy', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-name', ROUTES.detail)
    await h5.app.pageLocator(ROUTES.detail).locator('#push-again').click()
    await h5.app.expectJson(ROUTES.detail, '#query-json', { hop: 1 })
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('4')
    await h5.app.pageLocator(ROUTES.detail).locator('#back').click()
    await h5.app.expectJson(ROUTES.detail, '#query-json', { by: 'name' })
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
  })

  it("the browser's back button returns to the previous page, and the router keeps going", async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-typed', ROUTES.detail)
    await h5.app.expectJson(ROUTES.detail, '#query-json', TYPED_QUERY)
    await h5.browser.page.goBack()
    await h5.app.waitForPage(ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-name', ROUTES.detail)
    await h5.app.expectJson(ROUTES.detail, '#query-json', { by: 'name' })
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
  })

  it("router.currentRoute follows the browser's back button, on a page that never calls useRoute()", async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-name', ROUTES.detail)
    await h5.browser.page.goBack()
    await h5.app.waitForPage(ROUTES.push)
    await expect.poll(() => h5.app.text(ROUTES.push, '#current')).toBe('/pages/push/push')
  })

  // The page calls no useRoute(); its component does, so useRoute()'s onShow comes after the page's own (and before the
  // component's own, registered after its useRoute()). The page left is detail, with a query of its own.
  it.each([
    ["the page above's back button (router.back())", 'router'],
    ["the browser's back button", 'browser'],
  ])("%s to a page whose component calls useRoute(): the page's own onShow and the component's read that page's route, not the page left", async (_case, how) => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-component', ROUTES.component)
    await h5.app.expectJson(ROUTES.component, '#badge-query', TYPED_QUERY)
    await h5.app.tapTo(ROUTES.component, '#open-detail', ROUTES.detail)
    const left = { path: '/pages/detail/detail', query: { from: 'component' } }
    await h5.app.expectJson(ROUTES.detail, '#onshow-current', left)
    if (how === 'router') await h5.app.tapTo(ROUTES.detail, '#back', ROUTES.component)
    else {
      await h5.browser.page.goBack()
      await h5.app.waitForPage(ROUTES.component)
    }
    // Shown again, so these are the back's readings, not the push's.
    await expect.poll(() => h5.app.text(ROUTES.component, '#page-shows')).toBe('2')
    await expect.poll(() => h5.app.text(ROUTES.component, '#badge-shows')).toBe('2')
    const here = { path: '/pages/component/component', query: TYPED_QUERY }
    expect(await h5.app.json(ROUTES.component, '#page-shown')).toEqual(here)
    expect(await h5.app.json(ROUTES.component, '#badge-shown-current')).toEqual(here)
    expect(await h5.app.json(ROUTES.component, '#badge-shown-route')).toEqual(here)
    expect(await h5.app.text(ROUTES.component, '#badge-path')).toBe(here.path)
    expect(await h5.app.json(ROUTES.component, '#badge-query')).toEqual(TYPED_QUERY)
    expect(h5.browser.errors).toEqual([])
  })

  it('a push the moment back() resolves opens its page on top of the page below (uni-h5 pops the page left on popstate)', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-name', ROUTES.detail)
    await h5.app.tapTo(ROUTES.detail, '#back-then-report', ROUTES.report)
    await h5.app.expectJson(ROUTES.report, '#query-json', { month: 'after-back' })
    // Give the popstate of the back the time it would need to undo the push.
    await h5.browser.page.waitForTimeout(300)
    expect(await h5.app.currentRoute()).toBe(ROUTES.report)
    await h5.app.tapTo(ROUTES.report, '#back', ROUTES.push)
  })

  it.each([
    ['a raw uni.navigateBack(), then router.push', '#raw-back-then-push'],
    ['a raw uni.navigateBack(), then a raw uni.navigateTo', '#raw-back-then-raw'],
    ['<navigator open-type="navigateBack">, then router.push', '#nav-back-then-push'],
  ])("%s: the pushed page opens on top of the page below and stays (uni-h5's pop comes later, on popstate)", async (_case, button) => {
    await h5.app.open()
    // First with the report page's code still to load, then with it loaded (the push goes out at once).
    for (const round of ['code to load', 'code loaded']) {
      await h5.app.tapTo(ROUTES.home, '#to-raw', ROUTES.raw)
      await h5.app.tapTo(ROUTES.raw, button, ROUTES.report)
      await h5.app.expectJson(ROUTES.report, '#query-json', { month: 'after-raw-back' })
      // Give the popstate of the back the time it would need to undo the push.
      await h5.browser.page.waitForTimeout(300)
      expect(await h5.app.currentRoute(), round).toBe(ROUTES.report)
      // The back did close the raw-calls page: the report page sits on home.
      expect(await h5.app.text(ROUTES.report, '#depth'), round).toBe('2')
      await h5.app.tapTo(ROUTES.report, '#back', ROUTES.home)
    }
    expect(h5.browser.errors).toEqual([])
  })

  it("two pushes in a row while the first page's code is still loading: each page gets its own query, in order", async () => {
    await withLateDetailPage(async () => {
      await h5.app.open()
      await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
      await h5.app.pageLocator(ROUTES.push).locator('#push-two').click()
      await h5.app.waitForPage(ROUTES.report, 10_000)
      await h5.app.expectJson(ROUTES.report, '#query-json', { step: 2 })
      // Long after the detail page's code came.
      await h5.browser.page.waitForTimeout(2000)
      expect(await h5.app.text(ROUTES.report, '#current')).toBe('/pkg/pages/report/report?step=2&_nkt=step')
      expect(await h5.app.text(ROUTES.report, '#depth')).toBe('4')
      await h5.app.tapTo(ROUTES.report, '#back', ROUTES.detail)
      await h5.app.expectJson(ROUTES.detail, '#query-json', { step: 1 })
      expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
    })
  })

  it("the browser's back button while a pushed page's code is still loading: the push is dropped, and the next one works", async () => {
    await withLateDetailPage(async () => {
      await h5.app.open()
      await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
      await h5.app.pageLocator(ROUTES.push).locator('#push-name').click()
      await h5.browser.page.waitForTimeout(200)
      // The URL has not changed yet (the page's code comes first): back leaves the push page.
      await h5.browser.page.goBack()
      await h5.app.waitForPage(ROUTES.home)
      // Long after the detail page's code came: nothing opened behind the user's back.
      await h5.browser.page.waitForTimeout(2000)
      expect(await h5.app.currentRoute()).toBe(ROUTES.home)
      expect(await h5.app.text(ROUTES.home, '#depth')).toBe('1')
      await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
      await h5.app.tapTo(ROUTES.push, '#push-name', ROUTES.detail)
      await h5.app.expectJson(ROUTES.detail, '#query-json', { by: 'name' })
      expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
    })
  })

  it('after a page reload (no page below) relaunches home', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-name', ROUTES.detail)
    await h5.browser.page.reload()
    await h5.app.waitForPage(ROUTES.detail)
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('1')
    await h5.app.tapTo(ROUTES.detail, '#back', ROUTES.home)
    expect(await h5.app.text(ROUTES.home, '#depth')).toBe('1')
  })
})

// The raw-calls page's "unsaved changes" modes: its onBackPress returns true, as an "unsaved changes" prompt does.
describe('a page whose onBackPress keeps it open', () => {
  /** Opens the raw-calls page (on home) with `mode` chosen: 'stay' keeps it, 'draft' also pushes the draft page. */
  async function rawPageWith(mode: 'stay' | 'draft'): Promise<void> {
    await h5.app.tapTo(ROUTES.home, '#to-raw', ROUTES.raw)
    await h5.app.pageLocator(ROUTES.raw).locator(`#unsaved-${mode}`).click()
    await expect.poll(() => h5.app.text(ROUTES.raw, '#on-back')).toBe(mode)
  }

  it("router.back() rejects aborted with uni's errMsg, and the page stays", async () => {
    await h5.app.open()
    await rawPageWith('stay')
    await h5.app.pageLocator(ROUTES.raw).locator('#router-back').click()
    await expect.poll(() => h5.app.text(ROUTES.raw, '#back-result')).toMatch(/^aborted: /)
    expect(await h5.app.text(ROUTES.raw, '#back-errmsg')).toBe('navigateBack:fail onBackPress')
    // Longer than a popstate takes: had the page left, home would show by now.
    await h5.browser.page.waitForTimeout(300)
    expect(await h5.app.currentRoute()).toBe(ROUTES.raw)
    // Saved, the same button leaves for the page below: the stack was left as it was.
    await h5.app.pageLocator(ROUTES.raw).locator('#saved').click()
    await h5.app.tapTo(ROUTES.raw, '#router-back', ROUTES.home)
    expect(await h5.app.text(ROUTES.home, '#depth')).toBe('1')
  })

  it.each([
    ['a raw uni.navigateBack()', '#raw-back'],
    ['<navigator open-type="navigateBack">', '#nav-back'],
  ])('%s it refuses: a push from its onBackPress opens at once, over the page that stayed', async (_case, button) => {
    await h5.app.open()
    // First with the draft page's code still to load, then with it loaded.
    for (const round of ['code to load', 'code loaded']) {
      await rawPageWith('draft')
      await h5.app.tapTo(ROUTES.raw, button, ROUTES.detail)
      await h5.app.expectJson(ROUTES.detail, '#query-json', { draft: 1 })
      // The raw-calls page stayed below the draft.
      expect(await h5.app.text(ROUTES.detail, '#depth'), round).toBe('3')
      await h5.app.tapTo(ROUTES.detail, '#back', ROUTES.raw)
      // The page timed it, from the tap to the draft page's onShow (the push resolves then), both in the browser:
      // a wait for a page to leave would have held the push for the router's full second (LEAVE_MS).
      const opened = await h5.app.text(ROUTES.raw, '#draft-opened')
      expect(opened, round).toMatch(/^\d+ ms$/)
      // Measured here: 5–60 ms. Without the fix never under 1000 ms.
      expect(parseInt(opened), round).toBeLessThan(700)
      // uni's answer to the back it refused, heard by the caller's fail.
      if (button === '#raw-back') expect(await h5.app.text(ROUTES.raw, '#back-errmsg'), round).toBe('navigateBack:fail onBackPress')
      // uni-h5's <navigator> calls uni.navigateBack without callbacks, and nobody handles the Promise of the back
      // refused: without navi-kit, and before the router marked it handled, an unhandled rejection on the console
      // ('unhandled rejection: {"errMsg":…}' and a pageerror). From uni 3.0.0-5010420260703001 on, the <navigator>
      // passes a fail that logs the errMsg itself (uni-h5.es.js createNavigatorOnClick's onFail): uni's own line.
      expect(h5.browser.errors.filter((line) => line !== NAVIGATOR_LOGS_FAIL), round).toEqual([])
      await h5.app.pageLocator(ROUTES.raw).locator('#saved').click()
      await h5.app.tapTo(ROUTES.raw, '#router-back', ROUTES.home)
    }
  })
})

describe('page stack', () => {
  it('has no 10-page limit on H5', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-stack', ROUTES.stack)
    for (let level = 2; level <= 11; level++) {
      await h5.app.pageLocator(ROUTES.stack).locator('#push-self').click()
      await expect.poll(() => h5.app.text(ROUTES.stack, '#level')).toBe(String(level))
    }
    expect(await h5.app.text(ROUTES.stack, '#depth')).toBe('12')
    expect(await h5.app.text(ROUTES.stack, '#error')).toBe('')
  })
})
