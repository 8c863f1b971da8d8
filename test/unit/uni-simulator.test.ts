import { afterEach, describe, expect, it } from 'vitest'
import type { UniCallbackResult, UniCallOptions } from '../../uni_modules/navi-kit/platform'
import { pages } from '../sim/fixture'
import { createUniSimulator, type Semantics } from '../sim/uni-simulator'

let restore = () => {}
afterEach(() => restore())

function simulator(platform: Semantics, launchUrl = '/pages/home/home') {
  const sim = createUniSimulator({ pages, platform })
  restore = sim.install()
  sim.launch(launchUrl)
  return sim
}

/** Calls an API with callbacks; resolves to the errMsg it answered with. */
const call = (fn: (o: UniCallOptions) => unknown, options: UniCallOptions) =>
  new Promise<string>((resolve) => {
    fn({ ...options, success: (r: UniCallbackResult) => resolve(r.errMsg!), fail: (r: UniCallbackResult) => resolve(r.errMsg!) })
  })

describe('the uni simulator (what the router tests stand on)', () => {
  it('hands onLoad raw options on mp-weixin and once-decoded ones on H5, like the runtimes', async () => {
    const url = '/pages/detail/detail?p=100%25&s=a%20b&plus=a+b'
    const mp = simulator('mp-weixin')
    await call(mp.uni.navigateTo, { url })
    expect(mp.getCurrentPages()[1].options).toEqual({ p: '100%25', s: 'a%20b', plus: 'a+b' })
    restore()
    const h5 = simulator('h5')
    await call(h5.uni.navigateTo, { url })
    // uni-h5 turns a raw '+' into a space before encoding (encodeQueryString).
    expect(h5.getCurrentPages()[1].options).toEqual({ p: '100%', s: 'a b', plus: 'a b' })
    expect(h5.getCurrentPages()[1].route).toBe('pages/detail/detail')
    restore()
    // The App (uni-app-plus): encodeQueryString then parseQuery, no decodedQuery: each value as written, '+' a space,
    // a key decoded once.
    const app = simulator('app')
    await call(app.uni.navigateTo, { url: url + '&k%20ey=1' })
    expect(app.getCurrentPages()[1].$page.options).toEqual({ p: '100%25', s: 'a%20b', plus: 'a b', 'k ey': '1' })
    // Its getCurrentPages() lists page vms, whose options sit in $page only.
    expect(app.getCurrentPages()[1]).not.toHaveProperty('options')
  })

  it("parses an H5 query as uni-shared does: a repeated key joins its values, an inherited name such as 'constructor' arrives garbled, '__proto__' not at all", async () => {
    const h5 = simulator('h5')
    await call(h5.uni.navigateTo, { url: '/pages/detail/detail?a=1&a=2&constructor=x&__proto__=p&id=7' })
    const options = h5.getCurrentPages()[1].options
    expect(options.a).toBe('1,2')
    expect(options.constructor).toMatch(/^function Object\(\) \{ \[native code\] \},x$/)
    expect(Object.keys(options)).not.toContain('__proto__')
    expect(options.id).toBe('7')
  })

  it('opens on an outside URL as the runtimes read it: uni-h5 decodes the address bar twice, WeChat hands the raw text', () => {
    const url = '/pages/detail/detail?n=%2542&s=a%20b&plus=a+b'
    expect(simulator('mp-weixin', url).getCurrentPages()[0].options).toEqual({ n: '%2542', s: 'a%20b', plus: 'a+b' })
    restore()
    // vue-router's parseQuery (once, '+' → ' '), then uni-h5's decodedQuery (again).
    expect(simulator('h5', url).getCurrentPages()[0].options).toEqual({ n: 'B', s: 'a b', plus: 'a b' })
  })

  it('opens the App on an outside URL as uni-app-plus reads it: its own $navigateTo, no encodeQueryString, values decoded once', () => {
    const url = '/pages/detail/detail?n=%2542&s=a%20b&plus=a+b'
    expect(simulator('app', url).getCurrentPages()[0].$page.options).toEqual({ n: '%42', s: 'a b', plus: 'a b' })
  })

  it('carries out one navigation at a time on the App: one asked for meanwhile waits, a third is dropped unanswered', async () => {
    const sim = simulator('app')
    const heard: string[] = []
    for (const url of ['/pages/detail/detail', '/pages/user/profile', '/pages/user/settings'])
      sim.uni.navigateTo({ url, complete: ({ errMsg }) => heard.push(`${url} ${errMsg}`) })
    // The first opens at once, in the call; the second waits for the next webview.
    expect(sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/detail/detail'])
    await sim.settle()
    expect(sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/detail/detail', 'pages/user/profile'])
    expect(heard).toEqual(['/pages/detail/detail navigateTo:ok', '/pages/user/profile navigateTo:ok'])
    // Refused at once all the same (formatArgs runs before the turn is taken).
    expect(await call(sim.uni.navigateTo, { url: '/pages/nope/nope' })).toBe('navigateTo:fail page `/pages/nope/nope` is not found')
  })

  it('runs the App\'s tab bar and back key through uni calls, shows the tab on screen again with no onShow, and answers a back from the first page ok', async () => {
    const sim = simulator('app', '/pages/detail/detail')
    const seen: string[] = []
    for (const method of ['switchTab', 'navigateBack', 'reLaunch'])
      sim.uni.addInterceptor(method, { invoke: (o) => void seen.push(`${method} ${String(o.from ?? o.url)}`) })
    const shows: string[] = []
    sim.onPage = (event, page) => event === 'show' && shows.push(page.route)
    // Opened on a page other than the entry page: the back key there relaunches the entry page, by uni.reLaunch.
    sim.systemBack()
    await sim.settle()
    expect(sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home'])
    sim.tapTabBar('/pages/mine/mine')
    await sim.settle()
    sim.tapTabBar('/pages/mine/mine')
    await sim.settle()
    expect(seen).toEqual(['navigateBack backbutton', 'reLaunch /pages/home/home', 'switchTab tabBar', 'switchTab tabBar'])
    expect(shows).toEqual(['pages/home/home', 'pages/mine/mine'])
    // A tab page offers to quit: the page stays, and uni says ok.
    expect(await call(sim.uni.navigateBack, {})).toBe('navigateBack:ok')
    expect(sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/mine/mine'])
  })

  it("hands navigateTo's success an eventChannel, as uni-h5 and WeChat do", async () => {
    const sim = simulator('h5')
    const result = await new Promise<UniCallbackResult>((resolve) => sim.uni.navigateTo({ url: '/pages/detail/detail', success: resolve }))
    expect(result).toMatchObject({ errMsg: 'navigateTo:ok', eventChannel: expect.objectContaining({ emit: expect.any(Function) }) })
  })

  it('fails like WeChat: 10-page limit, tab rules, a query on switchTab, unknown pages', async () => {
    const sim = simulator('mp-weixin')
    for (let i = 0; i < 9; i++) expect(await call(sim.uni.navigateTo, { url: '/pages/detail/detail' })).toBe('navigateTo:ok')
    expect(await call(sim.uni.navigateTo, { url: '/pages/detail/detail' })).toBe('navigateTo:fail webview count limit exceed')
    expect(await call(sim.uni.redirectTo, { url: '/pages/mine/mine' })).toBe('redirectTo:fail can not redirectTo a tabbar page')
    expect(await call(sim.uni.switchTab, { url: '/pages/detail/detail' })).toBe('switchTab:fail can not switch to no-tabBar page')
    expect(await call(sim.uni.switchTab, { url: '/pages/mine/mine?x=1' })).toMatch(/^switchTab:fail/)
    expect(await call(sim.uni.navigateTo, { url: '/pages/nope/nope' })).toBe('navigateTo:fail page "pages/nope/nope" is not found')
  })

  it('clamps navigateBack to the first page and fails on the first page', async () => {
    const sim = simulator('h5')
    await call(sim.uni.navigateTo, { url: '/pages/detail/detail' })
    await call(sim.uni.navigateTo, { url: '../user/profile' })
    expect(sim.getCurrentPages().map((p) => p.route)).toEqual(['pages/home/home', 'pages/detail/detail', 'pages/user/profile'])
    expect(await call(sim.uni.navigateBack, { delta: 9 })).toBe('navigateBack:ok')
    // uni-h5 answers before the pages leave (history.go, then popstate).
    expect(sim.getCurrentPages()).toHaveLength(3)
    await sim.settle()
    expect(sim.getCurrentPages()).toHaveLength(1)
    expect(await call(sim.uni.navigateBack, {})).toMatch(/^navigateBack:fail/)
  })

  it('answers later, never inside the call', () => {
    const sim = simulator('mp-weixin')
    let answered = false
    sim.uni.navigateTo({ url: '/pages/detail/detail', complete: () => (answered = true) })
    expect(answered).toBe(false)
    return sim.settle().then(() => expect(answered).toBe(true))
  })

  it("runs a global interceptor's hooks (uni.addInterceptor({ … })) before a method's own, on every API", async () => {
    const sim = simulator('mp-weixin')
    const order: string[] = []
    sim.uni.addInterceptor('navigateTo', { invoke: () => void order.push('navigateTo invoke'), returnValue: () => void order.push('navigateTo returnValue') })
    const everywhere = { invoke: (o: UniCallOptions) => void order.push(`global invoke ${o.url ?? o.delta}`), returnValue: () => void order.push('global returnValue') }
    sim.uni.addInterceptor(everywhere)
    sim.uni.navigateTo({ url: '/pages/detail/detail', success() {} })
    sim.uni.navigateBack({ delta: 1, success() {} })
    sim.uni.removeInterceptor(everywhere)
    sim.uni.navigateBack({ delta: 1, success() {} })
    await sim.settle()
    expect(order).toEqual([
      'global invoke /pages/detail/detail',
      'navigateTo invoke',
      'global returnValue',
      'navigateTo returnValue',
      'global invoke 1',
      'global returnValue',
    ])
  })

  it('runs interceptors as uni-h5 does: sync false cancels silently, a Promise of false does not', async () => {
    const sim = simulator('h5')
    let heard = 0
    sim.uni.addInterceptor('navigateTo', { invoke: () => false })
    sim.uni.navigateTo({ url: '/pages/detail/detail', complete: () => heard++ })
    await sim.settle()
    expect(heard).toBe(0)
    expect(sim.getCurrentPages()).toHaveLength(1)
    sim.uni.removeInterceptor('navigateTo')
    sim.uni.addInterceptor('navigateTo', { invoke: (o) => Promise.resolve(o) })
    await call(sim.uni.navigateTo, { url: '/pages/detail/detail' })
    expect(sim.getCurrentPages()).toHaveLength(2)
    sim.uni.removeInterceptor('navigateTo')
    sim.uni.addInterceptor('redirectTo', { invoke: () => Promise.resolve(false) })
    // The Promise's value (false) becomes the options: the API runs, without a url.
    const errMsg = await new Promise<string>((resolve) => {
      sim.uni.redirectTo({ url: '/pages/user/profile' })
      sim.onCall = (_method, options) => resolve(String(options))
    })
    expect(errMsg).toBe('false')
  })
})
