import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h as render, nextTick, reactive, watchEffect } from 'vue'
import type { NavigationError } from '../../uni_modules/navi-kit/errors'
import type { Route } from '../../uni_modules/navi-kit/types'
import { useRoute, useRouter } from '../../uni_modules/navi-kit/useApi'
import { mountPages } from '../sim/pages'
import { harness, n, SEMANTICS, type Harness } from '../sim/fixture'

let h: Harness
afterEach(() => h?.restore())

const top = (h: Harness) => h.sim.getCurrentPages().slice(-1)[0]
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms))

/** A tap on the tab bar: uni-h5's calls uni.switchTab({ from: 'tabBar', url, tabBarText }) ('/' for the entry page); WeChat's is native. */
async function tapTabBar(h: Harness, path: string, h5Url = path) {
  if (h.sim.platform === 'h5') h.sim.uni.switchTab({ from: 'tabBar', url: h5Url, tabBarText: 'tab' })
  else h.sim.tapTabBar(path)
  await tick(5)
  await h.sim.settle()
  await tick()
}

/** The two ways a page reads its route: itself, or through a component of its own. */
const READERS = [
  ['calls useRoute()', {}],
  ['has a component that calls useRoute()', { plain: true, child: true }],
] as const

describe.each(SEMANTICS)('useRoute on %s', (platform) => {
  it("in a page's setup gives that page's typed route; a child component gets the same", async () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    const query = { id: 42, ok: true, tags: ['a'], note: '42', text: 'a b&c=d?e#f%g+h 中文😀' }
    await h.router.push({ name: n('detail'), query })
    const seen = seenOf(top(h))
    expect(seen.route).toMatchObject({ path: '/pages/detail/detail', name: n('detail'), query, isTab: false })
    expect(seen.child).toBe(seen.route)
    // The page below keeps its own route.
    await h.router.push({ name: n('user/profile'), query: { other: 1 } })
    expect(seen.route.query).toEqual(query)
  })

  // uni runs the hooks a page's setup registers before an app mixin's: the router's are put first. A component's
  // useRoute() registers its page's onShow after the page's own: the router's brings the page's kept route along.
  it.each([
    ['calls useRoute()', {}],
    ['calls no useRoute()', { plain: true }],
    ['has a component that calls useRoute()', { plain: true, child: true }],
  ])("a page's own onLoad and onShow read router.currentRoute as that page (a page that %s), after a push and after the system back", async (_, shape) => {
    h = harness(platform, { withApp: true })
    const read: string[] = []
    const note = (hook: string) => (route: string) => {
      const { path, query } = h.router.currentRoute.value
      read.push(`${hook} ${route}: ${path} ${JSON.stringify(query)}`)
    }
    mountPages(h.sim, h.router, { ...shape, onLoad: note('onLoad'), onShow: note('onShow') })
    h.sim.launch('/pages/home/home')
    await h.router.push({ path: '/pages/detail/detail', query: { id: 7 } })
    await h.sim.settle()
    h.sim.systemBack()
    await h.sim.settle()
    await tick()
    expect(read).toEqual([
      'onLoad pages/home/home: /pages/home/home {}',
      'onShow pages/home/home: /pages/home/home {}',
      'onLoad pages/detail/detail: /pages/detail/detail {"id":7}',
      'onShow pages/detail/detail: /pages/detail/detail {"id":7}',
      'onShow pages/home/home: /pages/home/home {}',
    ])
  })

  it.each(READERS)("a tab page's own onShow reads router.currentRoute with the query it was handed, after a back to it too (a page that %s)", async (_, shape) => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const read: string[] = []
    mountPages(h.sim, h.router, { ...shape, onShow: (route) => read.push(`${route}: ${h.router.currentRoute.value.fullPath} ${JSON.stringify(h.router.currentRoute.value.query)}`) })
    h.sim.launch('/pages/detail/detail')
    await h.router.push({ path: '/pages/mine/mine', query: { from: 'detail', n: 2 } })
    await h.sim.settle()
    await h.router.push('/pages/user/profile')
    await h.sim.settle()
    h.sim.systemBack()
    await h.sim.settle()
    await tick()
    expect(read.filter((line) => line.startsWith('pages/mine/mine'))).toEqual([
      'pages/mine/mine: /pages/mine/mine?from=detail&n=2&_nkt=n {"from":"detail","n":2}',
      'pages/mine/mine: /pages/mine/mine?from=detail&n=2&_nkt=n {"from":"detail","n":2}',
    ])
    expect(h.router.currentRoute.value.query).toEqual({ from: 'detail', n: 2 })
  })

  it.each(READERS)("a tab page already open, pushed again with a new query, reads that query in its own onShow (a page that %s)", async (_, shape) => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const read: unknown[] = []
    mountPages(h.sim, h.router, { ...shape, onShow: (route) => route === 'pages/mine/mine' && read.push(h.router.currentRoute.value.query) })
    h.sim.launch('/pages/detail/detail')
    await h.router.push({ path: '/pages/mine/mine', query: { n: 1 } })
    await h.sim.settle()
    await h.router.push('/pages/home/home')
    await h.sim.settle()
    await h.router.push({ path: '/pages/mine/mine', query: { n: 2 } })
    await h.sim.settle()
    await tick()
    expect(read).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('a page opened from outside (share card, H5 refresh) reads its URL', () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    const page = h.sim.launch('/pages/detail/detail?id=abc&text=a%20b%2Bc&n=%2542')
    // uni-h5 decodes an address-bar query twice (vue-router, then decodedQuery); WeChat hands the raw text, decoded once here.
    const n = platform === 'h5' ? 'B' : '%42'
    expect(seenOf(page).route).toMatchObject({ path: '/pages/detail/detail', query: { id: 'abc', text: 'a b+c', n } })
  })

  it('a page opened from outside reads its URL even when a key is a name every object has (valueOf, constructor)', () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    const page = h.sim.launch('/pages/detail/detail?id=42&valueOf=1&constructor=x')
    const { route } = seenOf(page)
    expect(route).toMatchObject({ path: '/pages/detail/detail', query: { id: '42' } })
    // WeChat hands such keys as they are; uni-h5's own query parser garbles them (it asks `key in` a plain object).
    if (platform === 'mp-weixin') expect(route.query).toEqual({ id: '42', valueOf: '1', constructor: 'x' })
    expect(h.router.currentRoute.value.path).toBe('/pages/detail/detail')
  })

  it("on H5 a push ends when its page shows (its code may still be loading), so the next push cannot hand that page its query", async () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    // A page the router's onShow has heard: the app's pages are Vue pages with its mixin.
    await h.router.push('/pages/user/settings')
    const release = h.sim.holdPageCode('/pages/detail/detail')
    const first = h.router.push({ name: n('detail'), query: { id: 1 } })
    const soon = new Promise((resolve) => setTimeout(resolve, 50, 'still on its way'))
    // WeChat sets the page up before it answers: nothing is held there.
    expect(await Promise.race([first.then(() => 'done'), soon])).toBe(platform === 'h5' ? 'still on its way' : 'done')
    release()
    await first
    await h.router.push({ name: n('user/profile'), query: { x: 2 } })
    const [detail, profile] = h.sim.getCurrentPages().slice(-2)
    expect([detail.route, profile.route]).toEqual(['pages/detail/detail', 'pages/user/profile'])
    expect(seenOf(detail).route.query).toEqual({ id: 1 })
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/user/profile', query: { x: 2 } })
  })

  it('a page opened from outside already has its own route in setup (H5: its URL; a mini program: its path, the query comes with onLoad)', () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    const page = h.sim.launch('/pages/detail/detail?id=abc')
    // toEqual on the query: toMatchObject's `query: {}` would match any query.
    expect(seenOf(page).atSetup.path).toBe('/pages/detail/detail')
    expect(seenOf(page).atSetup.query).toEqual(platform === 'h5' ? { id: 'abc' } : {})
    expect(seenOf(page).route.query).toEqual({ id: 'abc' })
  })

  it('an open tab page receives the next query through onShow and updates reactively', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router)
    await h.router.push({ path: '/pages/mine/mine', query: { round: 1 } })
    const tab = top(h)
    expect(seenOf(tab).route.query).toEqual({ round: 1 })
    await h.router.push('/pages/detail/detail')
    await h.router.push({ name: n('mine'), query: { round: 2 } })
    expect(top(h)).toBe(tab) // the same page instance, shown again
    await nextTick()
    expect(seenOf(tab).route.query).toEqual({ round: 2 })
    expect(seenOf(tab).queries).toContainEqual({ round: 2 })
    expect(h.router.currentRoute.value.query).toEqual({ round: 2 })
  })

  it("a tab page reads the query as pushed (it comes in memory, not through a URL), not the caller's objects: the caller editing them afterwards changes nothing", async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router)
    // A tab page's reactive form, which stays alive after the switch.
    const form = reactive({ tags: ['a'] })
    await h.router.push({ name: n('mine'), query: { tags: form.tags } })
    const seen = seenOf(top(h))
    expect(seen.route.query).toEqual({ tags: ['a'] })
    form.tags.push('b')
    expect(seen.route.query).toEqual({ tags: ['a'] })
    expect(h.router.currentRoute.value.query).toEqual({ tags: ['a'] })
    // And the page editing what it reads leaves the caller's form alone.
    ;(seen.route.query.tags as string[]).push('c')
    expect(form.tags).toEqual(['a', 'b'])
  })

  it('a push to the tab page on screen hands it the new query (uni shows it again without an onShow)', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router)
    await h.router.push({ name: n('mine'), query: { round: 1 } })
    const tab = top(h)
    const again = h.router.push({ name: n('mine'), query: { round: 2 } })
    const soon = new Promise((resolve) => setTimeout(resolve, 50, 'still on its way'))
    expect(await Promise.race([again.then(() => 'done'), soon])).toBe('done')
    expect(top(h)).toBe(tab)
    expect(seenOf(tab).route.query).toEqual({ round: 2 })
    expect(h.router.currentRoute.value.query).toEqual({ round: 2 })
  })

  it('a tab query is delivered once: a fresh tab page opened later without the router reads none', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router)
    await h.router.push({ name: n('mine'), query: { round: 1 } })
    expect(seenOf(top(h)).route.query).toEqual({ round: 1 })
    await h.router.relaunch('/pages/detail/detail')
    // The native tab bar: no uni call, no router.
    h.sim.tapTabBar('/pages/mine/mine')
    // toEqual: toMatchObject's `query: {}` would match any query.
    expect(seenOf(top(h)).route).toMatchObject({ path: '/pages/mine/mine' })
    expect(seenOf(top(h)).route.query).toEqual({})
  })

  it('a tab query no page took dies with a reLaunch: a tab page that never calls useRoute(), opened later by the native tab bar, reads none', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    // Plain pages: nothing takes the tab page's query when it shows, so only the reLaunch can drop it.
    mountPages(h.sim, h.router, { plain: true })
    await h.router.push({ name: n('mine'), query: { round: 1 } })
    await h.router.relaunch('/pages/detail/detail')
    h.sim.tapTabBar('/pages/mine/mine')
    await h.sim.settle()
    expect(h.router.currentRoute.value.path).toBe('/pages/mine/mine')
    expect(h.router.currentRoute.value.query).toEqual({})
  })

  it('a tab page that never calls useRoute(), opened from a link and later handed a query, reads that query after a tab-bar round trip', async () => {
    h = harness(platform, { withApp: true })
    mountPages(h.sim, h.router, { plain: true })
    h.sim.launch('/pages/mine/mine?tab=orders')
    expect(h.router.currentRoute.value.query).toEqual({ tab: 'orders' })
    await h.router.push({ name: n('home') })
    await h.router.push({ name: n('mine'), query: { coupon: 'X1' } })
    expect(h.router.currentRoute.value.query).toEqual({ coupon: 'X1' })
    await tapTabBar(h, '/pages/home/home', '/')
    await tapTabBar(h, '/pages/mine/mine')
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/mine/mine', query: { coupon: 'X1' } })
  })

  it('a switchTab that fails leaves no query waiting for the tab page: opened later by the native tab bar, it reads none', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router)
    // Another plugin's interceptor refuses the call: uni never opens the tab.
    const refuse = {
      invoke() {
        throw new Error('refused by another plugin')
      },
    }
    h.sim.uni.addInterceptor('switchTab', refuse)
    await expect(h.router.push({ name: n('mine'), query: { coupon: 'X1' } })).rejects.toMatchObject({ code: 'platform' })
    h.sim.uni.removeInterceptor('switchTab', refuse)
    h.sim.tapTabBar('/pages/mine/mine')
    expect(seenOf(top(h)).route).toMatchObject({ path: '/pages/mine/mine' })
    expect(seenOf(top(h)).route.query).toEqual({})
    expect(h.router.currentRoute.value.query).toEqual({})
  })

  it('a page shown again by back makes it the current route', async () => {
    h = harness(platform, { withApp: true })
    mountPages(h.sim, h.router)
    await h.router.push({ name: n('detail'), query: { id: 1 } })
    await h.router.push({ name: n('user/profile') })
    h.sim.uni.navigateBack({}) // the system back button, not the router
    await h.sim.settle()
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/detail/detail', query: { id: 1 } })
  })

  it('a page that never calls useRoute, shown again by back, is the current route even when getCurrentPages() lacks it', async () => {
    h = harness(platform, { withApp: true })
    mountPages(h.sim, h.router, { plain: true })
    await h.router.push({ name: n('detail'), query: { id: 1 } })
    await h.router.push({ name: n('user/profile') })
    // uni-h5, when the browser goes back while the page left is still loading (its chunk not yet
    // fetched, so not yet in uni's list), drops the page below it instead: the page shown is missing.
    const globals = globalThis as unknown as { getCurrentPages: () => unknown[] }
    const listed = globals.getCurrentPages
    globals.getCurrentPages = () => listed().slice(0, -1)
    try {
      h.sim.uni.navigateBack({})
      await h.sim.settle()
    } finally {
      globals.getCurrentPages = listed
    }
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/detail/detail', query: { id: 1 } })
  })

  it.each([
    // uni-h5 answers before the page leaves: settle.
    ['router.back()', (h: Harness) => h.router.back().then(() => h.sim.settle())],
    // Not the router: only onShow brings currentRoute along.
    ['the system back button', (h: Harness) => (h.sim.uni.navigateBack({}), h.sim.settle())],
  ])('%s to a tab page keeps the query that page was handed as the current route', async (_how, goBack) => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router)
    await h.router.push({ path: '/pages/mine/mine', query: { round: 1 } })
    const tab = top(h)
    await h.router.push('/pages/detail/detail')
    await goBack(h)
    expect(top(h)).toBe(tab)
    expect(seenOf(tab).route.query).toEqual({ round: 1 })
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/mine/mine', query: { round: 1 } })
  })

  it('the tab bar, away and back, shows a tab page with the query it was handed (H5 routes the tap, WeChat does not)', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router)
    const guarded: string[] = []
    h.router.beforeEach((to) => void guarded.push(to.fullPath))
    await h.router.push({ path: '/pages/mine/mine', query: { tab: 'orders' } })
    const mine = top(h)
    await tapTabBar(h, '/pages/home/home', '/')
    await tapTabBar(h, '/pages/mine/mine')
    expect(top(h)).toBe(mine)
    expect(seenOf(mine).route.query).toEqual({ tab: 'orders' })
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/mine/mine', query: { tab: 'orders' } })
    // On H5 the taps still pass the guards, as the tab bar asks: by path alone.
    if (platform === 'h5') expect(guarded.slice(1)).toEqual(['/pages/home/home', '/pages/mine/mine'])
  })

  it('a tab page opened from outside with a query in its URL stays one page: the tab bar and a push come back to it', async () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    const mine = h.sim.launch('/pages/mine/mine?from=link')
    expect(seenOf(mine).route.query).toEqual({ from: 'link' })
    await h.router.push('/pages/home/home')
    await tapTabBar(h, '/pages/mine/mine')
    expect(top(h)).toBe(mine)
    expect(seenOf(mine).route.query).toEqual({ from: 'link' })
    await h.router.push('/pages/home/home')
    await h.router.push({ path: '/pages/mine/mine', query: { tab: 'orders' } })
    expect(top(h)).toBe(mine)
    expect(seenOf(mine).route.query).toEqual({ tab: 'orders' })
    expect(h.router.currentRoute.value.query).toEqual({ tab: 'orders' })
  })

  it('the entry tab page opened from outside with a query stays one page too (uni-h5 knows it as "/")', async () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    const home = h.sim.launch('/pages/home/home?from=link')
    await h.router.push('/pages/mine/mine')
    await tapTabBar(h, '/pages/home/home', '/')
    expect(top(h)).toBe(home)
    expect(seenOf(home).route.query).toEqual({ from: 'link' })
    await h.router.push('/pages/mine/mine')
    await h.router.push('/pages/home/home')
    expect(top(h)).toBe(home)
  })

  it('called twice in one page (say, from a composable too) gives the same route, tab query included', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router)
    await h.router.push({ path: '/pages/mine/mine', query: { round: 1 } })
    const seen = seenOf(top(h))
    expect(seen.second).toBe(seen.route)
    expect(seen.second?.query).toEqual({ round: 1 })
  })

  it('in App.vue (no page) follows the current route, and pages still get their own', async () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    let appRoute: Readonly<Route> | undefined
    const App = defineComponent({
      setup() {
        appRoute = useRoute()
        return () => render('div')
      },
    })
    mount(App, { global: { plugins: [h.router] } })
    await h.router.push({ name: n('detail'), query: { id: 7 } })
    expect(appRoute).toMatchObject({ path: '/pages/detail/detail', query: { id: 7 } })
    expect(seenOf(top(h)).route).not.toBe(appRoute)
    expect(seenOf(top(h)).route.query).toEqual({ id: 7 })
  })

  it('outside a component follows the current route', async () => {
    h = harness(platform)
    const route = useRoute()
    expect(useRouter()).toBe(h.router)
    await h.router.push({ name: n('detail'), query: { id: 5 } })
    expect(route.path).toBe('/pages/detail/detail')
    expect(route.query).toEqual({ id: 5 })
    expect({ ...route }).toEqual(h.router.currentRoute.value)
    const paths: string[] = []
    const stop = watchEffect(() => void paths.push(route.path))
    await h.router.push({ name: n('user/profile') })
    stop()
    expect(paths).toEqual(['/pages/detail/detail', '/pages/user/profile'])
  })
})

describe.each(SEMANTICS)('useRoute and the page record on %s', (platform) => {
  it('a component is the first in its page to call useRoute: it gets the page opened from outside, already in setup', () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router, { plain: true, child: true })
    const page = h.sim.launch('/pages/detail/detail?id=abc')
    expect(seenOf(page).childAtSetup?.path).toBe('/pages/detail/detail')
    expect(seenOf(page).childAtSetup?.query).toEqual(platform === 'h5' ? { id: 'abc' } : {})
    expect(seenOf(page).child?.query).toEqual({ id: 'abc' })
  })

  it('a component of a tab page that never calls useRoute() gets the query handed to the page: its onLoad runs once, as uni runs it', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router, { plain: true, child: true })
    await h.router.push({ name: n('mine'), query: { round: 1 } })
    expect(seenOf(top(h)).child?.query).toEqual({ round: 1 })
    expect(h.router.currentRoute.value.query).toEqual({ round: 1 })
  })

  it("two components of a tab page that never calls useRoute() get the page's one route, with the query handed to it, then the next", async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const seenOf = mountPages(h.sim, h.router, { plain: true, child: 2 })
    await h.router.push({ name: n('mine'), query: { round: 1 } })
    const tab = top(h)
    const [first, second] = seenOf(tab).children!
    expect(second).toBe(first)
    expect(first.query).toEqual({ round: 1 })
    expect(h.router.currentRoute.value.query).toEqual({ round: 1 })
    await h.router.push('/pages/detail/detail')
    await h.router.push({ name: n('mine'), query: { round: 2 } })
    expect(top(h)).toBe(tab)
    expect(first.query).toEqual({ round: 2 })
    expect(h.router.currentRoute.value.query).toEqual({ round: 2 })
  })

  it('a page with a field of its own named route still makes currentRoute follow it', async () => {
    h = harness(platform, { withApp: true })
    mountPages(h.sim, h.router, { plain: true, ownRoute: true })
    await h.router.push({ name: n('detail'), query: { id: 1 } })
    await h.router.push({ name: n('user/profile') })
    h.sim.uni.navigateBack({}) // the system back button: only onShow says where the app is
    await h.sim.settle()
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/detail/detail', query: { id: 1 } })
  })
})

describe('on H5 a navigation waits for its page to show', () => {
  /** An app on H5 whose router has heard a page (the app's pages are Vue pages with its mixin). */
  async function h5App(): Promise<Harness> {
    h = harness('h5', { withApp: true })
    mountPages(h.sim, h.router, { plain: true })
    await h.router.push('/pages/user/settings')
    await h.router.push('/pages/user/profile')
    return h
  }
  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise.then(() => 'done'), new Promise((resolve) => setTimeout(resolve, ms, 'still on its way'))])

  it("the target page redirecting from its onLoad (a guard installed) ends the push at once; the redirect's page is the current route", async () => {
    const h = await h5App()
    h.router.beforeEach(() => true)
    const pages = h.sim.onPage!
    let redirect: Promise<unknown> | undefined
    h.sim.onPage = (event, page) => {
      if (event === 'load' && page.route === 'pages/detail/detail') redirect ??= h.router.replace('/pages/user/profile')
      pages(event, page)
    }
    const push = h.router.push('/pages/detail/detail')
    expect(await within(push, 500)).toBe('done')
    await redirect
    expect(h.router.currentRoute.value.path).toBe('/pages/user/profile')
  })

  it('two pushes to one page whose code is still loading: the first is superseded, the second opens the page once', async () => {
    const h = await h5App()
    const release = h.sim.holdPageCode('/pages/detail/detail')
    const first = h.router.push({ name: n('detail'), query: { id: 1 } }).catch((error: NavigationError) => error.code)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const second = h.router.push({ name: n('detail'), query: { id: 2 } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    release()
    expect(await first).toBe('aborted')
    await second
    expect(h.calls.filter((call) => call.includes('detail'))).toEqual(['navigateTo /pages/detail/detail?id=2&_nkt=id'])
    expect(h.router.currentRoute.value.fullPath).toBe('/pages/detail/detail?id=2&_nkt=id')
  })

  it("the system back button while the page's code is still loading: the push is aborted at once and opens nothing", async () => {
    const h = await h5App()
    h.sim.holdPageCode('/pages/detail/detail') // and never released: a chunk that takes its time
    const push = h.router.push({ name: n('detail') }).catch((error: NavigationError) => error.code)
    await new Promise((resolve) => setTimeout(resolve, 20))
    h.sim.uni.navigateBack({}) // not the router
    await h.sim.settle()
    expect(await push).toBe('aborted')
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/user/settings'])
    expect(h.router.currentRoute.value.path).toBe('/pages/user/settings')
  })

  it("a raw uni.navigateTo stopped by the browser's back button while its page's code loads hears fail", async () => {
    const h = await h5App()
    h.sim.holdPageCode('/pages/detail/detail')
    const answers: string[] = []
    h.sim.uni.navigateTo({
      url: '/pages/detail/detail?id=1',
      fail: ({ errMsg } = {}) => answers.push('fail ' + errMsg),
      complete: () => answers.push('complete'),
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    h.sim.uni.navigateBack({})
    await h.sim.settle()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(answers).toEqual(['fail navigateTo:fail the browser went back while /pages/detail/detail?id=1 loaded', 'complete'])
  })

  it('a raw uni.switchTab stopped that way hears its own method in the errMsg', async () => {
    const h = await h5App()
    h.sim.holdPageCode('/pages/mine/mine')
    let errMsg: string | undefined
    h.sim.uni.switchTab({ url: '/pages/mine/mine', fail: (result = {}) => (errMsg = result.errMsg) })
    await new Promise((resolve) => setTimeout(resolve, 20))
    h.sim.uni.navigateBack({})
    await h.sim.settle()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(errMsg).toBe('switchTab:fail the browser went back while /pages/mine/mine loaded')
  })

  it('a page whose code never comes: the navigation goes on after the wait instead of hanging', async () => {
    const h = await h5App()
    const release = h.sim.holdPageCode('/pages/detail/detail') // no answer to the preload (a stalled request)
    const push = h.router.push({ name: n('detail') })
    await new Promise((resolve) => setTimeout(resolve, 3200))
    expect(h.calls.slice(-1)).toEqual(['navigateTo /pages/detail/detail'])
    release() // the page's code comes at last
    await push
    expect(h.sim.getCurrentPages().map((page) => page.route).slice(-1)).toEqual(['pages/detail/detail'])
    expect(h.router.currentRoute.value.path).toBe('/pages/detail/detail')
  }, 10_000)
})
