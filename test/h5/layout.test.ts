/**
 * Every demo page fits a phone's width: long text (links, encoded URLs,
 * JSON) wraps instead of widening the page beyond the 375-px screen, where a
 * user would have to scroll sideways to read it.
 *
 * The production H5 build in a real Chromium, 375×667.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPagesJson } from '../../src/build/pages'
import { createRouteTable } from '../../uni_modules/navi-kit/routes'
import { useH5Session } from '../support/h5/session'

const h5 = useH5Session()
const root = path.resolve(__dirname, '..', '..')
const routes = createRouteTable(readPagesJson(root, 'h5')).map((record) => record.path.slice(1))

/** A state that fills the launch page's result and link builders with their longest text. */
async function fillLaunchPage(): Promise<void> {
  const page = h5.app.pageLocator('pages/launch/launch')
  await page.locator('#open-alipay').click()
  await expect.poll(() => h5.app.text('pages/launch/launch', '#result')).not.toBe('')
}

describe('every page fits a 375-px phone screen', () => {
  it.each(routes)('%s', async (route) => {
    await h5.app.open(route)
    await h5.browser.page.locator('uni-page:visible').first().waitFor()
    // A guarded page without a login shows the login page instead (its guard's redirect).
    expect([route, 'pages/login/login']).toContain(await h5.app.currentRoute())
    if (route === 'pages/launch/launch') await fillLaunchPage()
    const widths = await h5.browser.page.evaluate(() => ({
      viewport: window.innerWidth,
      content: document.documentElement.scrollWidth,
    }))
    expect(widths.content).toBeLessThanOrEqual(widths.viewport)
  })
})
