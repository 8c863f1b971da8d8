/**
 * Typed query values (also after a reload), outside links, names, events, tab pages and raw uni calls.
 *
 * The production H5 build of the demo in a real Chromium, driven through
 * the UI; every check reads what a page renders.
 */
import { describe, expect, it } from 'vitest'
import { LARGE_QUERY, ROUTES, TYPED_QUERY } from '../support/expected'
import { useH5Session } from '../support/h5/session'

const h5 = useH5Session()

describe('push with a typed query', () => {
  it('the target page shows exact values and types, also after a reload', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-typed', ROUTES.detail)
    await h5.app.expectJson(ROUTES.detail, '#query-json', TYPED_QUERY)
    expect(await h5.app.text(ROUTES.detail, '#t-id')).toBe('number')
    expect(await h5.app.text(ROUTES.detail, '#t-ok')).toBe('boolean')
    expect(await h5.app.text(ROUTES.detail, '#t-tags')).toBe('array')
    expect(await h5.app.text(ROUTES.detail, '#t-note')).toBe('string')
    expect(await h5.app.text(ROUTES.detail, '#q-text')).toBe(JSON.stringify(TYPED_QUERY.text))
    // decodeQuery on uni's (already decoded) onLoad options agrees: decoded exactly once.
    expect(await h5.app.json(ROUTES.detail, '#decoded-json')).toEqual(TYPED_QUERY)
    // The page's own onLoad and onShow already read the router as being on this page.
    const here = { path: '/pages/detail/detail', query: TYPED_QUERY }
    expect(await h5.app.json(ROUTES.detail, '#onload-current')).toEqual(here)
    expect(await h5.app.json(ROUTES.detail, '#onshow-current')).toEqual(here)
    await h5.browser.screenshot('push-typed-query')

    // The URL alone carries the typed query: a reload shows the same values.
    await h5.browser.page.reload()
    await h5.app.waitForPage(ROUTES.detail)
    await h5.app.expectJson(ROUTES.detail, '#query-json', TYPED_QUERY)
    expect(await h5.app.json(ROUTES.detail, '#decoded-json')).toEqual(TYPED_QUERY)
  })

  it("a component's useRoute() in a page that calls none reads the page's path and exact typed query, and so does the page's own onShow", async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-component', ROUTES.component)
    const here = { path: '/pages/component/component', query: TYPED_QUERY }
    // As the component renders it.
    await expect.poll(() => h5.app.text(ROUTES.component, '#badge-path')).toBe(here.path)
    await h5.app.expectJson(ROUTES.component, '#badge-query', TYPED_QUERY)
    // In the component's own onShow (uni-h5 runs it once at once: the page showed before it set up) and the page's.
    expect(await h5.app.text(ROUTES.component, '#badge-shows')).toBe('1')
    expect(await h5.app.json(ROUTES.component, '#badge-shown-route')).toEqual(here)
    expect(await h5.app.json(ROUTES.component, '#badge-shown-current')).toEqual(here)
    expect(await h5.app.text(ROUTES.component, '#page-shows')).toBe('1')
    expect(await h5.app.json(ROUTES.component, '#page-shown')).toEqual(here)
    expect(h5.browser.errors).toEqual([])
  })

  it('a plain link opened from outside reads as strings', async () => {
    await h5.app.open('pages/detail/detail?id=abc&from=link')
    await h5.app.expectJson(ROUTES.detail, '#query-json', { id: 'abc', from: 'link' })
    // Already in <script setup>, before onLoad: not the route the app started with.
    expect(await h5.app.text(ROUTES.detail, '#setup-route')).toBe('/pages/detail/detail?id=abc&from=link')
  })

  it.each(['valueOf', 'constructor'])("a link whose query has a key every object has ('%s') opens its page, which reads its query", async (key) => {
    await h5.app.open(`pages/detail/detail?${key}=1&id=2`)
    await h5.app.waitForPage(ROUTES.detail)
    // Its own route, not home's: the page's route took the link's keys as they are.
    await expect.poll(() => h5.app.text(ROUTES.detail, '#path')).toBe('/pages/detail/detail')
    const read = (await h5.app.json(ROUTES.detail, '#query-json')) as Record<string, unknown>
    expect(Object.keys(read).sort()).toEqual([key, 'id'].sort())
    expect(read.id).toBe('2')
    // uni-h5 itself garbles such a key before any page code runs (vue-router's parseQuery tests `key in query`, so
    // it joins the member every object has with the link's value: "function valueOf() { [native code] },1"); the
    // link's own value comes last.
    expect(read[key]).toMatch(/1$/)
    // useRoute agrees with decodeQuery on uni's onLoad options.
    expect(await h5.app.json(ROUTES.detail, '#decoded-json')).toEqual(read)
    expect(h5.browser.errors).toEqual([])
  })

  it('a push to the tab page on screen hands it the new query, and resolves at once', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-tab', ROUTES.mine)
    await h5.app.pageLocator(ROUTES.mine).locator('#push-self').click()
    await h5.app.expectJson(ROUTES.mine, '#query-json', { again: 1 })
    // uni-h5 fires no onShow for it: the push must not wait out the router's 3 s for a page to show.
    await expect.poll(() => h5.app.text(ROUTES.mine, '#self-result'), { timeout: 1500 }).toBe('ok /pages/mine/mine?again=1&_nkt=again')
  })

  it('a raw uni.navigateTo to a tab page switches to it with its query', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#raw-tab', ROUTES.mine)
    await h5.app.expectJson(ROUTES.mine, '#query-json', { from: 'raw' })
  })

  it('a tab page opened from an outside link reads its query', async () => {
    await h5.app.open('pages/mine/mine?from=link')
    await h5.app.expectJson(ROUTES.mine, '#query-json', { from: 'link' })
  })

  it("after a raw uni.navigateTo whose query has a '+' and a repeated key, router.currentRoute holds the query its page reads", async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-raw', ROUTES.raw)
    const url = await h5.app.text(ROUTES.raw, '#raw-url')
    await h5.app.tapTo(ROUTES.raw, '#raw-detail', ROUTES.detail)
    // afterEach runs once the navigation has set currentRoute: from then on it says where the app is.
    await expect.poll(() => h5.app.text(ROUTES.detail, '#last-nav')).toBe('/pages/raw/raw → /pages/detail/detail')
    const read = await h5.app.json(ROUTES.detail, '#query-json')
    // uni-h5's own reading of the text the caller wrote ('+' a space, the repeated key joined), which is what makes
    // this case: the URL's text alone says { q: 'a+b', k: '2' }.
    expect(url).toBe('/pages/detail/detail?q=a+b&k=1&k=2')
    expect(read).toEqual({ q: 'a b', k: '1,2' })
    expect(await h5.app.json(ROUTES.detail, '#decoded-json')).toEqual(read)
    expect(await h5.app.json(ROUTES.detail, '#current-json')).toEqual(read)
  })

  it('a page name resolves, also in a subpackage', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-report', ROUTES.report)
    await h5.app.expectJson(ROUTES.report, '#query-json', { month: '2026-11' })
    expect(await h5.app.text(ROUTES.report, '#name')).toBe('pkg/report')
  })

  it('events: the opened page talks back through the EventChannel', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-events', ROUTES.detail)
    await h5.app.expectJson(ROUTES.detail, '#query-json', { with: 'events' })
    await h5.app.pageLocator(ROUTES.detail).locator('#emit-picked').click()
    await h5.app.tapTo(ROUTES.detail, '#back', ROUTES.push)
    await h5.app.expectJson(ROUTES.push, '#picked', { from: 'detail', query: { with: 'events' } })
  })

  it('an unknown page is refused with not-found, naming the closest page', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.pageLocator(ROUTES.push).locator('#push-missing').click()
    await expect.poll(() => h5.app.text(ROUTES.push, '#result')).toMatch(/^not-found: .*\/pages\/detail\/detail/)
    expect(await h5.app.currentRoute()).toBe(ROUTES.push)
  })
})

describe('tab pages', () => {
  it('a tab page shows the query pushed to it', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-tab', ROUTES.mine)
    await h5.app.expectJson(ROUTES.mine, '#query-json', { from: 'push', n: 7 })
    await h5.browser.screenshot('tab-handoff')

    // Home (a tab push), then the same tab, alive already, with another query.
    await h5.app.tapTo(ROUTES.mine, '#to-home', ROUTES.home)
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-tab-again', ROUTES.mine)
    await h5.app.expectJson(ROUTES.mine, '#query-json', { from: 'again', n: 8 })
    expect(await h5.app.text(ROUTES.mine, '#shown')).toBe('2')
  })

  it('the tab bar switches tabs (uni-h5 sends switchTab with url "/" for the first tab)', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-tab', ROUTES.mine)
    await h5.browser.page.locator('uni-tabbar .uni-tabbar__item').nth(0).click()
    await h5.app.waitForPage(ROUTES.home)
    await h5.browser.page.locator('uni-tabbar .uni-tabbar__item').nth(1).click()
    await h5.app.waitForPage(ROUTES.mine)
    // The tab bar's switchTab went through the router, and the tab page kept the query it was handed, as on WeChat.
    await h5.app.expectJson(ROUTES.mine, '#query-json', { from: 'push', n: 7 })
  })
})

describe('a tab page opened from outside with a query in its URL', () => {
  const tab = (index: number) => h5.browser.page.locator('uni-tabbar .uni-tabbar__item').nth(index).click()

  it('stays one page across tab-bar taps, with its query (uni-h5 takes a tab page for the URL it was opened at)', async () => {
    await h5.app.open('pages/mine/mine?from=link')
    await h5.app.expectJson(ROUTES.mine, '#query-json', { from: 'link' })
    await tab(0)
    await h5.app.waitForPage(ROUTES.home)
    await tab(1)
    await h5.app.waitForPage(ROUTES.mine)
    await h5.app.expectJson(ROUTES.mine, '#query-json', { from: 'link' })
    // Shown twice: the same page, not a new one.
    expect(await h5.app.text(ROUTES.mine, '#shown')).toBe('2')
  })

  it.each(['?from=link', 'pages/home/home?from=link'])('the entry page (%s) stays one page across tab-bar taps too', async (link) => {
    await h5.app.open(link)
    await h5.app.waitForPage(ROUTES.home)
    const page = h5.browser.page
    await page.evaluate(() => ((window as unknown as { naviHome?: Element | null }).naviHome = document.querySelector('uni-page[data-page="pages/home/home"]')))
    await tab(1)
    await h5.app.waitForPage(ROUTES.mine)
    await tab(0)
    await h5.app.waitForPage(ROUTES.home)
    // The page element of the first load is the one on screen again.
    expect(await page.evaluate(() => (window as unknown as { naviHome?: Element }).naviHome?.isConnected)).toBe(true)
  })

  it('a tab page that never calls useRoute() (home), handed a query by a push, shows that query after a tab-bar round trip, not the link\'s', async () => {
    await h5.app.open('pages/home/home?tab=orders')
    await h5.app.expectJson(ROUTES.home, '#current-json', { tab: 'orders' })
    await tab(1)
    await h5.app.waitForPage(ROUTES.mine)
    await h5.app.tapTo(ROUTES.mine, '#to-home-coupon', ROUTES.home)
    await h5.app.expectJson(ROUTES.home, '#current-json', { coupon: 'X1' })
    await tab(1)
    await h5.app.waitForPage(ROUTES.mine)
    await h5.app.expectJson(ROUTES.mine, '#current-json', {})
    await tab(0)
    await h5.app.waitForPage(ROUTES.home)
    await h5.app.expectJson(ROUTES.home, '#current-json', { coupon: 'X1' })
  })

  it('a push to itself updates that page and resolves', async () => {
    await h5.app.open('pages/mine/mine?from=link')
    await h5.app.pageLocator(ROUTES.mine).locator('#push-self').click()
    await expect.poll(() => h5.app.text(ROUTES.mine, '#self-result'), { timeout: 3000 }).toBe('ok /pages/mine/mine?again=1&_nkt=again')
  })
})

describe('a raw uni.reLaunch to a tab page', () => {
  const tab = (index: number) => h5.browser.page.locator('uni-tabbar .uni-tabbar__item').nth(index).click()

  it("with a '+' in its query: the page and router.currentRoute read what uni parsed into its onLoad options", async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-raw', ROUTES.raw)
    const url = await h5.app.text(ROUTES.raw, '#raw-tab-url')
    await h5.app.tapTo(ROUTES.raw, '#raw-relaunch-tab', ROUTES.mine)
    await expect.poll(() => h5.app.text(ROUTES.mine, '#decoded-json')).not.toBe('')
    const options = await h5.app.json(ROUTES.mine, '#decoded-json')
    // uni-h5's own reading of the text the caller wrote ('+' a space), which is what makes this case: the URL's
    // text alone says { q: 'C++' }.
    expect(url).toBe('/pages/mine/mine?q=C++&tab=orders')
    expect(options).toEqual({ q: 'C  ', tab: 'orders' })
    await h5.app.expectJson(ROUTES.mine, '#query-json', options)
    await h5.app.expectJson(ROUTES.mine, '#current-json', options)
  })

  // The reLaunch replaces the raw-calls page's history entry: the browser's back reaches home's, and uni-h5 closes the
  // tab page on its way (onUnload). Opened again, it must not be opened at the closed one's URL.
  it.each([
    ['the tab bar', {}, async () => tab(1)],
    ['a push with a query', { from: 'push', n: 7 }, async () => {
      await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
      await h5.app.pageLocator(ROUTES.push).locator('#push-tab').click()
    }],
  ])('with a plain query, closed by the browser\'s back, then opened by %s: a new page at its bare path, without the old query', async (_case, query, reopen) => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-raw', ROUTES.raw)
    expect(await h5.app.text(ROUTES.raw, '#plain-tab-url')).toBe('/pages/mine/mine?tab=orders')
    await h5.app.tapTo(ROUTES.raw, '#raw-relaunch-plain', ROUTES.mine)
    await h5.app.expectJson(ROUTES.mine, '#query-json', { tab: 'orders' })
    await h5.browser.page.goBack()
    await h5.app.waitForPage(ROUTES.home)
    await reopen()
    await h5.app.waitForPage(ROUTES.mine)
    await h5.app.expectJson(ROUTES.mine, '#query-json', query)
    expect(await h5.app.json(ROUTES.mine, '#decoded-json')).toEqual({})
    expect(h5.browser.page.url()).toMatch(/#\/pages\/mine\/mine$/)
    expect(await h5.app.text(ROUTES.mine, '#shown')).toBe('1')
  })
})

describe('a query longer than queryLimit', () => {
  it('arrives whole while the URL stays short', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-large', ROUTES.detail)
    await h5.app.expectJson(ROUTES.detail, '#query-json', LARGE_QUERY)
    expect(h5.browser.page.url().length).toBeLessThan(2048)
  })

  it('arrives whole again after the page is reloaded (the tab keeps it), and not in another tab', async () => {
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-large', ROUTES.detail)
    const url = h5.browser.page.url()
    await h5.browser.page.reload()
    await h5.app.waitForPage(ROUTES.detail)
    await h5.app.expectJson(ROUTES.detail, '#query-json', LARGE_QUERY)
    // The URL shared elsewhere carries only the id: a new tab reads no query (rather than another one's).
    const other = await h5.browser.page.context().newPage()
    try {
      await other.goto(url)
      await other.locator('#query-json').first().waitFor()
      expect(JSON.parse((await other.locator('#query-json').first().textContent()) ?? 'null')).toEqual({})
    } finally {
      await other.close()
    }
  })

  it('a page from before a reload, reached again by the browser back after more oversize pushes, still reads its query', async () => {
    const page = h5.browser.page
    await h5.app.open()
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-large', ROUTES.detail)
    await page.locator(`uni-page[data-page="${ROUTES.detail}"] #push-again`).click()
    await page.waitForFunction(() => location.hash.includes('hop'))
    await page.reload()
    await h5.app.waitForPage(ROUTES.detail)
    // No page below after the reload: back() relaunches home; then another oversize push, in this load.
    await h5.app.tapTo(ROUTES.detail, '#back', ROUTES.home)
    await h5.app.tapTo(ROUTES.home, '#to-push', ROUTES.push)
    await h5.app.tapTo(ROUTES.push, '#push-large', ROUTES.detail)
    // Back through this load's pages to the detail page of the first load.
    for (let step = 0; step < 3; step++) {
      await page.goBack()
      await page.waitForTimeout(400)
    }
    await h5.app.expectJson(ROUTES.detail, '#query-json', LARGE_QUERY)
  })
})

describe('offline', () => {
  // Runs last in this file: every page above was opened without the network.
  it('the app requested nothing outside its own server, also after a while on one page', async () => {
    // uni-h5's CSS reaches for its CDN 3 s after a page loads, unless the app turns that off (App.vue).
    await h5.app.open()
    await h5.browser.page.waitForTimeout(3500)
    expect(h5.browser.outside).toEqual([])
  })
})
