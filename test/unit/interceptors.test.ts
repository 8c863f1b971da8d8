import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from 'vue'
import type { NavigationError } from '../../uni_modules/navi-kit/errors'
import { LEAVE_MS } from '../../uni_modules/navi-kit/limits'
import { decodeQuery } from '../../uni_modules/navi-kit/query'
import type { UniCallbackResult } from '../../uni_modules/navi-kit/platform'
import { harness, n, SEMANTICS, topPath, type Harness } from '../sim/fixture'
import { mountPages } from '../sim/pages'
import type { SimEventChannel } from '../sim/uni-simulator'

let h: Harness
afterEach(() => h?.restore())

/** A raw uni call with callbacks, as page code or H5 <navigator> makes it. */
function raw(h: Harness, method: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch', url: string) {
  const heard: string[] = []
  const note = (name: string) => (result: UniCallbackResult) => void heard.push(`${name} ${result.errMsg}`)
  h.sim.uni[method]({ url, success: note('success'), fail: note('fail'), complete: note('complete') })
  return heard
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms))
/** Until the raw call has gone through the router and uni has answered. */
const settled = async (h: Harness) => {
  await tick(5)
  await h.sim.settle()
  await tick()
}

/** The unhandled rejections `run` leaves (heard until a little after it ends). */
async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = []
  const hear = (reason: unknown) => void unhandled.push(reason)
  process.on('unhandledRejection', hear)
  try {
    await run()
    await tick(20)
  } finally {
    process.off('unhandledRejection', hear)
  }
  return unhandled
}

/** A navigation's outcome: 'ok', or its error's code. */
const outcome = (navigation: Promise<unknown>) => navigation.then(() => 'ok', (e: NavigationError) => e.code)

/** Pushes `path` and lets uni settle. */
async function pushAndSettle(h: Harness, path: string): Promise<void> {
  await h.router.push(path)
  await h.sim.settle()
}

/** What a `<navigator open-type="navigateBack">` tap (uni.navigateBack without callbacks) leaves unhandled. */
const unhandledByNavigatorBack = (h: Harness) =>
  unhandledDuring(async () => {
    h.sim.uni.navigateBack({})
    await h.sim.settle()
  })

/** Opens detail, then profile, by raw calls: three pages. */
async function openDetailThenProfile(h: Harness): Promise<void> {
  for (const url of ['/pages/detail/detail', '/pages/user/profile']) {
    h.sim.uni.navigateTo({ url, success() {} })
    await h.sim.settle()
  }
}

/** A navigation by each uni method, and where it lands from profile (above home). */
const AFTER_REMOVAL = [
  ['navigateTo', (h: Harness) => h.router.push('/pages/detail/detail'), '/pages/detail/detail'],
  ['redirectTo', (h: Harness) => h.router.replace('/pages/detail/detail'), '/pages/detail/detail'],
  ['reLaunch', (h: Harness) => h.router.relaunch('/pages/detail/detail'), '/pages/detail/detail'],
  ['switchTab', (h: Harness) => h.router.push('/pages/mine/mine'), '/pages/mine/mine'],
  ['navigateBack', (h: Harness) => h.router.back(), '/pages/home/home'],
] as const

/** After `uni.removeInterceptor(method)`, `navigate` resolves and lands on `lands`. */
async function expectGoesAheadAfterRemoval(platform: Parameters<typeof harness>[0], method: string, navigate: (h: Harness) => Promise<unknown>, lands: string) {
  h = harness(platform, { withApp: true })
  await pushAndSettle(h, '/pages/user/profile')
  h.sim.uni.removeInterceptor(method)
  expect(await outcome(navigate(h))).toBe('ok')
  await h.sim.settle()
  expect(topPath(h.sim)).toBe(lands)
}

describe.each(SEMANTICS)('raw uni calls after app.use(router) on %s', (platform) => {
  it('pass the guards: a guard that says no keeps the page closed and stays silent, like a cancelling interceptor', async () => {
    h = harness(platform, { withApp: true })
    const seen: string[] = []
    h.router.beforeEach((to, from) => {
      seen.push(`${from.path} → ${to.fullPath}`)
      return false
    })
    const heard = raw(h, 'navigateTo', '/pages/detail/detail?id=1')
    await tick(5)
    await h.sim.settle()
    expect(seen).toEqual(['/pages/home/home → /pages/detail/detail?id=1'])
    expect(h.calls).toEqual([])
    expect(heard).toEqual([])
    expect(h.sim.getCurrentPages()).toHaveLength(1)
  })

  it('are cancelled synchronously and re-issued once after an async guard, with callbacks answered', async () => {
    h = harness(platform, { withApp: true })
    h.router.beforeEach(() => tick(5).then(() => true))
    const heard = raw(h, 'navigateTo', '/pages/detail/detail?id=1')
    expect(h.calls).toEqual([]) // nothing reached uni while the guard was thinking
    await tick(10)
    await h.sim.settle()
    await tick()
    expect(h.calls).toEqual(['navigateTo /pages/detail/detail?id=1'])
    expect(heard).toEqual(['success navigateTo:ok', 'complete navigateTo:ok'])
    expect(decodeQuery(h.sim.getCurrentPages()[1].options)).toEqual({ id: '1' })
  })

  it('carry out a raw switchTab to a page that is not a tab page as a push, answered as the switchTab it was', async () => {
    h = harness(platform, { withApp: true })
    const heard = raw(h, 'switchTab', '/pages/detail/detail')
    await tick(5)
    await h.sim.settle()
    await tick()
    expect(h.calls).toEqual(['navigateTo /pages/detail/detail'])
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
    expect(heard).toEqual(['success switchTab:ok', 'complete switchTab:ok'])
  })

  it('follow a guard redirect', async () => {
    h = harness(platform, { withApp: true })
    h.router.beforeEach((to) => (to.name === n('settings') ? { name: n('user/profile') } : true))
    raw(h, 'redirectTo', '/pages/user/settings')
    await tick(5)
    await h.sim.settle()
    expect(h.calls).toEqual(['redirectTo /pages/user/profile'])
    expect(topPath(h.sim)).toBe('/pages/user/profile')
  })

  it('answer fail with an errMsg for a page that does not exist', async () => {
    h = harness(platform, { withApp: true })
    const heard = raw(h, 'navigateTo', '/pages/nope/nope')
    await tick(5)
    expect(heard).toHaveLength(2)
    expect(heard[0]).toMatch(/^fail navigateTo:fail .*not in pages\.json/)
    expect(h.calls).toEqual([])
  })

  it('keep uni\'s own errMsg when uni fails the re-issued call', async () => {
    h = harness(platform, { withApp: true, maxStack: 99 })
    for (let i = 0; i < 9; i++) await h.router.push({ path: '/pages/detail/detail', query: { i } })
    const heard = raw(h, 'navigateTo', '/pages/user/profile')
    await tick(5)
    await h.sim.settle()
    await tick()
    expect(heard[0]).toBe(platform === 'h5' ? 'success navigateTo:ok' : 'fail navigateTo:fail webview count limit exceed')
  })

  it('a raw switchTab with a query reaches the tab through the handoff', async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    const heard = raw(h, 'switchTab', '/pages/mine/mine?from=raw')
    await tick(5)
    await h.sim.settle()
    await tick()
    expect(heard[0]).toBe('success switchTab:ok')
    expect(h.calls).toEqual(['switchTab /pages/mine/mine'])
    expect(h.router.currentRoute.value.query).toEqual({ from: 'raw' })
  })

  it("a raw switchTab to '/' (uni-h5's tab bar, for the entry page) reaches the first page", async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/mine/mine' })
    const heard = raw(h, 'switchTab', '/')
    await tick(5)
    await h.sim.settle()
    await tick()
    expect(heard[0]).toBe('success switchTab:ok')
    expect(h.calls).toEqual(['switchTab /pages/home/home'])
  })

  it('a raw reLaunch runs the guards too, and the Promise form resolves', async () => {
    h = harness(platform, { withApp: true })
    let guarded = 0
    h.router.beforeEach(() => void guarded++)
    const promise = h.sim.uni.reLaunch({ url: '/pages/detail/detail' }) as Promise<UniCallbackResult>
    await expect(promise).resolves.toMatchObject({ errMsg: 'reLaunch:ok' })
    expect(guarded).toBe(1)
    expect(h.calls).toEqual(['reLaunch /pages/detail/detail'])
  })

  /** The onLoad options a raw navigateTo to `url` delivers, with or without app.use(router). */
  async function optionsOf(withApp: boolean, url: string, queryLimit?: number) {
    const run = harness(platform, { withApp, queryLimit })
    try {
      run.router.beforeEach(() => true)
      const heard = raw(run, 'navigateTo', url)
      await tick(5)
      await run.sim.settle()
      await tick()
      expect(heard[0]).toBe('success navigateTo:ok')
      return { options: run.sim.getCurrentPages()[1].options, calls: run.calls }
    } finally {
      run.restore()
    }
  }

  it("re-issue the caller's own query text: onLoad gets what it gets without the router", async () => {
    const url = '/pages/detail/detail?name=张三&q=a+b&p=100%&e=%E4%B8%AD'
    const plain = await optionsOf(false, url)
    const routed = await optionsOf(true, url)
    expect(routed.calls).toEqual([`navigateTo ${url}`])
    expect(routed.options).toEqual(plain.options)
  })

  it('on a full stack a raw navigateTo with events stays a navigateTo (only it gives an eventChannel); one without follows onStackFull', async () => {
    h = harness(platform, { withApp: true, maxStack: 10 }) // a mini program's default; H5 has no limit of its own
    for (let i = 1; i < 10; i++) await h.router.push({ name: n('detail'), query: { i } })
    const answers: UniCallbackResult[] = []
    h.sim.uni.navigateTo({
      url: '/pages/user/profile?via=events',
      events: { picked: () => {} },
      success: (result: UniCallbackResult) => void answers.push(result),
      fail: (result: UniCallbackResult) => void answers.push(result),
    })
    await tick(5)
    await h.sim.settle()
    await tick()
    expect(h.calls.at(-1)).toBe('navigateTo /pages/user/profile?via=events')
    if (platform === 'mp-weixin') {
      // What the caller hears without the router: WeChat's own refusal.
      expect(answers).toEqual([{ errMsg: 'navigateTo:fail webview count limit exceed' }])
      expect(h.sim.getCurrentPages()).toHaveLength(10)
    } else {
      expect(answers[0]).toMatchObject({ errMsg: 'navigateTo:ok', eventChannel: expect.anything() })
      expect(h.sim.getCurrentPages()).toHaveLength(11)
    }
    // A <navigator> tap (or any call without events): the stack policy applies.
    const depth = h.sim.getCurrentPages().length
    h.sim.uni.navigateTo({ url: '/pages/user/settings' })
    await tick(5)
    await h.sim.settle()
    await tick()
    expect(h.calls.at(-1)).toBe('redirectTo /pages/user/settings')
    expect(h.sim.getCurrentPages()).toHaveLength(depth)
  })

  it.each([
    ["'+', a repeated key, a bare flag: uni-h5 parses them its way", '/pages/detail/detail?q=C++&a=1&a=2&flag'],
    ['to a tab page, carried out as switchTab: the query goes by the handoff', '/pages/mine/mine?tab=orders'],
  ])('after a raw navigateTo (%s) the current route is the query its page reads', async (_case, url) => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    const heard = raw(h, 'navigateTo', url)
    await settled(h)
    expect(heard[0]).toBe('success navigateTo:ok')
    const page = h.sim.getCurrentPages().at(-1)!
    expect(h.router.currentRoute.value.path).toBe('/' + page.route)
    expect(Object.keys(seenOf(page).route.query).length).toBeGreaterThan(0)
    expect(h.router.currentRoute.value.query).toEqual(seenOf(page).route.query)
  })

  it('after a raw reLaunch to a tab page with a query, the page and the current route read the URL as uni parsed it', async () => {
    h = harness(platform, { withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    const heard = raw(h, 'reLaunch', '/pages/mine/mine?q=C++&tab=orders')
    await settled(h)
    expect(heard[0]).toBe('success reLaunch:ok')
    const page = h.sim.getCurrentPages().at(-1)!
    // uni-h5 reads '+' as a space; WeChat hands the raw text.
    expect(decodeQuery(page.options)).toEqual({ q: platform === 'h5' ? 'C  ' : 'C++', tab: 'orders' })
    expect(seenOf(page).route.query).toEqual(decodeQuery(page.options))
    expect(h.router.currentRoute.value.query).toEqual(decodeQuery(page.options))
  })

  it("keep a long query in the URL as uni's own pattern writes it (no handoff id), so decodeURIComponent + JSON.parse still reads it", async () => {
    const item = { id: 7, note: 'x'.repeat(1500), tags: ['a&b', '中文'] }
    const url = '/pages/detail/detail?item=' + encodeURIComponent(JSON.stringify(item))
    const routed = await optionsOf(true, url)
    expect(routed.calls).toEqual([`navigateTo ${url}`])
    expect(routed.options).toEqual((await optionsOf(false, url)).options)
    // uni's documented reading: mini programs hand the raw text, H5 the decoded text.
    const text = routed.options.item
    expect(JSON.parse(platform === 'h5' ? text : decodeURIComponent(text))).toEqual(item)
  })

  it('a raw reLaunch to a tab page keeps its query, as uni delivers it without the router', async () => {
    const url = '/pages/mine/mine?from=share&id=7'
    const optionsAfter = async (withApp: boolean) => {
      const run = harness(platform, { withApp, launchUrl: '/pages/detail/detail' })
      try {
        run.sim.uni.reLaunch({ url })
        await tick(5)
        await run.sim.settle()
        return { calls: run.calls, options: run.sim.getCurrentPages()[0].options }
      } finally {
        run.restore()
      }
    }
    const plain = await optionsAfter(false)
    const routed = await optionsAfter(true)
    expect(routed.calls).toEqual([`reLaunch ${url}`])
    expect(routed.options).toEqual(plain.options)
  })

  it("hand uni's success result (a navigateTo's eventChannel) back to the caller", async () => {
    h = harness(platform, { withApp: true })
    const results: UniCallbackResult[] = []
    h.sim.uni.navigateTo({
      url: '/pages/detail/detail',
      success: (result: UniCallbackResult) => {
        results.push(result)
        ;(result.eventChannel as SimEventChannel).emit('fromOpener', { id: 1 })
      },
    })
    await tick(5)
    await h.sim.settle()
    await tick()
    expect(results).toHaveLength(1)
    expect(results[0].errMsg).toBe('navigateTo:ok')
    expect((results[0].eventChannel as SimEventChannel).emitted).toEqual([['fromOpener', [{ id: 1 }]]])
  })

  it('a WeChat plugin page (plugin-private://, plugin://) goes to uni untouched, past the guards', async () => {
    h = harness(platform, { withApp: true })
    const seen: string[] = []
    h.router.beforeEach((to) => void seen.push(to.fullPath))
    const live = 'plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=12'
    raw(h, 'navigateTo', live)
    raw(h, 'redirectTo', 'plugin://myPlugin/hello-page')
    await tick(5)
    await h.sim.settle()
    expect(h.calls).toEqual([`navigateTo ${live}`, 'redirectTo plugin://myPlugin/hello-page'])
    expect(seen).toEqual([])
  })

  it("an interceptor the app adds after app.use(router) runs once per raw call, on the router's re-issue (as the README says)", async () => {
    h = harness(platform, { withApp: true })
    const seen: string[] = []
    h.sim.uni.addInterceptor('navigateTo', {
      invoke(options) {
        seen.push(String(options.url))
        options.url += '&from=app'
      },
    })
    const heard = raw(h, 'navigateTo', '/pages/detail/detail?id=1')
    await tick(5)
    await h.sim.settle()
    await tick()
    expect(heard[0]).toBe('success navigateTo:ok')
    expect(seen).toEqual(['/pages/detail/detail?id=1'])
    expect(decodeQuery(h.sim.getCurrentPages()[1].options)).toEqual({ id: '1', from: 'app' })
  })

  it('a double tap on a <navigator> (or the tab bar) opens one page; the second call is dropped silently, no unhandled rejection', async () => {
    h = harness(platform, { withApp: true })
    h.router.beforeEach(() => tick(5).then(() => true))
    const rejected: unknown[] = []
    // A <navigator> tap calls uni.navigateTo without callbacks: uni hands the call a Promise nobody awaits.
    for (let tap = 0; tap < 2; tap++) (h.sim.uni.navigateTo({ url: '/pages/detail/detail' }) as Promise<unknown>).catch((e) => rejected.push(e))
    const heard = raw(h, 'navigateTo', '/pages/detail/detail')
    await tick(20)
    await h.sim.settle()
    await tick()
    expect(h.calls).toEqual(['navigateTo /pages/detail/detail'])
    expect(rejected).toEqual([])
    expect(heard).toEqual([])
  })

  // uni-h5's <navigator open-type="navigateBack"> calls uni.navigateBack without callbacks; mini programs have no onBackPress.
  it.runIf(platform === 'h5')("a <navigator> back the page's onBackPress refuses leaves no unhandled rejection; code awaiting one still hears it", async () => {
    h = harness(platform, { withApp: true })
    h.sim.uni.navigateTo({ url: '/pages/detail/detail', success() {} })
    await h.sim.settle()
    h.sim.onBackPress = () => true
    expect(await unhandledDuring(async () => {
      h.sim.uni.navigateBack({ delta: 1, animationType: 'pop-out', animationDuration: 300 })
      await expect(h.sim.uni.navigateBack({})).rejects.toEqual({ errMsg: 'navigateBack:fail onBackPress' })
    })).toEqual([])
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
  })

  // A page that goes back its own way from onBackPress (past a step page: delta 2) and refuses uni's own back; its own
  // back asks onBackPress again, and passes.
  it.runIf(platform === 'h5')("a <navigator> back refused by an onBackPress that itself calls uni.navigateBack leaves no unhandled rejection", async () => {
    h = harness(platform, { withApp: true })
    await openDetailThenProfile(h)
    let own = false
    h.sim.onBackPress = () => {
      if (own) return false
      own = true
      void h.sim.uni.navigateBack({ delta: 2 })
      return true
    }
    expect(await unhandledByNavigatorBack(h)).toEqual([])
    expect(topPath(h.sim)).toBe('/pages/home/home')
  })

  // An interceptor added before the router's runs first: one that cancels the page's own back keeps navi-kit's hooks
  // from ever seeing that call, though its returnValue still comes.
  it.runIf(platform === 'h5')("a <navigator> back refused by an onBackPress whose own uni.navigateBack an earlier interceptor cancels leaves no unhandled rejection", async () => {
    h = harness(platform)
    h.sim.uni.addInterceptor('navigateBack', { invoke: (options) => (options.delta === 2 ? false : undefined) })
    createApp({}).use(h.router)
    await openDetailThenProfile(h)
    h.sim.onBackPress = () => {
      void h.sim.uni.navigateBack({ delta: 2 })
      return true
    }
    expect(await unhandledByNavigatorBack(h)).toEqual([])
    expect(topPath(h.sim)).toBe('/pages/user/profile')
  })

  // An app's own interceptor that says no (a login check: `invoke() { …; return false }`): uni never answers the call.
  it('a push another interceptor cancels rejects aborted at once, afterEach hears it, and the same push goes once the check passes', async () => {
    h = harness(platform, { withApp: true })
    let signedIn = false
    h.sim.uni.addInterceptor('navigateTo', { invoke: () => (signedIn ? undefined : false) })
    const heard: string[] = []
    h.router.afterEach((to, _from, failure) => void heard.push(`${to.path} ${failure?.code ?? 'ok'}`))
    const error = await h.router.push('/pages/detail/detail').catch((e: NavigationError) => e)
    expect(error).toMatchObject({ code: 'aborted' })
    expect((error as NavigationError).message).toContain('another interceptor cancelled uni.navigateTo')
    expect(topPath(h.sim)).toBe('/pages/home/home')
    signedIn = true
    // Not claimed for good: the same push is no double tap.
    await h.router.push('/pages/detail/detail')
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
    expect(heard).toEqual(['/pages/detail/detail aborted', '/pages/detail/detail ok'])
  })

  // uni.addInterceptor({ invoke }) with no method: every API's, run before any method's own (navi-kit's among them).
  it('a global interceptor (every API) that cancels a push rejects it aborted; one that lets it through is no cancel', async () => {
    h = harness(platform, { withApp: true })
    let signedIn = false
    const check = { invoke: () => (signedIn ? undefined : false) }
    h.sim.uni.addInterceptor(check)
    const outcomes = [await outcome(h.router.push('/pages/detail/detail')), topPath(h.sim)]
    signedIn = true
    outcomes.push(await outcome(h.router.push('/pages/detail/detail')), topPath(h.sim))
    // An app-wide check that no longer stands in the way of navigateBack either.
    h.sim.uni.removeInterceptor(check)
    signedIn = false
    outcomes.push(await outcome(h.router.back()), topPath(h.sim))
    expect(outcomes).toEqual(['aborted', '/pages/home/home', 'ok', '/pages/detail/detail', 'ok', '/pages/home/home'])
  })

  it('back() another interceptor cancels rejects aborted, and holds no navigation after it', async () => {
    h = harness(platform, { withApp: true })
    await pushAndSettle(h, '/pages/detail/detail')
    let dirty = true
    h.sim.uni.addInterceptor('navigateBack', { invoke: () => (dirty ? false : undefined) })
    expect(await h.router.back().catch((e: NavigationError) => e.code)).toBe('aborted')
    await h.router.push('/pages/user/profile')
    expect(topPath(h.sim)).toBe('/pages/user/profile')
    dirty = false
    // Not claimed for good either.
    await h.router.back()
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
  })

  // A push right after a raw back waits for the page to leave (uni's answer; uni-h5's popstate), for LEAVE_MS at most.
  it('a raw uni.navigateBack another interceptor cancels holds up no push after it, and the page stays', async () => {
    h = harness(platform, { withApp: true })
    await pushAndSettle(h, '/pages/detail/detail')
    h.sim.uni.addInterceptor('navigateBack', { invoke: () => false })
    h.sim.uni.navigateBack({})
    const pushed = h.router.push('/pages/user/profile').then(() => 'opened')
    expect(await Promise.race([pushed, tick(LEAVE_MS / 2).then(() => 'still waiting')])).toBe('opened')
    await h.sim.settle()
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/detail/detail', 'pages/user/profile'])
  })

  it("an interceptor's Promise (an async check) holds the push until it settles, and is no cancel", async () => {
    h = harness(platform, { withApp: true })
    h.sim.uni.addInterceptor('navigateTo', { invoke: (options) => tick(5).then(() => options) })
    await h.router.push('/pages/detail/detail')
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
  })

  // uni-h5 asks onBackPress within the call; a push to a page already loaded reaches uni within it too.
  it.runIf(platform === 'h5')('back() whose onBackPress pushes within the call goes ahead, and so does the push: neither is taken for cancelled', async () => {
    h = harness(platform, { withApp: true })
    await h.router.push('/pages/user/profile')
    await h.router.back()
    await pushAndSettle(h, '/pages/detail/detail')
    let pushed: Promise<unknown> | undefined
    h.sim.onBackPress = () => void (pushed ??= h.router.push('/pages/user/profile'))
    expect(await outcome(h.router.back())).toBe('ok')
    expect(await (pushed && outcome(pushed))).toBe('ok')
  })

  it('a push an interceptor added before the router cancels rejects aborted too', async () => {
    h = harness(platform)
    h.sim.uni.addInterceptor('navigateTo', { invoke: () => false })
    createApp({}).use(h.router)
    expect(await h.router.push('/pages/detail/detail').catch((e: NavigationError) => e.code)).toBe('aborted')
    expect(topPath(h.sim)).toBe('/pages/home/home')
  })

  // `uni.removeInterceptor(method)` with no interceptor takes every hook off the method, navi-kit's among them.
  it.each(AFTER_REMOVAL)('a %s made after the app removed every interceptor for it goes ahead, and is no cancel', (method, navigate, lands) =>
    expectGoesAheadAfterRemoval(platform, method, navigate, lands),
  )

  it('without app.use(router) raw calls are left alone', async () => {
    h = harness(platform)
    h.router.beforeEach(() => false)
    raw(h, 'navigateTo', '/pages/detail/detail')
    await h.sim.settle()
    expect(h.calls).toEqual(['navigateTo /pages/detail/detail'])
  })
})

// The App as uni-app-plus runs it (read in its source).
describe('raw uni calls on the App', () => {
  it("pass a <navigator> tap through the guards: the view layer asks the service for uni.navigateTo, with the tag's animation and a fail that logs", async () => {
    h = harness('app', { withApp: true })
    const options: unknown[] = []
    h.sim.onCall = (_method, o) => void options.push({ url: o.url, animationType: o.animationType })
    const logged: string[] = []
    let allow = false
    h.router.beforeEach(() => allow)
    // uni-app-plus subscribeNavigator: uni[name](extend(args, { fail(res) { console.error(res.errMsg) } })); the
    // navigator's args: { url, animationType: animationType || 'pop-in', animationDuration: parseInt(…) }.
    const tap = () => h.sim.uni.navigateTo({ url: '/pages/detail/detail?id=1', animationType: 'pop-in', animationDuration: NaN, fail: (r: UniCallbackResult) => void logged.push(String(r.errMsg)) })
    tap()
    await settled(h)
    // A guard's no: nothing opens, nothing is logged.
    expect([options, logged, topPath(h.sim)]).toEqual([[], [], '/pages/home/home'])
    allow = true
    tap()
    await settled(h)
    expect(options).toEqual([{ url: '/pages/detail/detail?id=1', animationType: 'pop-in' }])
    expect(logged).toEqual([])
    expect(h.router.currentRoute.value).toMatchObject({ path: '/pages/detail/detail', query: { id: '1' } })
  })

  it('hear the back key from the page the app was opened on relaunch the entry page by uni.reLaunch, through the guards', async () => {
    h = harness('app', { withApp: true, launchUrl: '/pages/detail/detail' })
    const seen: string[] = []
    h.router.beforeEach((to, from) => void seen.push(`${from.path} → ${to.path}`))
    // uni-app-plus navigateBack: isDirectPage → reLaunchEntryPage → uni.reLaunch({ url: '/' + entryPagePath }).
    h.sim.systemBack()
    await settled(h)
    expect(h.calls).toEqual(['navigateBack undefined', 'reLaunch /pages/home/home'])
    expect(seen).toEqual(['/pages/detail/detail → /pages/home/home'])
    expect(h.router.currentRoute.value.path).toBe('/pages/home/home')
    // Now on the entry page, a tab page, the back key only offers to quit.
    h.sim.systemBack()
    await settled(h)
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home'])
  })
})

// Review findings (goesAhead / the raw-back wait), against uni's invokeApi: `queue(invoke hooks, copy)` hands every
// invoke hook the same copy, so a hook may change its callbacks in place before navi-kit's sees it.
describe.each([...SEMANTICS, 'app'] as const)('interceptors around navi-kit on %s', (platform) => {
  // An error reporter's `invoke(args) { const fail = args.fail; args.fail = (e) => { report(e); fail?.(e) } }`, added
  // before app.use(router): the copy navi-kit's invoke sees has that wrapper for a fail, not navi-kit's own.
  it('an earlier interceptor that wraps the call’s fail in place is no cancel: push and back go ahead and resolve', async () => {
    h = harness(platform)
    for (const method of ['navigateTo', 'navigateBack'])
      h.sim.uni.addInterceptor(method, {
        invoke(options) {
          const fail = options.fail
          options.fail = (result) => fail?.(result)
        },
      })
    createApp({}).use(h.router)
    expect(await outcome(h.router.push('/pages/detail/detail'))).toBe('ok')
    await h.sim.settle()
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
    expect(await outcome(h.router.back())).toBe('ok')
    await h.sim.settle()
    expect(topPath(h.sim)).toBe('/pages/home/home')
  })

  // The cancel is seen (its answer is `undefined`), yet the back stays counted as a navigation that left a page.
  it('a raw uni.navigateBack another interceptor cancels supersedes no push still in its guards', async () => {
    h = harness(platform, { withApp: true })
    await pushAndSettle(h, '/pages/detail/detail')
    h.router.beforeEach(() => tick(5).then(() => true))
    h.sim.uni.addInterceptor('navigateBack', { invoke: () => false })
    const pushed = h.router.push('/pages/user/profile').then(() => 'opened', (e: NavigationError) => e.message)
    h.sim.uni.navigateBack({})
    expect(await pushed).toBe('opened')
    await h.sim.settle()
    expect(topPath(h.sim)).toBe('/pages/user/profile')
  })

  // A confirm dialog's `invoke: (o) => ask().then(() => o)`: taken for cancelled a task later, then uni goes ahead. The
  // page it shows is the same page as the one the push was made on (two detail pages), so only the back tells.
  it('a raw uni.navigateBack a Promise holds past the cancel check, once it goes ahead, supersedes a push still in its guards', async () => {
    h = harness(platform, { withApp: true })
    mountPages(h.sim, h.router)
    await pushAndSettle(h, '/pages/detail/detail?n=1')
    await pushAndSettle(h, '/pages/detail/detail?n=2')
    h.router.beforeEach(() => tick(30).then(() => true))
    h.sim.uni.addInterceptor('navigateBack', { invoke: (options) => tick(10).then(() => options) })
    const pushed = h.router.push('/pages/user/profile').then(() => 'opened', (e: NavigationError) => e.code)
    h.sim.uni.navigateBack({})
    expect(await pushed).toBe('aborted')
    await h.sim.settle()
    expect(h.sim.getCurrentPages().map((page) => page.$page.fullPath)).toEqual(['/pages/home/home', '/pages/detail/detail?n=1'])
    expect(h.router.currentRoute.value.fullPath).toBe('/pages/detail/detail?n=1')
  })
})

describe('a raw back an async interceptor lets through, on mp-weixin', () => {
  // `invoke: (options) => Promise.resolve(options)` (or an `async invoke` with nothing to await): uni calls the API in
  // the Promise's then, a microtask after navi-kit's own queueMicrotask check, which takes the call for cancelled.
  it('at 10 pages, uni.navigateBack() and a push right after it: the push opens above the page the back shows', async () => {
    h = harness('mp-weixin', { withApp: true })
    for (let i = 1; i < 10; i++) await h.router.push({ path: '/pages/detail/detail', query: { i: String(i) } })
    expect(h.sim.getCurrentPages()).toHaveLength(10)
    h.sim.uni.addInterceptor('navigateBack', { invoke: (options) => Promise.resolve(options) })
    h.sim.uni.navigateBack({})
    await h.router.push('/pages/user/profile')
    await h.sim.settle()
    expect(h.calls.slice(-1)).toEqual(['navigateTo /pages/user/profile'])
    const stack = h.sim.getCurrentPages()
    expect(stack.slice(-2).map((page) => `${page.route} ${page.options.i ?? ''}`)).toEqual(['pages/detail/detail 8', 'pages/user/profile '])
  })
})

// The removeInterceptor(method) tests above cannot fail on H5: uni-h5 hands back navigate()'s Promise for a push, and
// answers a back within the call, so either is taken as made without navi-kit's returnValue count. The App's
// $navigateTo hands back nothing and answers once the webview shows: there the count is what tells.
describe('raw uni calls on the App after removeInterceptor(method)', () => {
  it.each(AFTER_REMOVAL.slice(0, 2))('a %s made after the app removed every interceptor for it goes ahead, and is no cancel', (method, navigate, lands) =>
    expectGoesAheadAfterRemoval('app', method, navigate, lands),
  )
})
