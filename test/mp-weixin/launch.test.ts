/**
 * The launcher on mp-weixin: the demo's launch page compiled for WeChat, in
 * miniprogram-simulate, tapping its buttons. WeChat's two APIs are faked
 * (support/mp-weixin/mini-program-launch.ts) so each test decides how WeChat
 * answers, and checks what the app asked WeChat for and what the page shows.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildDir } from '../support/build'
import { bootMiniProgram, type MiniProgram, type MpPage } from '../support/mp-weixin/mini-program'
import { installMiniProgramLaunchFake, type MiniProgramLaunchFake } from '../support/mp-weixin/mini-program-launch'

/** What the demo's launch page opens (pages/launch/launch.vue), written out: its default target has no extraData, no envVersion. */
const EXPECTED_OPTIONS = { appId: 'wx4e1ba651bbe36d01', path: 'pages/index/index?id=42&from=navi-kit' }
/** "#open-embedded" adds what only mini programs pass on. */
const EXPECTED_WITH_EXTRAS = { ...EXPECTED_OPTIONS, extraData: { from: 'navi-kit', uid: 'u-1' }, envVersion: 'trial' }
const LAUNCH = 'pages/launch/launch'

let mp: MiniProgram
let wechat: MiniProgramLaunchFake
let page: MpPage

beforeAll(() => {
  mp = bootMiniProgram(buildDir('mp-weixin'))
})

beforeEach(async () => {
  page = await mp.relaunch(`/${LAUNCH}`)
  wechat = installMiniProgramLaunchFake()
})

afterEach(() => wechat.restore())

const showsResult = (expected: string | RegExp) =>
  mp.waitFor(() => expect(page.text('#result')).toMatch(expected))

describe('mp-weixin: openMiniProgram', () => {
  it('the demo shows the route buttons and the WeChat scheme the builders make', () => {
    expect(page.text('#platform')).toContain('mp-weixin')
    expect(page.text('#built-weixin')).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/index/index&query=id%3D42%26from%3Dnavi-kit',
    )
  })

  it('opens half-screen first: wx.openEmbeddedMiniProgram with appId and path?query, nothing else', async () => {
    page.tap('#open-default')
    await showsResult(/^ok via=openEmbeddedMiniProgram$/)
    expect(wechat.calls).toEqual([
      { api: 'openEmbeddedMiniProgram', options: EXPECTED_OPTIONS, errMsg: 'openEmbeddedMiniProgram:ok' },
    ])
  })

  it('passes extraData and envVersion on to WeChat as given', async () => {
    page.tap('#open-embedded')
    await showsResult(/^ok via=openEmbeddedMiniProgram$/)
    expect(wechat.calls).toEqual([
      { api: 'openEmbeddedMiniProgram', options: EXPECTED_WITH_EXTRAS, errMsg: 'openEmbeddedMiniProgram:ok' },
    ])
  })

  it('falls back to wx.navigateToMiniProgram, with the same options, when WeChat refuses the half-screen open', async () => {
    wechat.answer('openEmbeddedMiniProgram', { fail: 'appId is not in the embedded list' })
    page.tap('#open-embedded')
    await showsResult(/^ok via=navigateToMiniProgram$/)
    expect(wechat.calls.map((call) => [call.api, call.options, call.errMsg])).toEqual([
      ['openEmbeddedMiniProgram', EXPECTED_WITH_EXTRAS, 'openEmbeddedMiniProgram:fail appId is not in the embedded list'],
      ['navigateToMiniProgram', EXPECTED_WITH_EXTRAS, 'navigateToMiniProgram:ok'],
    ])
  })

  it('falls back to wx.navigateToMiniProgram when the base library has no openEmbeddedMiniProgram', async () => {
    wechat.answer('openEmbeddedMiniProgram', 'missing')
    page.tap('#open-default')
    await showsResult(/^ok via=navigateToMiniProgram$/)
    expect(wechat.calls).toEqual([{ api: 'navigateToMiniProgram', options: EXPECTED_OPTIONS, errMsg: 'navigateToMiniProgram:ok' }])
  })

  it('a user who cancels the half-screen prompt is not asked again: cancelled, no fallback', async () => {
    wechat.answer('openEmbeddedMiniProgram', 'cancel')
    page.tap('#open-default')
    await showsResult(/^cancelled: openEmbeddedMiniProgram: openEmbeddedMiniProgram:fail cancel$/)
    await mp.settle(50)
    expect(wechat.calls.map((call) => call.api)).toEqual(['openEmbeddedMiniProgram'])
  })

  it('when both refuse, the page shows the platform error with WeChat’s errMsg', async () => {
    wechat.answer('openEmbeddedMiniProgram', { fail: 'appId is not in the embedded list' })
    wechat.answer('navigateToMiniProgram', { fail: 'invalid appid' })
    page.tap('#open-default')
    await showsResult(/^platform: navigateToMiniProgram: navigateToMiniProgram:fail invalid appid$/)
    expect(wechat.calls.map((call) => call.api)).toEqual(['openEmbeddedMiniProgram', 'navigateToMiniProgram'])
  })

  it('the full-open button goes straight to wx.navigateToMiniProgram', async () => {
    page.tap('#open-full')
    await showsResult(/^ok via=navigateToMiniProgram$/)
    expect(wechat.calls).toEqual([{ api: 'navigateToMiniProgram', options: EXPECTED_OPTIONS, errMsg: 'navigateToMiniProgram:ok' }])
  })

  it('<navi-launch-weapp> on mp-weixin is a tap target that opens the mini program the same way', async () => {
    const component = page.find('#launch-weapp')
    expect(component).not.toBeNull()
    const target = component?.querySelector('.navi-launch-weapp')
    expect(target).not.toBeNull()
    target?.dispatchEvent('tap')
    await showsResult(/^ok via=openEmbeddedMiniProgram$/)
    expect(wechat.calls).toEqual([
      { api: 'openEmbeddedMiniProgram', options: EXPECTED_OPTIONS, errMsg: 'openEmbeddedMiniProgram:ok' },
    ])
  })
})

describe('mp-weixin: navigateBackMiniProgram', () => {
  it('returns to the opener with extraData', async () => {
    page.tap('#back-mp')
    await showsResult(/^ok navigateBackMiniProgram$/)
    expect(wechat.calls).toEqual([
      { api: 'navigateBackMiniProgram', options: { extraData: { from: 'navi-kit' } }, errMsg: 'navigateBackMiniProgram:ok' },
    ])
  })

  it('opened without an opener, WeChat refuses: the page shows the platform error', async () => {
    wechat.answer('navigateBackMiniProgram', { fail: 'not opened by another mini program' })
    page.tap('#back-mp')
    await showsResult(/^platform: navigateBackMiniProgram: navigateBackMiniProgram:fail not opened by another mini program$/)
  })
})
