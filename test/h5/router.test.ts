/**
 * The production H5 build of the demo in a real Chromium, driven through the
 * UI. Every check reads what a page renders.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { H5App } from '../support/h5/app'
import { type Browser, launchBrowser } from '../support/h5/browser'

const TYPED_QUERY = { id: 42, ok: true, tags: ['a'], note: '42', text: 'a b&c=d?e#f%g+h 中文😀' }
const LARGE_QUERY = { big: '数据'.repeat(600), size: 1200 }

const HOME = 'pages/home/home'
const PUSH = 'pages/push/push'
const DETAIL = 'pages/detail/detail'
const MINE = 'pages/mine/mine'
const GUARDS = 'pages/guards/guards'
const LOGIN = 'pages/login/login'
const SECRET = 'pages/secret/secret'
const DOUBLE = 'pages/double/double'
const STACK = 'pages/stack/stack'

let browser: Browser
let app: H5App

beforeAll(async () => {
  browser = await launchBrowser()
  app = new H5App(browser.page, inject('h5Url'))
})
afterAll(async () => {
  await browser?.close()
})
afterEach(({ task }) => {
  // Page errors explain a failure better than a timeout does.
  if (task.result?.state === 'fail' && browser.errors.length) console.error(browser.errors.join('\n'))
  browser.errors.length = 0
})

/** Polls until the JSON shown in `selector` on `route` equals `expected`. */
async function expectJson(route: string, selector: string, expected: unknown): Promise<void> {
  await expect.poll(() => app.json(route, selector).catch(() => undefined), { timeout: 5000 }).toEqual(expected)
}

describe('push with a typed query', () => {
  it('the target page shows exact values and types, also after a reload', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-typed', DETAIL)
    await expectJson(DETAIL, '#query-json', TYPED_QUERY)
    expect(await app.text(DETAIL, '#t-id')).toBe('number')
    expect(await app.text(DETAIL, '#t-ok')).toBe('boolean')
    expect(await app.text(DETAIL, '#t-tags')).toBe('array')
    expect(await app.text(DETAIL, '#t-note')).toBe('string')
    expect(await app.text(DETAIL, '#q-text')).toBe(JSON.stringify(TYPED_QUERY.text))
    // decodeQuery on uni's (already decoded) onLoad options agrees: decoded exactly once.
    expect(await app.json(DETAIL, '#decoded-json')).toEqual(TYPED_QUERY)
    await browser.screenshot('push-typed-query')

    // The URL alone carries the typed query: a reload shows the same values.
    await browser.page.reload()
    await app.waitForPage(DETAIL)
    await expectJson(DETAIL, '#query-json', TYPED_QUERY)
    expect(await app.json(DETAIL, '#decoded-json')).toEqual(TYPED_QUERY)
  })

  it('a plain link opened from outside reads as strings', async () => {
    await app.open('pages/detail/detail?id=abc&from=link')
    await expectJson(DETAIL, '#query-json', { id: 'abc', from: 'link' })
  })

  it("the browser's back button returns to the previous page, and the router keeps going", async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-typed', DETAIL)
    await expectJson(DETAIL, '#query-json', TYPED_QUERY)
    await browser.page.goBack()
    await app.waitForPage(PUSH)
    await app.tapTo(PUSH, '#push-name', DETAIL)
    await expectJson(DETAIL, '#query-json', { by: 'name' })
    expect(await app.text(DETAIL, '#depth')).toBe('3')
  })

  it("router.currentRoute follows the browser's back button, on a page that never calls useRoute()", async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-name', DETAIL)
    await browser.page.goBack()
    await app.waitForPage(PUSH)
    await expect.poll(() => app.text(PUSH, '#current')).toBe('/pages/push/push')
  })

  it('a raw uni.navigateTo to a tab page switches to it with its query', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#raw-tab', MINE)
    await expectJson(MINE, '#query-json', { from: 'raw' })
  })

  it('a tab page opened from an outside link reads its query', async () => {
    await app.open('pages/mine/mine?from=link')
    await expectJson(MINE, '#query-json', { from: 'link' })
  })

  it('a page name resolves, also in a subpackage', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-report', 'pkg/pages/report/report')
    await expectJson('pkg/pages/report/report', '#query-json', { month: '2026-11' })
    expect(await app.text('pkg/pages/report/report', '#name')).toBe('pkg/report')
  })

  it('events: the opened page talks back through the EventChannel', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-events', DETAIL)
    await expectJson(DETAIL, '#query-json', { with: 'events' })
    await app.pageLocator(DETAIL).locator('#emit-picked').click()
    await app.tapTo(DETAIL, '#back', PUSH)
    await expectJson(PUSH, '#picked', { from: 'detail', query: { with: 'events' } })
  })

  it('an unknown page is refused with not-found, naming the closest page', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.pageLocator(PUSH).locator('#push-missing').click()
    await expect.poll(() => app.text(PUSH, '#result')).toMatch(/^not-found: .*\/pages\/detail\/detail/)
    expect(await app.currentRoute()).toBe(PUSH)
  })
})

describe('tab pages', () => {
  it('a tab page shows the query pushed to it', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-tab', MINE)
    await expectJson(MINE, '#query-json', { from: 'push', n: 7 })
    await browser.screenshot('tab-handoff')

    // Home (a tab push), then the same tab, alive already, with another query.
    await app.tapTo(MINE, '#to-home', HOME)
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-tab-again', MINE)
    await expectJson(MINE, '#query-json', { from: 'again', n: 8 })
    expect(await app.text(MINE, '#shown')).toBe('2')
  })

  it('the tab bar switches tabs (uni-h5 sends switchTab with url "/" for the first tab)', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-tab', MINE)
    await browser.page.locator('uni-tabbar .uni-tabbar__item').nth(0).click()
    await app.waitForPage(HOME)
    await browser.page.locator('uni-tabbar .uni-tabbar__item').nth(1).click()
    await app.waitForPage(MINE)
  })
})

describe('a query longer than queryLimit', () => {
  it('arrives whole while the URL stays short', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-large', DETAIL)
    await expectJson(DETAIL, '#query-json', LARGE_QUERY)
    expect(browser.page.url().length).toBeLessThan(2048)
  })
})

describe('page stack', () => {
  it('has no 10-page limit on H5', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-stack', STACK)
    for (let level = 2; level <= 11; level++) {
      await app.pageLocator(STACK).locator('#push-self').click()
      await expect.poll(() => app.text(STACK, '#level')).toBe(String(level))
    }
    expect(await app.text(STACK, '#depth')).toBe('12')
    expect(await app.text(STACK, '#error')).toBe('')
  })
})

describe('back', () => {
  it('goes back one page', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-name', DETAIL)
    await app.tapTo(DETAIL, '#back', PUSH)
  })

  it('a page pushes itself again, and back returns to the first copy', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-name', DETAIL)
    await app.pageLocator(DETAIL).locator('#push-again').click()
    await expectJson(DETAIL, '#query-json', { hop: 1 })
    expect(await app.text(DETAIL, '#depth')).toBe('4')
    await app.pageLocator(DETAIL).locator('#back').click()
    await expectJson(DETAIL, '#query-json', { by: 'name' })
    expect(await app.text(DETAIL, '#depth')).toBe('3')
  })

  it('after a page reload (no page below) relaunches home', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    await app.tapTo(PUSH, '#push-name', DETAIL)
    await browser.page.reload()
    await app.waitForPage(DETAIL)
    expect(await app.text(DETAIL, '#depth')).toBe('1')
    await app.tapTo(DETAIL, '#back', HOME)
    expect(await app.text(HOME, '#depth')).toBe('1')
  })
})

describe('guards', () => {
  it('redirects to the login page, and lets the user through after logging in', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-guards', GUARDS)
    expect(await app.text(GUARDS, '#logged-in')).toBe('no')
    await app.tapTo(GUARDS, '#push-secret', LOGIN)
    expect(await app.text(LOGIN, '#redirect')).toBe('/pages/secret/secret')
    expect(await app.text(LOGIN, '#last-nav')).toBe('/pages/guards/guards → /pages/login/login')
    await browser.screenshot('guard-redirect')
    await app.tapTo(LOGIN, '#login', SECRET)
    expect(await app.text(SECRET, '#last-nav')).toBe('/pages/login/login → /pages/secret/secret')
  })

  it('a <navigator> tap passes the guards', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-guards', GUARDS)
    await app.tapTo(GUARDS, '#nav-secret', LOGIN)
    expect(await app.text(LOGIN, '#redirect')).toBe('/pages/secret/secret')
    // Logged in (the login page replaces itself with the secret page), the same tap opens the page.
    await app.tapTo(LOGIN, '#login', SECRET)
    await browser.page.goBack()
    await app.waitForPage(GUARDS)
    expect(await app.text(GUARDS, '#logged-in')).toBe('yes')
    await app.tapTo(GUARDS, '#nav-secret', SECRET)
  })

  it('a guard answering false aborts the push, and afterEach sees the failure', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-guards', GUARDS)
    await app.pageLocator(GUARDS).locator('#push-blocked').click()
    await expect.poll(() => app.text(GUARDS, '#result')).toMatch(/^aborted: /)
    expect(await app.text(GUARDS, '#last-nav')).toBe('/pages/guards/guards → /pages/detail/detail ✗ aborted')
    expect(await app.currentRoute()).toBe(GUARDS)
  })

  it('a raw uni.navigateTo passes the guards', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-guards', GUARDS)
    await app.tapTo(GUARDS, '#raw-secret', LOGIN)
    expect(await app.text(LOGIN, '#redirect')).toBe('/pages/secret/secret')
    await app.tapTo(LOGIN, '#login', SECRET)
    await browser.page.goBack()
    await app.tapTo(GUARDS, '#raw-secret', SECRET)
  })
})

describe('double tap', () => {
  it('two clicks landing on a push button before the page changes open one page', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-push', PUSH)
    const button = app.pageLocator(PUSH).locator('#push-name')
    // Count the clicks that really reach the button, so the test proves both landed.
    await button.evaluate((element) => {
      element.addEventListener('click', () => {
        ;(window as unknown as { naviClicks?: number }).naviClicks = ((window as unknown as { naviClicks?: number }).naviClicks ?? 0) + 1
      })
    })
    // Playwright's dblclick lets the first click navigate before the second lands;
    // a slow phone delivers both to the button first, as here.
    await button.evaluate((element) => {
      ;(element as HTMLElement).click()
      ;(element as HTMLElement).click()
    })
    await app.waitForPage(DETAIL)
    expect(await browser.page.evaluate(() => (window as unknown as { naviClicks?: number }).naviClicks)).toBe(2)
    await browser.page.waitForTimeout(300)
    expect(await app.text(DETAIL, '#depth')).toBe('3')
    await app.tapTo(DETAIL, '#back', PUSH)
  })

  it('two identical pushes in one tick open one page', async () => {
    await app.open()
    await app.tapTo(HOME, '#to-double', DOUBLE)
    expect(await app.text(DOUBLE, '#depth')).toBe('2')
    await app.tapTo(DOUBLE, '#double-push', DETAIL)
    // Give a second page the time it would need to appear.
    await browser.page.waitForTimeout(300)
    expect(await app.text(DETAIL, '#depth')).toBe('3')
    await app.tapTo(DETAIL, '#back', DOUBLE)
    expect(await app.text(DOUBLE, '#depth')).toBe('2')
    await expect.poll(() => app.text(DOUBLE, '#outcome')).toMatch(/^ok,|,ok$/)
  })
})
