/**
 * Guards through router calls, raw uni calls and <navigator>, and double taps.
 *
 * The production H5 build of the demo in a real Chromium, driven through
 * the UI; every check reads what a page renders.
 */
import { describe, expect, it } from 'vitest'
import { ROUTES } from '../support/expected'
import { useH5Session } from '../support/h5/session'

const h5 = useH5Session()

describe('guards', () => {
  it('redirects to the login page, and lets the user through after logging in', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-guards', ROUTES.guards)
    expect(await h5.app.text(ROUTES.guards, '#logged-in')).toBe('no')
    await h5.app.tapTo(ROUTES.guards, '#push-secret', ROUTES.login)
    expect(await h5.app.text(ROUTES.login, '#redirect')).toBe('/pages/secret/secret')
    expect(await h5.app.text(ROUTES.login, '#last-nav')).toBe('/pages/guards/guards → /pages/login/login')
    await h5.browser.screenshot('guard-redirect')
    await h5.app.tapTo(ROUTES.login, '#login', ROUTES.secret)
    expect(await h5.app.text(ROUTES.secret, '#last-nav')).toBe('/pages/login/login → /pages/secret/secret')
  })

  it('a <navigator> tap passes the guards', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-guards', ROUTES.guards)
    await h5.app.tapTo(ROUTES.guards, '#nav-secret', ROUTES.login)
    expect(await h5.app.text(ROUTES.login, '#redirect')).toBe('/pages/secret/secret')
    // Logged in (the login page replaces itself with the secret page), the same tap opens the page.
    await h5.app.tapTo(ROUTES.login, '#login', ROUTES.secret)
    await h5.browser.page.goBack()
    await h5.app.waitForPage(ROUTES.guards)
    expect(await h5.app.text(ROUTES.guards, '#logged-in')).toBe('yes')
    await h5.app.tapTo(ROUTES.guards, '#nav-secret', ROUTES.secret)
  })

  it('a guard answering false aborts the push, and afterEach sees the failure', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-guards', ROUTES.guards)
    await h5.app.pageLocator(ROUTES.guards).locator('#push-blocked').click()
    await expect.poll(() => h5.app.text(ROUTES.guards, '#result')).toMatch(/^aborted: /)
    expect(await h5.app.text(ROUTES.guards, '#last-nav')).toBe('/pages/guards/guards → /pages/detail/detail ✗ aborted')
    expect(await h5.app.currentRoute()).toBe(ROUTES.guards)
  })

  it("the browser's back while a push waits in an async guard supersedes it: the push is aborted and the app stays where the back went", async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-guards', ROUTES.guards)
    await h5.app.pageLocator(ROUTES.guards).locator('#toggle-slow').click()
    await expect.poll(() => h5.app.text(ROUTES.guards, '#slow-session')).toBe('yes')
    await h5.app.pageLocator(ROUTES.guards).locator('#push-secret').click()
    await expect.poll(() => h5.app.text(ROUTES.guards, '#result')).toBe('…')
    // The session check takes 1.5 s: the user gives up and goes back meanwhile.
    await h5.browser.page.goBack()
    await h5.app.waitForPage(ROUTES.home)
    // Long after the guard has answered (it would redirect to the login page): nothing opened on top of the page
    // the back reached, and afterEach heard the push fail.
    await h5.browser.page.waitForTimeout(2000)
    expect(await h5.app.currentRoute()).toBe(ROUTES.home)
    await expect.poll(() => h5.app.text(ROUTES.home, '#last-nav')).toBe('/pages/guards/guards → /pages/secret/secret ✗ aborted')
    expect(await h5.app.text(ROUTES.home, '#depth')).toBe('1')
  })

  it('a raw uni.navigateTo passes the guards', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-guards', ROUTES.guards)
    await h5.app.tapTo(ROUTES.guards, '#raw-secret', ROUTES.login)
    expect(await h5.app.text(ROUTES.login, '#redirect')).toBe('/pages/secret/secret')
    await h5.app.tapTo(ROUTES.login, '#login', ROUTES.secret)
    await h5.browser.page.goBack()
    await h5.app.tapTo(ROUTES.guards, '#raw-secret', ROUTES.secret)
  })
})

describe('double tap', () => {
  it('on the tab bar opens the tab once and leaves no error (the second call is dropped)', async () => {
    await h5.app.open()
    const before = h5.browser.errors.length
    await h5.browser.page.evaluate(() => {
      const item = document.querySelectorAll<HTMLElement>('uni-tabbar .uni-tabbar__item')[1]
      item.click()
      item.click()
    })
    await h5.app.waitForPage(ROUTES.mine)
    await h5.browser.page.waitForTimeout(500)
    expect(h5.browser.errors.slice(before)).toEqual([])
  })

  it('two clicks landing on a push button before the page changes open one page', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    const button = h5.app.pageLocator(ROUTES.push).locator('#push-name')
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
    await h5.app.waitForPage(ROUTES.detail)
    expect(await h5.browser.page.evaluate(() => (window as unknown as { naviClicks?: number }).naviClicks)).toBe(2)
    await h5.browser.page.waitForTimeout(300)
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
    await h5.app.tapTo(ROUTES.detail, '#back', ROUTES.push)
  })

  it('a double tap on back (a second back() while the first is on its way) closes one page', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-double', ROUTES.double)
    await h5.app.tapTo(ROUTES.double, '#double-push', ROUTES.detail)
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
    await h5.app.tapTo(ROUTES.detail, '#back-twice', ROUTES.double)
    await expect.poll(() => h5.app.text(ROUTES.double, '#outcome')).toBe('ok,duplicated')
    // Give a second back the time it would need to land.
    await h5.browser.page.waitForTimeout(300)
    expect(await h5.app.text(ROUTES.double, '#depth')).toBe('2')
  })

  it('two identical pushes in one tick open one page', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-double', ROUTES.double)
    expect(await h5.app.text(ROUTES.double, '#depth')).toBe('2')
    await h5.app.tapTo(ROUTES.double, '#double-push', ROUTES.detail)
    // Give a second page the time it would need to appear.
    await h5.browser.page.waitForTimeout(300)
    expect(await h5.app.text(ROUTES.detail, '#depth')).toBe('3')
    await h5.app.tapTo(ROUTES.detail, '#back', ROUTES.double)
    expect(await h5.app.text(ROUTES.double, '#depth')).toBe('2')
    await expect.poll(() => h5.app.text(ROUTES.double, '#outcome')).toMatch(/^ok,|,ok$/)
  })
})
