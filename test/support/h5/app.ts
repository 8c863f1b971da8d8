/**
 * Drives the H5 demo through its UI, as a user would: in a production H5
 * build `window.uni` is empty and `getCurrentPages` is not global, so every
 * step is a click and every check reads what a page renders.
 *
 * uni-h5 renders the current page as `<uni-page data-page="pages/x/x">`;
 * locators are scoped to it, so a page left in the DOM cannot answer.
 */
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'

export class H5App {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  /** Loads the app afresh (a new document, all state reset) at `hashPath` (e.g. 'pages/detail/detail?id=1'). */
  async open(hashPath = ''): Promise<void> {
    await this.page.goto('about:blank')
    await this.page.goto(hashPath ? `${this.baseUrl}#/${hashPath}` : this.baseUrl)
    await this.page.locator('uni-page').first().waitFor()
  }

  /** The rendered page `route` (e.g. 'pages/detail/detail'), once it is on screen. */
  async waitForPage(route: string, timeout = 5000): Promise<Locator> {
    const locator = this.pageLocator(route)
    await locator.waitFor({ state: 'visible', timeout })
    return locator
  }

  pageLocator(route: string): Locator {
    return this.page.locator(`uni-page[data-page="${route}"]`)
  }

  /** The route of the page on screen. */
  async currentRoute(): Promise<string | null> {
    return this.page.locator('uni-page:visible').first().getAttribute('data-page')
  }

  /** Clicks `selector` on page `from` and waits for page `to`. */
  async tapTo(from: string, selector: string, to: string): Promise<Locator> {
    await this.pageLocator(from).locator(selector).click()
    return this.waitForPage(to)
  }

  /** The text of `selector` on page `route`. */
  async text(route: string, selector: string): Promise<string> {
    return ((await this.pageLocator(route).locator(selector).textContent()) ?? '').trim()
  }

  /** Polls until the JSON shown in `selector` on `route` equals `expected`. */
  async expectJson(route: string, selector: string, expected: unknown): Promise<void> {
    await expect.poll(() => this.json(route, selector).catch(() => undefined), { timeout: 5000 }).toEqual(expected)
  }

  /** The JSON shown in `selector` on page `route`, parsed. */
  async json(route: string, selector: string): Promise<unknown> {
    return JSON.parse(await this.text(route, selector))
  }
}
