import { afterEach, describe, expect, it } from 'vitest'
import { openMiniProgram } from '../../../uni_modules/navi-kit/index'
import type { LaunchError } from '../../../uni_modules/navi-kit/errors'
import { FakeClock, fakePlus, useSeam } from './fakes'
import type { FakePlus } from './fakes'

let restore: () => void = () => {}
afterEach(() => restore())

function onApp(plus: FakePlus | null = fakePlus()): { plus: FakePlus; clock: FakeClock } {
  const clock = new FakeClock()
  restore = useSeam({ platform: () => 'app', plus: () => plus ?? undefined, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout })
  return { plus: plus as FakePlus, clock }
}

const weixinTarget = { appId: 'wx4e1ba651bbe36d01', originalId: 'gh_c047d654ee27', path: 'pages/a/a', query: { id: 1 } }

describe('openMiniProgram in the App: WeChat through plus.share', () => {
  it('launches the weixin service with the original id, path + query and type 0 for release', async () => {
    const { plus } = onApp()
    await expect(openMiniProgram(weixinTarget)).resolves.toEqual({ via: 'plus.share' })
    expect(plus.launches).toEqual([{ id: 'gh_c047d654ee27', path: 'pages/a/a?id=1', type: 0 }])
  })

  it.each([
    ['develop', 1],
    ['trial', 2],
    ['release', 0],
  ] as const)('envVersion %s → type %i', async (envVersion, type) => {
    const { plus } = onApp()
    await openMiniProgram({ ...weixinTarget, envVersion })
    expect(plus.launches[0].type).toBe(type)
  })

  it('needs originalId (gh_…) and says where to find it', async () => {
    const { plus } = onApp()
    await expect(openMiniProgram({ appId: 'wx4e1ba651bbe36d01' })).rejects.toMatchObject({ code: 'invalid', message: /originalId.*gh_/ })
    // The AppID given as the original id: the same clear error, not an opaque plus.share failure.
    await expect(openMiniProgram({ appId: 'wx4e1ba651bbe36d01', originalId: 'wx4e1ba651bbe36d01' })).rejects.toMatchObject({
      code: 'invalid',
      message: /originalId.*gh_/,
    })
    expect(plus.launches).toEqual([])
  })

  it('without a weixin share service: unsupported, telling how to configure manifest.json', async () => {
    const plus = fakePlus()
    plus.services = plus.services.filter((service) => service.id !== 'weixin')
    onApp(plus)
    const error: LaunchError = await openMiniProgram(weixinTarget).catch((e) => e)
    expect(error.code).toBe('unsupported')
    expect(error.message).toMatch(/manifest\.json/)
    expect(error.message).toMatch(/微信分享/)
    expect(error.message).toMatch(/appid/)
  })

  it('WeChat not installed: nativeClient false, error code -8 or the 未安装 message → not-installed', async () => {
    let { plus } = onApp()
    plus.services[1].nativeClient = false
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'not-installed' })
    expect(plus.launches).toEqual([])
    restore()
    ;({ plus } = onApp())
    plus.launchError = { code: -8, message: '客户端未安装' }
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'not-installed' })
    // The code alone says it, whatever the message.
    plus.launchError = { code: -8, message: 'share failed' }
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'not-installed' })
    plus.launchError = { code: -8 }
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'not-installed' })
    plus.launchError = { code: -100, message: '微信未安装' }
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'not-installed', errMsg: '微信未安装' })
  })

  it('user cancel → cancelled; other launch errors → platform with the message; getServices failure → platform', async () => {
    const { plus } = onApp()
    plus.launchError = { code: -2, message: '用户取消' }
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'cancelled' })
    plus.launchError = { code: -99, message: '参数错误' }
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'platform', errMsg: '参数错误', via: 'plus.share' })
    plus.servicesError = { code: 10, message: 'share module missing' }
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'platform', errMsg: 'share module missing' })
  })

  it('without plus (not in the App runtime): unsupported', async () => {
    onApp(null)
    await expect(openMiniProgram(weixinTarget)).rejects.toMatchObject({ code: 'unsupported' })
  })
})

describe('openMiniProgram in the App: Alipay through plus.runtime.openURL', () => {
  const alipayTarget = { appId: '2021002161234567', path: '/pages/index/index', query: { key1: 'value1', key2: 'value2' } }

  it("joins a query the path carries, and encodes the page's and the launch query's raw text once, CJK included", async () => {
    const { plus, clock } = onApp()
    const opening = openMiniProgram({ appId: '2021002161234567', path: '/pages/a/a?from=app', query: { name: '中' } })
    await clock.advance(1000)
    await opening
    expect(plus.openedUrls).toEqual([
      'alipays://platformapi/startapp?appId=2021002161234567&page=pages/a/a?from%3Dapp%26name%3D%E4%B8%AD&query=from%3Dapp%26name%3D%E4%B8%AD',
    ])
  })

  it('opens the alipays:// scheme (the query in the page, for its onLoad, and in the launch query) and resolves once openURL raised no error', async () => {
    const { plus, clock } = onApp()
    let settled = false
    const opening = openMiniProgram(alipayTarget).finally(() => (settled = true))
    await clock.advance(100)
    expect(settled).toBe(false)
    await clock.advance(1000)
    await expect(opening).resolves.toEqual({
      via: 'plus.runtime.openURL',
      url: 'alipays://platformapi/startapp?appId=2021002161234567&page=pages/index/index?key1%3Dvalue1%26key2%3Dvalue2&query=key1%3Dvalue1%26key2%3Dvalue2',
    })
    expect(plus.openedUrls).toEqual([
      'alipays://platformapi/startapp?appId=2021002161234567&page=pages/index/index?key1%3Dvalue1%26key2%3Dvalue2&query=key1%3Dvalue1%26key2%3Dvalue2',
    ])
    expect(plus.launches).toEqual([])
  })

  it('Alipay missing (openURL error) → not-installed', async () => {
    const { plus, clock } = onApp()
    plus.openUrlError = { code: -1, message: 'no app handles alipays' }
    const opening = openMiniProgram(alipayTarget)
    await clock.advance(1000)
    await expect(opening).rejects.toMatchObject({ code: 'not-installed', errMsg: 'no app handles alipays' })
  })
})
