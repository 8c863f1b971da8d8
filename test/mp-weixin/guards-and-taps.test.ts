/**
 * Guards (router calls and raw uni calls) and double taps.
 *
 * The demo compiled for mp-weixin, page by page in miniprogram-simulate
 * behind the fake WeChat page router: every check taps the compiled pages
 * and reads what they render.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { buildDir } from '../support/build'
import { bootMiniProgram, type MiniProgram, type MpPage } from '../support/mp-weixin/mini-program'

let mp: MiniProgram
beforeAll(() => {
  mp = bootMiniProgram(buildDir('mp-weixin'))
})

describe('guards', () => {
  async function openGuards(): Promise<MpPage> {
    const home = await mp.relaunch('/pages/home/home')
    const guards = await mp.tapTo(home, '#to-guards', 'pages/guards/guards')
    if (guards.text('#logged-in') === 'yes') {
      guards.tap('#toggle-login')
      await mp.waitFor(() => expect(guards.text('#logged-in')).toBe('no'))
    }
    return guards
  }

  it('labels read as written: no HTML entity shows (WeChat renders &lt; as is)', async () => {
    const guards = await openGuards()
    expect(guards.text('#nav-secret')).toBe('navigator 组件 · the navigator component')
  })

  it('redirects router.push to the login page, then lets it through after logging in', async () => {
    const guards = await openGuards()
    const login = await mp.tapTo(guards, '#push-secret', 'pages/login/login')
    await mp.waitFor(() => expect(login.text('#redirect')).toBe('/pages/secret/secret'))
    // afterEach saw the navigation as it happened.
    expect(login.text('#last-nav')).toBe('/pages/guards/guards → /pages/login/login')
    const secret = await mp.tapTo(login, '#login', 'pages/secret/secret')
    await mp.waitFor(() => expect(secret.text('#last-nav')).toBe('/pages/login/login → /pages/secret/secret'))
    // replace: the login page is gone from the stack.
    expect(mp.depth()).toBe(3)
  })

  it('a guard answering false aborts: the push rejects with aborted and afterEach sees the failure', async () => {
    const guards = await openGuards()
    const mark = mp.router.calls.length
    guards.tap('#push-blocked')
    await mp.waitFor(() => expect(guards.text('#result')).toMatch(/^aborted: /))
    expect(guards.text('#last-nav')).toBe('/pages/guards/guards → /pages/detail/detail ✗ aborted')
    expect(mp.callsSince(mark)).toEqual([])
    expect(mp.current().route).toBe('pages/guards/guards')
  })

  it('runs the same guards on a raw uni.navigateTo', async () => {
    const guards = await openGuards()
    const mark = mp.router.calls.length
    const login = await mp.tapTo(guards, '#raw-secret', 'pages/login/login')
    await mp.waitFor(() => expect(login.text('#redirect')).toBe('/pages/secret/secret'))
    expect(mp.callsSince(mark).some((call) => call.url?.startsWith('/pages/secret/secret'))).toBe(false)
    // Logged in, the same raw call goes through the (asynchronous) guard to the page.
    await mp.tapTo(login, '#login', 'pages/secret/secret')
    const back = await mp.systemBack()
    expect(back.route).toBe('pages/guards/guards')
    await mp.tapTo(back, '#raw-secret', 'pages/secret/secret')
  })
})

describe('double tap', () => {
  it('a second tap on a home button opens nothing more, and the page says why', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const mark = mp.router.calls.length
    home.tap('#to-push')
    home.tap('#to-push')
    await mp.waitFor(() => expect(home.text('#error')).toMatch(/^duplicated: navigateTo \/pages\/push\/push is already on its way$/))
    await mp.waitForPage('pages/push/push')
    expect(mp.callsSince(mark).filter((call) => call.api === 'navigateTo')).toHaveLength(1)
    expect(mp.depth()).toBe(2)
  })

  it('two identical pushes in one tick open the page once', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const double = await mp.tapTo(home, '#to-double', 'pages/double/double')
    const mark = mp.router.calls.length
    const detail = await mp.tapTo(double, '#double-push', 'pages/detail/detail')
    await mp.settle(100)
    expect(mp.depth()).toBe(3)
    expect(detail.text('#depth')).toBe('3')
    expect(mp.callsSince(mark).filter((call) => call.api === 'navigateTo')).toHaveLength(1)
    const back = await mp.tapTo(detail, '#back', 'pages/double/double')
    await mp.waitFor(() => expect(back.text('#outcome')).toMatch(/^ok,|,ok$/))
  })
})

describe('a real double tap', () => {
  it('two taps on a push button open the page once', async () => {
    const home = await mp.relaunch('/pages/home/home')
    const push = await mp.tapTo(home, '#to-push', 'pages/push/push')
    const mark = mp.router.calls.length
    push.tap('#push-name')
    push.tap('#push-name')
    const detail = await mp.waitForPage('pages/detail/detail')
    await mp.settle(100)
    expect(mp.depth()).toBe(3)
    expect(detail.text('#depth')).toBe('3')
    expect(mp.callsSince(mark).filter((call) => call.api === 'navigateTo')).toHaveLength(1)
  })
})
