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
