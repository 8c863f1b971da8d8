import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type Browser, launchBrowser } from '../support/h5/browser'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('harness', () => {
  it('loads the first page', async () => {
    const { page } = browser
    await page.goto(inject('h5Url'))
    await page.locator('#title').first().waitFor()
    expect(await page.locator('#title').first().textContent()).toBe('home')
    await browser.screenshot('smoke-home')
  })
})
