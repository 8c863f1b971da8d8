import { afterEach, describe, expect, it, vi } from 'vitest'
import type { NavigationError } from '../../uni_modules/navi-kit/errors'
import type { Route } from '../../uni_modules/navi-kit/types'
import { harness, n, SEMANTICS, topPath, type Harness } from '../sim/fixture'
import type { Semantics } from '../sim/uni-simulator'
import { mountPages } from '../sim/pages'

let h: Harness
afterEach(() => h?.restore())

/** Answers `answer` after `ms`, as an async guard does. */
const later = <T>(ms: number, answer: T) => new Promise<T>((resolve) => setTimeout(() => resolve(answer), ms))

/** A login-style guard: detail redirects to profile after 5 ms; every other page passes after 30 ms. */
const slowLoginGuard = (h: Harness) =>
  h.router.beforeEach((to) => ((to.path as string) === '/pages/detail/detail' ? later(5, '/pages/user/profile') : later(30, true)))

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: NavigationError) => error.code,
  )

/**
 * A push from profile to detail whose guard takes 30 ms (await checkLogin()); `meanwhile` runs 5 ms in. Resolves to
 * how the push ended and the stack after.
 */
async function pushMeanwhile(platform: Semantics, meanwhile: () => unknown) {
  h = harness(platform, { withApp: true })
  mountPages(h.sim, h.router, { plain: true })
  h.sim.launch('/pages/home/home')
  await h.router.push('/pages/user/profile')
  h.router.beforeEach((to) => (to.path === '/pages/detail/detail' ? later(30, true) : true))
  const push = codeOf(h.router.push('/pages/detail/detail'))
  await later(5, 0)
  await meanwhile()
  const code = await push
  await h.sim.settle()
  return { code, stack: h.sim.getCurrentPages().map((page) => page.route) }
}

describe.each(SEMANTICS)('guards on %s', (platform) => {
  it('sees to and from as routes', async () => {
    h = harness(platform, { launchUrl: '/pages/detail/detail?id=3' })
    const seen: [Route, Route][] = []
    h.router.beforeEach((to, from) => void seen.push([to, from]))
    await h.router.push({ name: n('settings'), query: { tab: 'a' } })
    expect(seen[0][0]).toEqual({
      path: '/pages/user/settings',
      name: n('settings'),
      query: { tab: 'a' },
      fullPath: '/pages/user/settings?tab=a',
      isTab: false,
    })
    expect(seen[0][1]).toMatchObject({ path: '/pages/detail/detail', name: n('detail'), query: { id: '3' }, isTab: false })
  })

  it('false aborts before uni is called; afterEach hears the failure', async () => {
    h = harness(platform)
    const after: (string | undefined)[] = []
    h.router.beforeEach(() => false)
    h.router.afterEach((to, _from, failure) => void after.push(`${to.path} ${failure?.code}`))
    expect(await codeOf(h.router.push('/pages/detail/detail'))).toBe('aborted')
    expect(h.calls).toEqual([])
    expect(after).toEqual(['/pages/detail/detail aborted'])
  })

  it('async guards run in order and may pass', async () => {
    h = harness(platform)
    const order: string[] = []
    h.router.beforeEach(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      order.push('first')
    })
    h.router.beforeEach(() => {
      order.push('second')
      return true
    })
    await h.router.push('/pages/detail/detail')
    expect(order).toEqual(['first', 'second'])
    expect(topPath(h.sim)).toBe('/pages/detail/detail')
  })

  it('a returned location (or a Promise of one) redirects; afterEach hears only the final navigation', async () => {
    h = harness(platform)
    const after: string[] = []
    h.router.beforeEach((to) => (to.name === n('settings') ? Promise.resolve({ name: n('user/profile'), query: { next: to.fullPath } }) : undefined))
    h.router.afterEach((to, _from, failure) => void after.push(to.path + (failure ? ' ' + failure.code : '')))
    const route = await h.router.push({ name: n('settings') })
    expect(route).toMatchObject({ path: '/pages/user/profile', query: { next: '/pages/user/settings' } })
    expect(h.calls).toEqual(['navigateTo /pages/user/profile?next=/pages/user/settings'])
    expect(after).toEqual(['/pages/user/profile'])
  })

  it('a redirect loop ends with invalid instead of hanging', async () => {
    h = harness(platform)
    h.router.beforeEach((to) => (to.name === 'detail' ? '/pages/user/profile' : '/pages/detail/detail'))
    expect(await codeOf(h.router.push('/pages/detail/detail'))).toBe('invalid')
    expect(h.calls).toEqual([])
  })

  it('a guard that throws aborts with its message and the error as cause, and says so on the console', async () => {
    h = harness(platform)
    const thrown = new Error('no session')
    h.router.beforeEach(() => {
      throw thrown
    })
    const logged: unknown[][] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args))
    try {
      const error = await h.router.push('/pages/detail/detail').catch((e: NavigationError) => e)
      expect(error).toMatchObject({ code: 'aborted', cause: thrown })
      expect((error as Error).message).toContain('no session')
      // A caller that takes aborted as "a guard said no" still leaves the bug visible.
      expect(logged).toEqual([['navi-kit: a beforeEach guard threw', thrown]])
      expect(h.calls).toEqual([])
    } finally {
      spy.mockRestore()
    }
  })

  it('a redirect to a page that does not exist rejects not-found, and afterEach hears it', async () => {
    h = harness(platform)
    const after: string[] = []
    h.router.beforeEach((to) => (to.name === n('settings') ? '/pages/nope/nope' : true))
    h.router.afterEach((to, _from, failure) => void after.push(`${to.path} ${failure?.code}`))
    expect(await codeOf(h.router.push({ name: n('settings') }))).toBe('not-found')
    expect(after).toEqual(['/pages/user/settings not-found'])
    expect(h.calls).toEqual([])
  })

  it('a target that does not resolve (a missing page, bad input) rejects before any guard, and no hook is called', async () => {
    h = harness(platform)
    const heard: string[] = []
    h.router.beforeEach((to) => void heard.push(`before ${to.path}`))
    h.router.afterEach((to) => void heard.push(`after ${to.path}`))
    expect(await codeOf(h.router.push('/pages/nope/nope'))).toBe('not-found')
    expect(await codeOf(h.router.push(123 as never))).toBe('invalid')
    expect(heard).toEqual([])
    expect(h.calls).toEqual([])
  })

  it('an afterEach hook that throws neither fails the navigation nor silences the hooks after it', async () => {
    h = harness(platform)
    const logged: unknown[][] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args))
    try {
      const after: string[] = []
      h.router.afterEach(() => {
        throw new Error('analytics down')
      })
      h.router.afterEach((to) => void after.push(to.path))
      expect(await codeOf(h.router.push('/pages/detail/detail'))).toBe('resolved')
      expect(after).toEqual(['/pages/detail/detail'])
      expect(topPath(h.sim)).toBe('/pages/detail/detail')
      expect(String(logged[0]?.[1])).toContain('analytics down')
    } finally {
      spy.mockRestore()
    }
  })

  it("a uni call that throws (uni, or another plugin's interceptor) rejects platform, not aborted", async () => {
    h = harness(platform)
    h.sim.uni.addInterceptor('navigateTo', {
      invoke() {
        throw new Error('other plugin bug')
      },
    })
    const error = await h.router.push('/pages/detail/detail').catch((e: NavigationError) => e)
    expect(error).toMatchObject({ code: 'platform' })
    expect((error as NavigationError).message).toContain('other plugin bug')
  })

  it('a newer navigation supersedes one still in its guards: the newer page opens, the older rejects aborted and never reaches uni', async () => {
    h = harness(platform)
    const after: string[] = []
    h.router.beforeEach((to) => (to.path === '/pages/detail/detail' ? new Promise((resolve) => setTimeout(resolve, 20)) : true))
    h.router.afterEach((to, from, failure) => void after.push(`${from.path} → ${to.path} ${failure?.code ?? 'ok'}`))
    const slow = codeOf(h.router.push('/pages/detail/detail'))
    const quick = codeOf(h.router.push('/pages/user/profile'))
    expect(await quick).toBe('resolved')
    expect(await slow).toBe('aborted')
    await h.sim.settle()
    expect(h.calls).toEqual(['navigateTo /pages/user/profile'])
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/user/profile'])
    expect(after).toEqual(['/pages/home/home → /pages/user/profile ok', '/pages/home/home → /pages/detail/detail aborted'])
  })

  it('supersedes too when the older target was opened before (on H5 its code is loaded: no load to stop it after the guards)', async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    await h.router.back()
    await h.sim.settle()
    h.router.beforeEach((to) => (to.path === '/pages/detail/detail' ? new Promise((resolve) => setTimeout(resolve, 20)) : true))
    const slow = codeOf(h.router.push('/pages/detail/detail'))
    const quick = codeOf(h.router.push('/pages/user/profile'))
    expect(await quick).toBe('resolved')
    expect(await slow).toBe('aborted')
    await h.sim.settle()
    expect(h.calls.slice(2)).toEqual(['navigateTo /pages/user/profile'])
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/user/profile'])
  })

  describe('a page shown by no router call, while a push waits in its guards', () => {
    const pushWhile = (meanwhile: () => unknown) => pushMeanwhile(platform, meanwhile)

    it('the system back button (or the browser back) supersedes it: the user left the page it was made on', async () => {
      expect(await pushWhile(() => (h.sim.systemBack(), h.sim.settle()))).toEqual({ code: 'aborted', stack: ['pages/home/home'] })
    })

    // uni-h5's tab bar calls switchTab: a newer navigation of its own.
    it.runIf(platform !== 'h5')("a mini program's native tab bar supersedes it too", async () => {
      expect(await pushWhile(() => (h.sim.tapTabBar('/pages/mine/mine'), h.sim.settle()))).toEqual({ code: 'aborted', stack: ['pages/mine/mine'] })
    })

    it('a raw uni.navigateBack in page code supersedes it too', async () => {
      expect(await pushWhile(() => (h.sim.uni.navigateBack({}), h.sim.settle()))).toEqual({ code: 'aborted', stack: ['pages/home/home'] })
    })

    it.runIf(platform === 'h5')("a raw uni.navigateBack the page's onBackPress refuses supersedes nothing: no page left", async () => {
      const refused = () => ((h.sim.onBackPress = () => true), h.sim.uni.navigateBack({ fail() {} }), h.sim.settle())
      expect(await pushWhile(refused)).toEqual({ code: 'resolved', stack: ['pages/home/home', 'pages/user/profile', 'pages/detail/detail'] })
    })

    it("the page the user went back to may push in its own onShow (a login check): that push stands", async () => {
      h = harness(platform, { withApp: true })
      const onShown: Promise<string>[] = []
      let back = false
      mountPages(h.sim, h.router, {
        plain: true,
        // Home, shown again by the back, sends the user on (once).
        onShow: (route) => {
          if (route === 'pages/home/home' && back && !onShown.length) onShown.push(codeOf(h.router.push('/pages/detail/detail')))
        },
      })
      h.sim.launch('/pages/home/home')
      await h.router.push('/pages/user/profile')
      h.router.beforeEach(() => later(20, true))
      back = true
      h.sim.systemBack()
      await h.sim.settle()
      expect(onShown).toHaveLength(1)
      expect(await onShown[0]).toBe('resolved')
      await h.sim.settle()
      expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/detail/detail'])
    })

    it('the same page shown again (the app back from the background) supersedes nothing', async () => {
      expect(await pushWhile(() => h.sim.returnToForeground())).toEqual({
        code: 'resolved',
        stack: ['pages/home/home', 'pages/user/profile', 'pages/detail/detail'],
      })
    })

    it("router.back() first, then the push: the page the back shows supersedes nothing (the push is newer)", async () => {
      h = harness(platform, { withApp: true })
      mountPages(h.sim, h.router, { plain: true })
      h.sim.launch('/pages/home/home')
      await h.router.push('/pages/user/profile')
      h.router.beforeEach((to) => (to.path === '/pages/detail/detail' ? later(30, true) : true))
      const back = codeOf(h.router.back())
      const push = codeOf(h.router.push('/pages/detail/detail'))
      expect([await back, await push]).toEqual(['resolved', 'resolved'])
      await h.sim.settle()
      expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/detail/detail'])
    })
  })

  it('a double tap while an async guard thinks opens the page once: the second call is duplicated and supersedes nothing', async () => {
    h = harness(platform)
    h.router.beforeEach(() => later(10, true))
    const first = codeOf(h.router.push('/pages/detail/detail'))
    const second = codeOf(h.router.push('/pages/detail/detail'))
    expect(await second).toBe('duplicated')
    expect(await first).toBe('resolved')
    await h.sim.settle()
    expect(h.calls).toEqual(['navigateTo /pages/detail/detail'])
  })

  it('a double tap while a guard redirects (a login guard) opens the redirect target once', async () => {
    h = harness(platform)
    slowLoginGuard(h)
    const first = codeOf(h.router.push('/pages/detail/detail'))
    await new Promise((resolve) => setTimeout(resolve, 10)) // the first is in its redirect's guard now
    const second = codeOf(h.router.push('/pages/detail/detail'))
    expect(await second).toBe('duplicated')
    expect(await first).toBe('resolved')
    await h.sim.settle()
    expect(h.calls).toEqual(['navigateTo /pages/user/profile'])
  })

  it("a redirect to a target another navigation holds fails duplicated, and afterEach hears it", async () => {
    h = harness(platform)
    slowLoginGuard(h)
    const heard: string[] = []
    h.router.afterEach((to, _from, failure) => void heard.push(`${to.path} ${failure?.code ?? 'ok'}`))
    const direct = codeOf(h.router.push('/pages/user/profile'))
    const redirected = codeOf(h.router.push('/pages/detail/detail'))
    expect(await redirected).toBe('duplicated')
    await direct
    expect(heard).toContain('/pages/user/profile duplicated')
  })

  it('a duplicated back() supersedes nothing: a push in its guards goes on', async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    await h.router.push('/pages/user/profile')
    h.router.beforeEach((to) => ((to.path as string) === '/pages/user/settings' ? new Promise((resolve) => setTimeout(() => resolve(true), 20)) : true))
    const back = codeOf(h.router.back())
    const push = codeOf(h.router.push('/pages/user/settings')) // newer than the back: it stands
    const again = codeOf(h.router.back()) // the back's double tap
    expect([await back, await again]).toEqual(['resolved', 'duplicated'])
    expect(await push).toBe('resolved')
  })

  it('afterEach hears back() too, with the page below as to, and currentRoute already there', async () => {
    h = harness(platform)
    await h.router.push('/pages/detail/detail')
    await h.router.push('/pages/user/profile')
    const after: string[] = []
    h.router.afterEach((to, from, failure) =>
      void after.push(`${from.path} → ${to.path} ${failure?.code ?? 'ok'}, current ${h.router.currentRoute.value.path}`),
    )
    await h.router.back(2)
    expect(after).toEqual(['/pages/user/profile → /pages/home/home ok, current /pages/home/home'])
  })

  it("afterEach hears back() to a tab page with the query the page was handed (switchTab carried none), as currentRoute has it", async () => {
    h = harness(platform, { withApp: true, launchUrl: '/pages/detail/detail' })
    mountPages(h.sim, h.router)
    await h.router.push({ name: n('mine'), query: { round: 1 } })
    await h.router.push('/pages/detail/detail')
    const after: string[] = []
    h.router.afterEach((to, from) => void after.push(`${from.fullPath} → ${to.fullPath}`))
    await h.router.back()
    expect(topPath(h.sim)).toBe('/pages/mine/mine')
    expect(h.router.currentRoute.value.query).toEqual({ round: 1 })
    expect(after).toEqual([`/pages/detail/detail → ${h.router.currentRoute.value.fullPath}`])
  })

  it('unregistering removes exactly that guard', async () => {
    h = harness(platform)
    const stop = h.router.beforeEach(() => false)
    let afterCalls = 0
    const stopAfter = h.router.afterEach(() => void afterCalls++)
    h.router.beforeEach(() => true)
    stop()
    await h.router.push('/pages/detail/detail')
    stopAfter()
    await h.router.push('/pages/user/profile')
    expect(afterCalls).toBe(1)
    expect(h.sim.getCurrentPages()).toHaveLength(3)
  })
})

// The App as uni-app-plus runs it (read in its source): its back key and its native tab bar are uni calls, which the
// router's interceptors see.
describe('guards on the App', () => {
  const pushWhile = (meanwhile: () => unknown) => pushMeanwhile('app', meanwhile)

  it('the back key (uni.navigateBack from the backbutton) supersedes a push waiting in its guards', async () => {
    expect(await pushWhile(() => (h.sim.systemBack(), h.sim.settle()))).toEqual({ code: 'aborted', stack: ['pages/home/home'] })
  })

  it("the back key that the page's onBackPress keeps open (a popup it closes) supersedes nothing: the push opens", async () => {
    const kept = await pushWhile(() => ((h.sim.onBackPress = () => true), h.sim.systemBack(), h.sim.settle()))
    expect(kept).toEqual({ code: 'resolved', stack: ['pages/home/home', 'pages/user/profile', 'pages/detail/detail'] })
  })

  it('a tap on the native tab bar passes the guards (it calls uni.switchTab): a guard can keep a tab closed', async () => {
    h = harness('app', { withApp: true })
    h.router.beforeEach((to) => to.path !== '/pages/mine/mine')
    h.sim.tapTabBar('/pages/mine/mine')
    await h.sim.settle()
    expect(h.calls).toEqual([])
    expect(topPath(h.sim)).toBe('/pages/home/home')
  })
})

describe.each([...SEMANTICS, 'app' as const])('back() on %s, while a push waits in its guards', (platform) => {
  // Mini programs have no onBackPress to ask.
  it.runIf(platform !== 'mp-weixin')("that the page's onBackPress refuses supersedes nothing: the push opens", async () => {
    const refused = async () => {
      h.sim.onBackPress = () => true
      // uni-h5 refuses it (aborted); the App answers ok, the page still there.
      expect(await codeOf(h.router.back())).toBe(platform === 'h5' ? 'aborted' : 'resolved')
    }
    expect(await pushMeanwhile(platform, refused)).toEqual({
      code: 'resolved',
      stack: ['pages/home/home', 'pages/user/profile', 'pages/detail/detail'],
    })
  })

  it('that leaves the page supersedes it', async () => {
    expect(await pushMeanwhile(platform, () => h.router.back())).toEqual({ code: 'aborted', stack: ['pages/home/home'] })
  })
})

/** Lets every queued microtask run: a navigation's uni call goes out, WeChat has not routed it yet. */
const microtasks = async (count = 20) => {
  for (let i = 0; i < count; i++) await Promise.resolve()
}

// WeChat routes a push a task after the call: a back right after it closes the pushed page, so the page on top after
// the back is the one on top when it was asked for. A page did leave all the same.
describe('on mp-weixin, a back right after a push closes the pushed page, and supersedes a push waiting in its guards', () => {
  it.each([
    ['back()', (h: Harness) => h.router.back()],
    ['a raw uni.navigateBack', (h: Harness) => void h.sim.uni.navigateBack({ success() {} })],
  ])('%s', async (_how, goBack) => {
    h = harness('mp-weixin', { withApp: true })
    await h.router.push('/pages/user/profile')
    h.router.beforeEach((to) => ((to.path as string) === '/pages/user/settings' ? later(30, true) : true))
    const first = h.router.push('/pages/detail/detail')
    await microtasks()
    expect(h.calls.at(-1)).toBe('navigateTo /pages/detail/detail')
    const waiting = codeOf(h.router.push({ name: n('settings') }))
    await goBack(h)
    await first
    await h.sim.settle()
    expect(h.sim.getCurrentPages().map((page) => page.route)).toEqual(['pages/home/home', 'pages/user/profile'])
    expect(await waiting).toBe('aborted')
    await h.sim.settle()
    expect(topPath(h.sim)).toBe('/pages/user/profile')
  })
})

// A custom back button on a page opened from a share card: "back, else home". WeChat fails each back of a double tap
// ("cannot navigate back at first page"), a task apart; each answer is about its own call.
describe('on mp-weixin, raw backs that leave no page, tapped twice', () => {
  it('supersede nothing: a push waiting in its guards opens', async () => {
    h = harness('mp-weixin', { withApp: true, launchUrl: '/pages/detail/detail' })
    h.router.beforeEach((to) => ((to.path as string) === '/pages/user/profile' ? later(30, true) : true))
    const push = codeOf(h.router.push('/pages/user/profile'))
    await later(5, 0)
    const fails: string[] = []
    for (let tap = 0; tap < 2; tap++) h.sim.uni.navigateBack({ fail: ({ errMsg }: { errMsg?: string }) => void fails.push(String(errMsg)) })
    await h.sim.settle()
    expect(fails).toEqual(['navigateBack:fail cannot navigate back at first page.', 'navigateBack:fail cannot navigate back at first page.'])
    expect(await push).toBe('resolved')
  })

  it('"back, else home" goes home, once', async () => {
    h = harness('mp-weixin', { withApp: true, launchUrl: '/pages/detail/detail' })
    h.router.beforeEach(() => later(20, true)) // a session check
    const outcomes: string[] = []
    h.router.afterEach((to, _from, failure) => void outcomes.push(`${to.path} ${failure?.code ?? 'ok'}`))
    const tap = () => h.sim.uni.navigateBack({ fail: () => void h.sim.uni.switchTab({ url: '/pages/home/home', fail() {} }) })
    tap()
    tap()
    await later(60, 0)
    await h.sim.settle()
    expect(topPath(h.sim)).toBe('/pages/home/home')
    expect(outcomes).toEqual(['/pages/home/home ok'])
  })
})

describe('on the App, a push waiting for its turn', () => {
  it('is superseded by the back key meanwhile, as a push in its guards is', async () => {
    h = harness('app', { withApp: true })
    mountPages(h.sim, h.router, { plain: true })
    h.sim.launch('/pages/home/home')
    await h.router.push('/pages/user/profile')
    const first = codeOf(h.router.push('/pages/detail/detail'))
    const second = codeOf(h.router.push({ name: n('settings') }))
    await microtasks()
    // settings waits for detail's answer
    expect(h.calls.at(-1)).toBe('navigateTo /pages/detail/detail')
    h.sim.systemBack()
    expect([await first, await second]).toEqual(['resolved', 'aborted'])
    await h.sim.settle()
    // (Which page the back key closed depends on whether detail's webview was ready: uni-app-plus may still hold it.)
    expect(h.sim.getCurrentPages().map((page) => page.route)).not.toContain('pages/user/settings')
  })
})
