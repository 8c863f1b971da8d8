import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, getCurrentInstance } from 'vue'
import { decodeQuery } from '../../uni_modules/navi-kit/query'
import { NavigationError } from '../../uni_modules/navi-kit/errors'
import { harness, n, SEMANTICS, topPath, type Harness } from '../sim/fixture'
import { mountPages } from '../sim/pages'

let h: Harness
afterEach(() => h?.restore())

/** Resolves to the NavigationError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<NavigationError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(NavigationError)
    return error as NavigationError
  }
  throw new Error('expected a rejection')
}

describe.each(SEMANTICS)('router on %s', (platform) => {
  // uni calls App.vue's own onShow hooks (those on its instance) as the app shows, before the page's: App.vue is no
  // page, and the router's page hooks are not put on it.
  it("App.vue's own onShow (the app back from the background) reads currentRoute as the page on top, its handed query and all", async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    mountPages(h.sim, h.router)
    h.sim.launch('/pages/detail/detail')
    await h.router.push({ path: '/pages/mine/mine', query: { n: 2 } })
    await h.sim.settle()
    const read: unknown[] = []
    const App = defineComponent({
      setup() {
        const instance = getCurrentInstance() as unknown as { ctx: Record<string, unknown>; onShow?: (() => void)[] }
        instance.ctx.$mpType = 'app'
        ;(instance.onShow ??= []).push(() => read.push(h.router.currentRoute.value.query))
        return () => null
      },
    })
    const app = mount(App, { global: { plugins: [h.router] } })
    for (const hook of (app.vm.$ as unknown as { onShow: (() => void)[] }).onShow) hook()
    expect(read).toEqual([{ n: 2 }])
    app.unmount()
  })

  it('push opens a page with navigateTo and resolves to its route', async () => {
    h = harness(platform)
    const route = await h.router.push('/pages/detail/detail')
    expect(h.calls).toEqual(['navigateTo /pages/detail/detail'])
    expect(route).toEqual({ path: '/pages/detail/detail', name: n('detail'), isTab: false, query: {}, fullPath: '/pages/detail/detail' })
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/detail/detail'])
    expect(h.router.currentRoute.value.path).toBe('/pages/detail/detail')
  })

  it('push to a tab page uses switchTab without a query, and the tab reads the query from the handoff', async () => {
    h = harness(platform, { launchUrl: '/pages/detail/detail' })
    const route = await h.router.push({ path: '/pages/mine/mine', query: { from: 'detail', n: 2 } })
    expect(h.calls).toEqual(['switchTab /pages/mine/mine'])
    expect(topPath(h.sim)).toBe('/pages/mine/mine')
    expect(route.isTab).toBe(true)
    const top = h.sim.getCurrentPages()[0]
    expect(top.options).toEqual({})
    expect(h.router.resolve('/pages/mine/mine').query).toEqual({})
    expect(h.router.currentRoute.value.query).toEqual({ from: 'detail', n: 2 })
  })

  it('replace uses redirectTo, or switchTab for a tab; relaunch uses reLaunch', async () => {
    h = harness(platform, { launchUrl: '/pages/detail/detail' })
    await h.router.replace('/pages/user/profile')
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/user/profile'])
    await h.router.replace('/pages/home/home')
    await h.router.push('/pages/detail/detail')
    await h.router.relaunch({ name: n('settings'), query: { a: 'b' } })
    expect(h.calls).toEqual([
      'redirectTo /pages/user/profile',
      'switchTab /pages/home/home',
      'navigateTo /pages/detail/detail',
      'reLaunch /pages/user/settings?a=b',
    ])
    expect(h.sim.getCurrentPages()).toHaveLength(1)
  })

  it('a query written into the path keeps everything after its first ?, another ? inside a value included', async () => {
    h = harness(platform)
    const route = await h.router.push('/pages/detail/detail?redirect=/pages/user/profile?id=42&from=mail')
    expect(route.query).toEqual({ redirect: '/pages/user/profile?id=42', from: 'mail' })
    expect(decodeQuery(h.sim.getCurrentPages()[1].options)).toEqual({ redirect: '/pages/user/profile?id=42', from: 'mail' })
  })

  it("a query key every object has (constructor, toString, __proto__) is invalid: uni-h5's query parser garbles it", async () => {
    h = harness(platform)
    for (const key of ['constructor', 'toString', '__proto__']) {
      const query = JSON.parse(`{"${key}": "x", "id": 1}`) as Record<string, string>
      const error = await failure(h.router.push({ path: '/pages/detail/detail', query }))
      expect(error.code).toBe('invalid')
      expect(error.message).toBe(`query: '${key}' is a name every object has, which uni-h5 cannot carry; rename it`)
    }
    expect(h.calls).toEqual([])
  })

  it('a query member left undefined is in neither the URL nor the route', async () => {
    h = harness(platform)
    const route = await h.router.push({ path: '/pages/detail/detail', query: { id: 1, note: undefined } })
    expect(h.calls).toEqual(['navigateTo /pages/detail/detail?id=1&_nkt=id'])
    expect(Object.keys(route.query)).toEqual(['id'])
    expect(Object.keys(h.router.currentRoute.value.query)).toEqual(['id'])
  })

  it('a plugin page or other URL with a scheme is invalid, saying to call uni for it', async () => {
    h = harness(platform)
    const error = await failure(h.router.push('plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=12'))
    expect(error.code).toBe('invalid')
    expect(error.message).toMatch(/is not a page of pages\.json \(a plugin page or a URL\): call uni\.navigateTo for it$/)
    expect(h.calls).toEqual([])
  })

  it('resolves names: pages.json name, collapsed path, folder path, subpackage', () => {
    h = harness(platform)
    expect(h.router.resolve({ name: n('detail') }).path).toBe('/pages/detail/detail')
    expect(h.router.resolve({ name: n('user/profile') }).path).toBe('/pages/user/profile')
    expect(h.router.resolve({ name: n('settings') }).path).toBe('/pages/user/settings')
    expect(h.router.resolve({ name: n('pkg/report') }).path).toBe('/pkg/pages/report/report')
    expect(h.router.resolve('/pkg/pages/report/report?x=1')).toMatchObject({ path: '/pkg/pages/report/report', name: n('pkg/report') })
  })

  it('resolves paths relative to the current page folder, as uni does', async () => {
    h = harness(platform, { launchUrl: '/pages/user/profile' })
    await h.router.push('settings?tab=2')
    expect(topPath(h.sim)).toBe('/pages/user/settings')
    await h.router.push('../detail/detail')
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
    await h.router.push('./../user/profile')
    expect(topPath(h.sim)).toBe('/pages/user/profile')
  })

  it('rejects an unknown path with not-found naming the closest page, before calling uni', async () => {
    h = harness(platform)
    const error = await failure(h.router.push('/pages/detial/detial'))
    expect(error.code).toBe('not-found')
    expect(error.message).toContain('/pages/detail/detail')
    expect(h.calls).toEqual([])
  })

  it.each([
    ['undefined', undefined, /path/],
    ['a number', 123, /path/],
    ['an unknown name', { name: 'detial' }, /'detail'/],
    ['a function in the query', { path: '/pages/detail/detail', query: { f: () => 1 } }, /query: 'f' holds function; use JSON values/],
    ['a Date in the query', { path: '/pages/detail/detail', query: { d: new Date(0) } }, /query: 'd' holds Date/],
    ['NaN in the query', { path: '/pages/detail/detail', query: { n: NaN } }, /query: 'n' holds NaN/],
    ['a reserved key', { path: '/pages/detail/detail', query: { _nkt: 'x' } }, /reserved/],
  ])('rejects %s with invalid and a message that says what to fix', async (_, to, message) => {
    h = harness(platform)
    const error = await failure(h.router.push(to as never))
    expect(error.code).toBe('invalid')
    expect(error.message).toMatch(message)
    expect(h.calls).toEqual([])
  })

  it('rejects a query with a cycle as invalid', async () => {
    h = harness(platform)
    const loop: Record<string, unknown> = { a: 1 }
    loop.self = { back: loop }
    const error = await failure(h.router.push({ path: '/pages/detail/detail', query: loop as never }))
    expect(error.code).toBe('invalid')
    expect(error.message).toMatch(/^query is not JSON: .*circular/)
  })

  it('keeps uni\'s errMsg when the platform fails', async () => {
    h = harness(platform, { maxStack: 50 })
    for (let i = 0; i < 9; i++) await h.router.push({ path: '/pages/detail/detail', query: { i } })
    const next = h.router.push('/pages/user/profile')
    if (platform === 'h5') {
      await next
      expect(h.sim.getCurrentPages()).toHaveLength(11)
    } else {
      const error = await failure(next)
      expect(error.code).toBe('platform')
      expect(error.errMsg).toBe('navigateTo:fail webview count limit exceed')
      expect(error.message).toContain('webview count limit exceed')
    }
  })

  it('a double tap opens the page once and rejects the second call as duplicated', async () => {
    h = harness(platform)
    const first = h.router.push({ path: '/pages/detail/detail', query: { id: 1 } })
    const second = h.router.push({ path: '/pages/detail/detail', query: { id: 1 } })
    expect((await failure(second)).code).toBe('duplicated')
    await first
    expect(h.calls).toHaveLength(1)
    expect(h.sim.getCurrentPages()).toHaveLength(2)
    // Once settled, the same navigation is allowed again.
    await h.router.push({ path: '/pages/detail/detail', query: { id: 1 } })
    expect(h.sim.getCurrentPages()).toHaveLength(3)
  })

  it('back() goes back; with fewer pages below than asked it relaunches home', async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    await h.router.push('/pages/user/profile')
    await h.router.back()
    await h.sim.settle() // uni-h5 answers before the page leaves
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
    expect(h.router.currentRoute.value.path).toBe('/pages/detail/detail')
    await h.router.back(5)
    expect(h.calls.slice(-1)).toEqual(['reLaunch /pages/home/home'])
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home'])
    expect((await failure(h.router.back(0))).code).toBe('invalid')
  })

  it('a double tap on back() closes one page and rejects the second call as duplicated', async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    await h.router.push('/pages/user/profile')
    const first = h.router.back()
    const second = h.router.back()
    expect((await failure(second)).code).toBe('duplicated')
    await first
    await h.sim.settle()
    expect(h.calls.filter((call) => call.startsWith('navigateBack'))).toEqual(['navigateBack 1'])
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/detail/detail'])
  })

  it('back() resolves once the page has left (uni-h5 pops it on popstate, after it answers); a back() after that goes back again', async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    await h.router.push('/pages/user/profile')
    await h.router.back()
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/detail/detail'])
    await h.router.back()
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home'])
    expect(h.calls.filter((call) => call.startsWith('navigateBack'))).toEqual(['navigateBack 1', 'navigateBack 1'])
  })

  it.each([
    ['after back() resolves', async (h: Harness) => (await h.router.back(), h.router.push('/pages/user/profile'))],
    ['called while back() is still leaving', (h: Harness) => (h.router.back(), h.router.push('/pages/user/profile'))],
  ])('a push %s opens its page on top of the page below', async (_when, backThenPush) => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    await backThenPush(h)
    await h.sim.settle()
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/user/profile'])
    expect(h.router.currentRoute.value.path).toBe('/pages/user/profile')
  })

  it.each([
    ['in its success callback', (h: Harness) => h.sim.uni.navigateBack({ success: () => void h.router.push('/pages/user/profile') })],
    ['right after it', (h: Harness) => (h.sim.uni.navigateBack({}), h.router.push('/pages/user/profile'))],
  ])('a push %s, after a raw uni.navigateBack (page code, <navigator open-type="navigateBack">), opens on top of the page below', async (_when, backThenPush) => {
    h = harness(platform, { withApp: true })
    await h.router.push('/pages/detail/detail')
    await backThenPush(h)
    await new Promise((resolve) => setTimeout(resolve, 20))
    await h.sim.settle()
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/user/profile'])
    expect(h.router.currentRoute.value.path).toBe('/pages/user/profile')
  })

  // uni-h5 asks the page's onBackPress first (an "unsaved changes" prompt); mini programs have no such hook.
  it.runIf(platform === 'h5')('a push from an onBackPress that refuses a raw uni.navigateBack opens at once: no page leaves, none to wait for', async () => {
    h = harness(platform, { withApp: true })
    await h.router.push('/pages/detail/detail')
    await h.sim.settle()
    vi.useFakeTimers()
    try {
      let pushed: Promise<unknown> | undefined
      h.sim.onBackPress = () => ((pushed = h.router.push('/pages/user/profile')), true)
      const refused = Promise.resolve(h.sim.uni.navigateBack({})).catch((answer: unknown) => answer)
      // Well inside the second a back waits for its page to leave.
      await vi.advanceTimersByTimeAsync(100)
      expect(await refused).toEqual({ errMsg: 'navigateBack:fail onBackPress' })
      expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/detail/detail', 'pages/user/profile'])
      await expect(pushed).resolves.toMatchObject({ path: '/pages/user/profile' })
    } finally {
      vi.useRealTimers()
    }
  })

  it.runIf(platform === 'h5')("back() that the page's onBackPress refuses rejects aborted, as a guard's no, and the page stays", async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    h.sim.onBackPress = () => true
    const error = await failure(h.router.back())
    expect(error.code).toBe('aborted')
    expect(error.message).toContain('onBackPress')
    expect(error.errMsg).toBe('navigateBack:fail onBackPress')
    await h.sim.settle()
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
    expect(h.router.currentRoute.value.path).toBe('/pages/detail/detail')
  })

  it('back() started while a push is still on its way: currentRoute ends on the page the app shows', async () => {
    h = harness(platform)
    await h.router.push('/pages/user/profile')
    const outcomes = await Promise.allSettled([h.router.push('/pages/detail/detail'), h.router.back()])
    await h.sim.settle()
    if (platform === 'h5') {
      // uni-h5: the push still loads its page's code, and back() supersedes it.
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled'])
      expect(topPath(h.sim)).toBe('/pages/home/home')
    } else {
      // WeChat: the push lands first and back() closes it, so the page shown is profile, not the one below at the tap.
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled'])
      expect(topPath(h.sim)).toBe('/pages/user/profile')
    }
    expect(h.router.currentRoute.value.path).toBe(topPath(h.sim))
  })

  it('back() to a page outside pages.json still goes back', async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    // A page the router does not know (a plugin's page, say) sits below.
    h.sim.getCurrentPages()[0].route = 'plugin/some/page'
    await h.router.back()
    await h.sim.settle()
    expect(h.calls.slice(-1)).toEqual(['navigateBack 1'])
    expect(h.sim.getCurrentPages()).toHaveLength(1)
  })

  it('back() with a delta that is not a whole number rejects invalid and goes nowhere', async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    await h.router.push('/pages/user/profile')
    for (const delta of [1.5, NaN, Infinity]) {
      const error = await failure(h.router.back(delta))
      expect(error.code).toBe('invalid')
      expect(error.message).toContain('whole number')
    }
    expect(h.calls).toEqual(['navigateTo /pages/detail/detail', 'navigateTo /pages/user/profile'])
  })

  it('relaunch to a tab page sends no query (uni: a tab page takes none) and the tab still reads it', async () => {
    h = harness(platform, { launchUrl: '/pages/detail/detail' })
    await h.router.relaunch({ path: '/pages/mine/mine', query: { a: 1, b: 'x' } })
    expect(h.calls).toEqual(['reLaunch /pages/mine/mine'])
    expect(h.router.currentRoute.value.query).toEqual({ a: 1, b: 'x' })
  })

  it('back() on a page opened from a share card relaunches home (or the configured home)', async () => {
    h = harness(platform, { launchUrl: '/pages/detail/detail', home: '/pages/mine/mine' })
    await h.router.back()
    expect(h.calls).toEqual(['reLaunch /pages/mine/mine'])
    expect(topPath(h.sim)).toBe('/pages/mine/mine')
  })

  it("back() with nothing below relaunches the configured home with its query", async () => {
    h = harness(platform, { launchUrl: '/pages/detail/detail', home: '/pages/user/profile?tab=2' })
    await h.router.back()
    expect(h.calls).toEqual(['reLaunch /pages/user/profile?tab=2'])
    expect(h.router.currentRoute.value.query).toEqual({ tab: '2' })
  })

  it('round-trips a typed query to the target page\'s options', async () => {
    h = harness(platform)
    const query = { id: 42, ok: true, tags: ['a'], note: '42', nil: null, text: 'a b&c=d?e#f%g+h 中文😀', deep: { x: [1, { y: '%' }] } }
    await h.router.push({ path: '/pages/detail/detail', query })
    const top = h.sim.getCurrentPages().slice(-1)[0]
    expect(decodeQuery(top.options)).toEqual(query)
    expect(h.router.currentRoute.value.query).toEqual(query)
    // Plain strings stay readable in the URL.
    expect(h.calls[0]).toContain('note=42')
    expect(h.calls[0]).toContain('_nkt=id,ok,tags,nil,deep')
  })

  it('an external link reads as strings', () => {
    h = harness(platform, { launchUrl: '/pages/detail/detail?id=42&name=abc' })
    expect(decodeQuery(h.sim.getCurrentPages()[0].options)).toEqual({ id: '42', name: 'abc' })
  })

  it('a payload longer than queryLimit travels beside the URL', async () => {
    h = harness(platform, { queryLimit: 64 })
    const query = { text: 'x'.repeat(200), n: 1 }
    await h.router.push({ path: '/pages/detail/detail', query })
    expect(h.calls[0]).toMatch(/^navigateTo \/pages\/detail\/detail\?_nkh=\w+$/)
    expect(decodeQuery(h.sim.getCurrentPages()[1].options)).toEqual(query)
    await h.router.push({ path: '/pages/user/profile', query: { short: 1 } })
    expect(h.calls[1]).toBe('navigateTo /pages/user/profile?short=1&_nkt=short')
  })

  it('an oversize payload is the query as pushed: the caller editing its objects afterwards changes nothing the page reads', async () => {
    h = harness(platform, { queryLimit: 64 })
    const form = { tags: ['a'], text: 'x'.repeat(200) }
    await h.router.push({ path: '/pages/detail/detail', query: form })
    // The caller goes on with its form (say, clears it for the next entry).
    form.tags.push('b')
    const page = h.sim.getCurrentPages()[1]
    expect(decodeQuery(page.options)).toEqual({ tags: ['a'], text: 'x'.repeat(200) })
    expect(h.router.currentRoute.value.query).toEqual({ tags: ['a'], text: 'x'.repeat(200) })
  })

  it("an open page keeps its oversize payload however many others come and go after it", async () => {
    h = harness(platform, { queryLimit: 64 })
    const big = { blob: 'x'.repeat(200) }
    await h.router.push({ path: '/pages/user/profile', query: big })
    for (let round = 0; round < 25; round++) {
      await h.router.push({ path: '/pages/user/settings', query: { blob: 'y'.repeat(200), round } })
      await h.router.back()
      await h.sim.settle()
    }
    expect(topPath(h.sim)).toBe('/pages/user/profile')
    expect(decodeQuery(h.sim.getCurrentPages()[1].options)).toEqual(big)
    expect(h.router.currentRoute.value.query).toEqual(big)
  })

  it('queryLimit counts the encoded query without its ?: exactly the limit stays in the URL', async () => {
    h = harness(platform, { queryLimit: 8 })
    await h.router.push({ path: '/pages/detail/detail', query: { a: '123456' } }) // a=123456: 8 characters
    await h.router.push({ path: '/pages/user/profile', query: { a: '1234567' } })
    expect(h.calls[0]).toBe('navigateTo /pages/detail/detail?a=123456')
    expect(h.calls[1]).toMatch(/^navigateTo \/pages\/user\/profile\?_nkh=\w+$/)
  })
})

describe.each(SEMANTICS)('stack policy on %s', (platform) => {
  const fill = async (h: Harness) => {
    for (let i = 1; i < 10; i++) await h.router.push({ path: '/pages/detail/detail', query: { i } })
    expect(h.sim.getCurrentPages()).toHaveLength(10)
  }

  it(`'redirect' (default) ${platform === 'h5' ? 'does not apply: no limit on H5' : 'replaces the top page when 10 are open'}`, async () => {
    h = harness(platform)
    await fill(h)
    await h.router.push('/pages/user/profile')
    expect(h.calls.slice(-1)[0]).toBe(platform === 'h5' ? 'navigateTo /pages/user/profile' : 'redirectTo /pages/user/profile')
    expect(h.sim.getCurrentPages()).toHaveLength(platform === 'h5' ? 11 : 10)
    expect(topPath(h.sim)).toBe('/pages/user/profile')
  })

  it("'relaunch' and 'error' on a full stack", async () => {
    h = harness(platform, { onStackFull: 'relaunch', maxStack: 10 })
    await fill(h)
    await h.router.push('/pages/user/profile')
    expect(h.sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/user/profile'])
    h.restore()
    h = harness(platform, { onStackFull: 'error', maxStack: 10 })
    await fill(h)
    const error = await failure(h.router.push('/pages/user/profile'))
    expect(error.code).toBe('stack-full')
    expect(error.message).toMatch(/replace\(\)/)
    expect(h.sim.getCurrentPages()).toHaveLength(10)
  })
})

describe('stack policy with pushes on their way', () => {
  it('on H5 (maxStack set) a push whose page uni-h5 lists already is counted once', async () => {
    h = harness('h5', { maxStack: 3 })
    // Both pages opened once, so their code is loaded and neither push supersedes the other while it loads.
    for (const path of ['/pages/detail/detail', '/pages/user/profile']) {
      await h.router.push(path)
      await h.router.back()
    }
    await h.sim.settle()
    await Promise.all([h.router.push('/pages/detail/detail'), h.router.push('/pages/user/profile')])
    expect(h.calls.slice(-2)).toEqual(['navigateTo /pages/detail/detail', 'navigateTo /pages/user/profile'])
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/detail/detail', 'pages/user/profile'])
  })
})

// On H5 the second push supersedes the first while its page's code loads: WeChat's case only.
describe('stack policy on mp-weixin', () => {
  /** 9 pages open (home and 8 details), each page's onLoad handed to `onLoad`. */
  async function nineOpen(onLoad: (route: string, options: Record<string, string | undefined>) => void) {
    h = harness('mp-weixin', { withApp: true })
    mountPages(h.sim, h.router, { onLoad: (route, options) => onLoad(route, options as Record<string, string | undefined>) })
    h.sim.launch('/pages/home/home')
    for (let i = 1; i < 9; i++) await h.router.push({ path: '/pages/detail/detail', query: { i } })
  }

  it("a push from the 9th page's own onLoad opens the 10th: the push that opened the 9th is no longer on its way", async () => {
    let pushed: Promise<unknown> | undefined
    // "Open the next step at once": a wizard's step 9 sends the user on to step 10 as it loads.
    await nineOpen((route, options) => {
      if (route === 'pages/detail/detail' && options.i === '8') pushed ??= h.router.push('/pages/user/profile')
    })
    await pushed
    await h.sim.settle()
    expect(h.calls.slice(-1)).toEqual(['navigateTo /pages/user/profile'])
    expect(h.sim.getCurrentPages().map((page) => `${page.route} ${page.options.i ?? ''}`).slice(-2)).toEqual(['pages/detail/detail 8', 'pages/user/profile '])
    expect(h.sim.getCurrentPages()).toHaveLength(10)
  })

  it("a replace and a push to the same page made together at 9 pages: the page the replace opens loads first, and is not the push's (a push from its onLoad redirects)", async () => {
    let pushed: Promise<unknown> | undefined
    await nineOpen((route, options) => {
      if (route === 'pages/user/settings' && options.step === 'a') pushed ??= h.router.push('/pages/user/profile')
    })
    // WeChat carries them out in order: the replace's page loads while the push's has yet to join the stack.
    await Promise.all([h.router.replace('/pages/user/settings?step=a'), h.router.push('/pages/user/settings?step=b')])
    await h.sim.settle()
    // 9 pages and the push on its way: a navigateTo would fail (webview count limit exceed).
    await expect(pushed).resolves.toMatchObject({ path: '/pages/user/profile' })
    expect(h.calls.slice(-1)).toEqual(['redirectTo /pages/user/profile'])
    expect(h.sim.getCurrentPages().map((page) => page.route).slice(-2)).toEqual(['pages/user/settings', 'pages/user/profile'])
    expect(h.sim.getCurrentPages()).toHaveLength(10)
  })

  it('counts a push whose page has not joined the stack yet: two pushes started together at 9 pages', async () => {
    h = harness('mp-weixin')
    for (let i = 1; i < 9; i++) await h.router.push({ path: '/pages/detail/detail', query: { i } })
    expect(h.sim.getCurrentPages()).toHaveLength(9)
    // Two buttons tapped in one go: WeChat lists the first page only once it has routed.
    const both = await Promise.allSettled([h.router.push('/pages/user/profile'), h.router.push({ name: n('settings') })])
    expect(both.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled'])
    expect(h.calls.slice(-2)).toEqual(['navigateTo /pages/user/profile', 'redirectTo /pages/user/settings'])
    expect(h.sim.getCurrentPages()).toHaveLength(10)
    expect(topPath(h.sim)).toBe('/pages/user/settings')
  })

  it.each(['router.back()', 'a raw uni.navigateBack()'])(
    'at 10 pages, %s and a push right after it (nothing awaited): the push opens above the page the back shows',
    async (how) => {
      h = harness('mp-weixin', { withApp: true })
      for (let i = 1; i < 10; i++) await h.router.push({ path: '/pages/detail/detail', query: { i: String(i) } })
      expect(h.sim.getCurrentPages()).toHaveLength(10)
      // "Save, close, open the next thing", as the demo's raw calls page writes it.
      if (how === 'router.back()') void h.router.back()
      else h.sim.uni.navigateBack({})
      await h.router.push('/pages/user/profile')
      await h.sim.settle()
      // WeChat carries them out in order: a redirectTo decided at 10 pages would replace the page the back showed.
      expect(h.calls.slice(-1)).toEqual(['navigateTo /pages/user/profile'])
      const stack = h.sim.getCurrentPages()
      expect(stack.slice(-2).map((page) => `${page.route} ${page.options.i ?? ''}`)).toEqual(['pages/detail/detail 8', 'pages/user/profile '])
      expect(stack).toHaveLength(10)
    },
  )
})

describe('currentRoute without an app', () => {
  it('starts at home and follows navigations', async () => {
    h = harness('mp-weixin')
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/home/home', name: 'home', isTab: true })
    await h.router.push({ name: n('detail'), query: { id: 7 } })
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/detail/detail', query: { id: 7 } })
    expect(h.router.currentRoute.value.fullPath).toBe('/pages/detail/detail?id=7&_nkt=id')
  })
})

// The App as uni-app-plus runs it (read in its source; no device here): the page is handed the query text as written,
// back pops before it answers, and a back the page's onBackPress refuses is answered ok.
describe('router on the App', () => {
  it('a typed query reaches the page, which uni hands the text as written, and currentRoute', async () => {
    h = harness('app', { withApp: true })
    const query = { id: 42, ok: true, text: 'a b&c=d?e#f%g+h 中文😀' }
    await h.router.push({ name: n('detail'), query })
    // The App lists page vms whose options sit in $page only.
    const page = h.sim.getCurrentPages().at(-1)!
    expect(page.options).toBeUndefined()
    expect(page.$page.options?.text).toBe(encodeURIComponent(query.text))
    expect(decodeQuery(page.$page.options)).toEqual(query)
    expect(h.router.currentRoute.value.query).toEqual(query)
  })

  it("a guard's from holds the query of the page the navigation leaves, and a raw call's route the query its page reads", async () => {
    h = harness('app', { withApp: true })
    const froms: unknown[] = []
    h.router.beforeEach((_to, from) => void froms.push(from.query))
    h.sim.uni.navigateTo({ url: '/pages/detail/detail?id=7&q=a%20b' })
    await new Promise((resolve) => setTimeout(resolve, 5))
    await h.sim.settle()
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/detail/detail', query: { id: '7', q: 'a b' } })
    await h.router.push('/pages/user/profile')
    expect(froms).toEqual([{}, { id: '7', q: 'a b' }])
  })

  it('a tab page gets its query by the handoff (switchTab takes none), and the stack has no limit of its own', async () => {
    h = harness('app', { launchUrl: '/pages/detail/detail' })
    await h.router.push({ path: '/pages/mine/mine', query: { from: 'detail', n: 2 } })
    expect(h.calls).toEqual(['switchTab /pages/mine/mine'])
    expect(h.router.currentRoute.value.query).toEqual({ from: 'detail', n: 2 })
    for (let i = 0; i < 11; i++) await h.router.push({ name: n('detail'), query: { i } })
    expect(h.sim.getCurrentPages()).toHaveLength(12)
    expect(h.calls.filter((call) => call.startsWith('redirectTo'))).toEqual([])
  })

  it('back() resolves once the page is gone, and a back the page refuses in onBackPress resolves with the page still there', async () => {
    h = harness('app')
    await h.router.push('/pages/detail/detail')
    await h.router.back()
    expect(topPath(h.sim)).toBe('/pages/home/home')
    expect(h.router.currentRoute.value.path).toBe('/pages/home/home')
    await h.router.push('/pages/detail/detail')
    h.sim.onBackPress = () => true
    await h.router.back()
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
    expect(h.router.currentRoute.value.path).toBe('/pages/detail/detail')
  })

  it("a page whose own data holds `options` (a picker's, say) still reads its query: the App lists the page vm itself", async () => {
    h = harness('app', { withApp: true })
    // Set once the page's data is (before its onLoad): the App's getCurrentPages() hands out the vm, members and all.
    h.sim.onPage = (event) => void (event === 'load' && Object.assign(h.sim.getCurrentPages().at(-1)!, { options: [{ label: 'A', value: 1 }] }))
    h.sim.uni.navigateTo({ url: '/pages/detail/detail?id=7' })
    await new Promise((resolve) => setTimeout(resolve, 5))
    await h.sim.settle()
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/detail/detail', query: { id: '7' } })
  })

  it('a tap on the tab bar on the tab on screen keeps the query the tab page was handed (the App calls switchTab for it too)', async () => {
    h = harness('app', { launchUrl: '/pages/detail/detail', withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    await h.router.push({ path: '/pages/mine/mine', query: { from: 'detail' } })
    h.sim.tapTabBar('/pages/mine/mine')
    await new Promise((resolve) => setTimeout(resolve, 5))
    await h.sim.settle()
    expect(h.calls).toEqual(['switchTab /pages/mine/mine', 'switchTab /pages/mine/mine'])
    expect(seenOf(h.sim.getCurrentPages()[0]).route.query).toEqual({ from: 'detail' })
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/mine/mine', query: { from: 'detail' } })
  })

  it('navigations asked for together all open, in order, and each resolves (uni-app-plus drops one asked for while another waits its turn)', async () => {
    h = harness('app')
    const pushes = Promise.allSettled([h.router.push('/pages/detail/detail'), h.router.push('/pages/user/profile'), h.router.push({ name: n('settings') })])
    const outcome = await Promise.race([pushes, new Promise((resolve) => setTimeout(resolve, 1000, 'no answer'))])
    expect(outcome).toEqual([{ status: 'fulfilled', value: expect.anything() }, { status: 'fulfilled', value: expect.anything() }, { status: 'fulfilled', value: expect.anything() }])
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/detail/detail', 'pages/user/profile', 'pages/user/settings'])
    expect(h.router.currentRoute.value.path).toBe('/pages/user/settings')
    // And the page is not left claimed: the next push there opens it.
    await h.router.back()
    await h.router.push({ name: n('settings') })
    expect(topPath(h.sim)).toBe('/pages/user/settings')
  })

  it('the page the App was opened on (a scheme, a push) has the route its onLoad reads: uni-app-plus decoded that query once', async () => {
    h = harness('app', { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    // A web-view page handed a link with an encoded query of its own.
    const page = h.sim.launch('/pages/detail/detail?url=https%3A%2F%2Fx.cn%2Fs%3Fq%3Da%2520b&id=7')
    const query = { url: 'https://x.cn/s?q=a%20b', id: '7' }
    expect(page.$page.options).toEqual(query)
    expect(seenOf(page).route.query).toEqual(query)
    expect(h.router.currentRoute.value.query).toEqual(query)
    // The pages opened after it read theirs as written, as ever.
    await h.router.push({ path: '/pages/user/profile', query: { q: 'a%20b' } })
    expect(seenOf(h.sim.getCurrentPages()[1]).route.query).toEqual({ q: 'a%20b' })
  })

  it('never calls uni.preloadPage: uni-app-plus preloads an nvue page only, setting it up there and then', async () => {
    h = harness('app', { withApp: true })
    const preloads: string[] = []
    const preload = h.sim.uni.preloadPage
    h.sim.uni.preloadPage = (options) => (preloads.push(String(options.url)), preload(options))
    await h.router.push('/pages/detail/detail')
    await h.router.replace('/pages/user/profile')
    await h.router.push('/pages/mine/mine')
    await h.router.relaunch({ name: n('settings') })
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/user/settings'])
    expect(preloads).toEqual([])
  })

  it("an nvue page the app preloads (uni.preloadPage: its onLoad runs, it is not shown) is not where the app is; once opened it is", async () => {
    h = harness('app', { withApp: true, nvue: ['/pages/detail/detail'] })
    const read: string[] = []
    const note = (hook: string) => (route: string) => read.push(`${hook} ${route}: ${h.router.currentRoute.value.path}`)
    mountPages(h.sim, h.router, { onLoad: note('onLoad'), onShow: note('onShow') })
    h.sim.launch('/pages/home/home')
    await h.router.push('/pages/user/profile')
    // The profile page preloads the page it leads to, as uni's docs advise for an nvue page.
    h.sim.uni.preloadPage({ url: '/pages/detail/detail' })
    await h.sim.settle()
    // Set up, not shown: its own onLoad reads the page the app is on.
    expect(read.slice(-1)).toEqual(['onLoad pages/detail/detail: /pages/user/profile'])
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/user/profile'])
    expect(h.router.currentRoute.value.path).toBe('/pages/user/profile')
    // Opened, it shows (no second onLoad).
    await h.router.push('/pages/detail/detail')
    expect(read.slice(-1)).toEqual(['onShow pages/detail/detail: /pages/detail/detail'])
    expect(h.router.currentRoute.value.path).toBe('/pages/detail/detail')
  })
})
