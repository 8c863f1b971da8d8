import { afterEach, describe, expect, it } from 'vitest'
import { navigateBackMiniProgram, openMiniProgram } from '../../../uni_modules/navi-kit/index'
import { fakeUni, useSeam } from './fakes'
import type { FakeUni } from './fakes'

let restore: () => void = () => {}
afterEach(() => restore())

function on(platform: string): FakeUni {
  const uni = fakeUni()
  restore = useSeam({ platform: () => platform, uni })
  return uni
}

const target = {
  appId: '2021002161234567',
  path: 'pages/index/index',
  query: { id: 7 },
  extraData: { coupon: 'x' },
  envVersion: 'develop' as const,
}

describe('openMiniProgram on the other mini-program platforms', () => {
  it.each([
    ['mp-alipay', { appId: target.appId, envVersion: 'develop' }],
    // Douyin's own names: latest is its test version (trial and develop), current the release.
    ['mp-toutiao', { appId: target.appId, envVersion: 'latest' }],
    ['mp-qq', { appId: target.appId, envVersion: 'develop' }],
    ['mp-baidu', { appKey: target.appId }],
    ['mp-kuaishou', { appId: target.appId }],
    ['mp-jd', { appId: target.appId }],
    ['mp-lark', { appId: target.appId }],
  ])('%s: uni.navigateToMiniProgram with its field names', async (platform, fields) => {
    const uni = on(platform)
    await expect(openMiniProgram(target)).resolves.toEqual({ via: 'navigateToMiniProgram' })
    expect(uni.calls).toEqual([
      {
        api: 'navigateToMiniProgram',
        options: { ...fields, path: 'pages/index/index?id=7', extraData: { coupon: 'x' } },
      },
    ])
  })

  it('takes the platform from options over the build', async () => {
    const uni = on('mp-weixin')
    await openMiniProgram(target, { platform: 'mp-baidu' })
    expect(uni.calls[0].options).toHaveProperty('appKey', target.appId)
    expect(uni.calls[0].options).not.toHaveProperty('appId')
  })

  it('maps fail cancel to cancelled, other failures to platform with errMsg', async () => {
    const uni = on('mp-alipay')
    uni.answers.navigateToMiniProgram = { ok: false, errMsg: 'navigateToMiniProgram:fail cancel' }
    await expect(openMiniProgram(target)).rejects.toMatchObject({ code: 'cancelled' })
    uni.answers.navigateToMiniProgram = { ok: false, errMsg: 'navigateToMiniProgram:fail 目标小程序不存在' }
    await expect(openMiniProgram(target)).rejects.toMatchObject({
      code: 'platform',
      errMsg: 'navigateToMiniProgram:fail 目标小程序不存在',
    })
  })

  it("Douyin gets its own version names: release → current, trial and develop → latest", async () => {
    const uni = on('mp-toutiao')
    for (const envVersion of ['release', 'trial', 'develop', undefined] as const) await openMiniProgram({ appId: target.appId, envVersion })
    expect(uni.calls.map((call) => call.options.envVersion)).toEqual(['current', 'latest', 'latest', 'current'])
  })

  it('refuses an envVersion no platform knows, and an unknown target, before calling uni', async () => {
    const uni = on('mp-alipay')
    await expect(openMiniProgram({ appId: target.appId, envVersion: 'beta' as never })).rejects.toMatchObject({
      code: 'invalid',
      message: 'envVersion must be release, trial or develop',
    })
    await expect(openMiniProgram(undefined as never)).rejects.toMatchObject({ code: 'invalid', message: /^target must be an object/ })
    expect(uni.calls).toEqual([])
  })

  it('joins the query to a path that carries its own, as uni writes one', async () => {
    const uni = on('mp-alipay')
    await openMiniProgram({ appId: target.appId, path: '/pages/a/a?from=ad', query: { id: 7 } })
    expect(uni.calls[0].options.path).toBe('pages/a/a?from=ad&id=7')
  })

  it('refuses a query holding text cut inside an emoji as invalid, before calling uni', async () => {
    const uni = on('mp-alipay')
    await expect(openMiniProgram({ appId: target.appId, path: 'pages/a/a', query: { q: '😀😀'.slice(0, 3) } })).rejects.toMatchObject({
      code: 'invalid',
      message: /^query holds half an emoji/,
    })
    expect(uni.calls).toEqual([])
  })

  it('says unsupported when uni has no navigateToMiniProgram here (an old base library)', async () => {
    const uni = on('mp-alipay')
    restore()
    restore = useSeam({ platform: () => 'mp-alipay', uni: { ...uni, navigateToMiniProgram: undefined as never } })
    await expect(openMiniProgram(target)).rejects.toMatchObject({ code: 'unsupported', message: /uni\.navigateToMiniProgram is missing/ })
  })

  it('refuses a missing appId before calling uni', async () => {
    const uni = on('mp-toutiao')
    await expect(openMiniProgram({ appId: '' })).rejects.toMatchObject({ code: 'invalid', message: /appId/ })
    expect(uni.calls).toEqual([])
  })

  it.each(['mp-xhs', 'quickapp-webview', 'mp-360', 'mp-harmony'])('%s: unsupported, uni untouched', async (platform) => {
    const uni = on(platform)
    await expect(openMiniProgram(target)).rejects.toMatchObject({ name: 'LaunchError', code: 'unsupported', message: new RegExp(platform) })
    expect(uni.calls).toEqual([])
  })
})

describe('navigateBackMiniProgram', () => {
  it.each(['mp-weixin', 'mp-alipay', 'mp-baidu', 'mp-toutiao', 'mp-qq', 'mp-kuaishou', 'mp-jd'])(
    '%s: hands extraData back through uni',
    async (platform) => {
      const uni = on(platform)
      await expect(navigateBackMiniProgram({ paid: true })).resolves.toBeUndefined()
      expect(uni.calls).toEqual([{ api: 'navigateBackMiniProgram', options: { extraData: { paid: true } } }])
    },
  )

  it.each(['mp-lark', 'h5', 'app'])('%s: unsupported', async (platform) => {
    const uni = on(platform)
    await expect(navigateBackMiniProgram()).rejects.toMatchObject({ code: 'unsupported' })
    expect(uni.calls).toEqual([])
  })

  it("keeps uni's errMsg when it fails (not opened by another mini program)", async () => {
    const uni = on('mp-weixin')
    uni.answers.navigateBackMiniProgram = { ok: false, errMsg: 'navigateBackMiniProgram:fail not from another mini program' }
    await expect(navigateBackMiniProgram()).rejects.toMatchObject({
      code: 'platform',
      errMsg: 'navigateBackMiniProgram:fail not from another mini program',
    })
    expect(uni.calls[0].options).toEqual({})
  })
})
