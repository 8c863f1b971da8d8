import { afterEach, describe, expect, it } from 'vitest'
import { openMiniProgram } from '../../../uni_modules/navi-kit/index'
import type { LaunchError } from '../../../uni_modules/navi-kit/errors'
import { fakeUni, useSeam } from './fakes'
import type { FakeUni } from './fakes'

let restore: () => void = () => {}
afterEach(() => restore())

function onWeixin(options: { embedded?: boolean } = {}): FakeUni {
  const uni = fakeUni(options)
  restore = useSeam({ platform: () => 'mp-weixin', uni })
  return uni
}

const target = {
  appId: 'wx4e1ba651bbe36d01',
  path: 'pages/goods/goods',
  query: { id: 42, q: 'a b' },
  extraData: { from: 'navi' },
  envVersion: 'trial' as const,
}
const expectedOptions = {
  appId: 'wx4e1ba651bbe36d01',
  path: 'pages/goods/goods?id=42&q=a%20b',
  extraData: { from: 'navi' },
  envVersion: 'trial',
}

describe('openMiniProgram on mp-weixin', () => {
  it('opens half-screen when openEmbeddedMiniProgram exists, with the query in path', async () => {
    const uni = onWeixin({ embedded: true })
    await expect(openMiniProgram(target)).resolves.toEqual({ via: 'openEmbeddedMiniProgram' })
    expect(uni.calls).toEqual([{ api: 'openEmbeddedMiniProgram', options: expectedOptions }])
  })

  it('falls back to navigateToMiniProgram with the same options when half-screen is refused', async () => {
    const uni = onWeixin({ embedded: true })
    uni.answers.openEmbeddedMiniProgram = { ok: false, errMsg: 'openEmbeddedMiniProgram:fail appId not in embeddedAppIdList' }
    await expect(openMiniProgram(target)).resolves.toEqual({ via: 'navigateToMiniProgram' })
    expect(uni.calls.map((call) => call.api)).toEqual(['openEmbeddedMiniProgram', 'navigateToMiniProgram'])
    expect(uni.calls[1].options).toEqual(expectedOptions)
  })

  it('uses navigateToMiniProgram where half-screen is missing, or when embedded is false', async () => {
    let uni = onWeixin()
    await expect(openMiniProgram({ ...target, embedded: true })).resolves.toEqual({ via: 'navigateToMiniProgram' })
    expect(uni.calls.map((call) => call.api)).toEqual(['navigateToMiniProgram'])
    restore()
    uni = onWeixin({ embedded: true })
    await expect(openMiniProgram({ ...target, embedded: false })).resolves.toEqual({ via: 'navigateToMiniProgram' })
    expect(uni.calls.map((call) => call.api)).toEqual(['navigateToMiniProgram'])
  })

  it('does not fall back when the user cancels the half-screen prompt', async () => {
    const uni = onWeixin({ embedded: true })
    uni.answers.openEmbeddedMiniProgram = { ok: false, errMsg: 'openEmbeddedMiniProgram:fail cancel' }
    await expect(openMiniProgram(target)).rejects.toMatchObject({
      code: 'cancelled',
      errMsg: 'openEmbeddedMiniProgram:fail cancel',
    })
    expect(uni.calls.map((call) => call.api)).toEqual(['openEmbeddedMiniProgram'])
  })

  it("maps navigateToMiniProgram's fail cancel to cancelled and other failures to platform", async () => {
    const uni = onWeixin()
    uni.answers.navigateToMiniProgram = { ok: false, errMsg: 'navigateToMiniProgram:fail cancel' }
    await expect(openMiniProgram(target)).rejects.toMatchObject({ name: 'LaunchError', code: 'cancelled' })
    uni.answers.navigateToMiniProgram = { ok: false, errMsg: 'navigateToMiniProgram:fail invalid appid' }
    const error: LaunchError = await openMiniProgram(target).catch((e) => e)
    expect(error).toMatchObject({ code: 'platform', errMsg: 'navigateToMiniProgram:fail invalid appid', via: 'navigateToMiniProgram' })
    expect(error.message).toContain('invalid appid')
  })

  it('passes shortLink through and needs no appId with it; refuses neither', async () => {
    const uni = onWeixin()
    await openMiniProgram({ appId: '', shortLink: '#小程序://示例/页面/9pZvnVw3KMCQpVp' })
    expect(uni.calls[0].options).toMatchObject({ shortLink: '#小程序://示例/页面/9pZvnVw3KMCQpVp' })
    await expect(openMiniProgram({ appId: '' })).rejects.toMatchObject({ code: 'invalid' })
    expect(uni.calls).toHaveLength(1)
  })

  it('leaves out what was not given', async () => {
    const uni = onWeixin()
    await openMiniProgram({ appId: 'wx4e1ba651bbe36d01' })
    expect(uni.calls[0].options).toEqual({ appId: 'wx4e1ba651bbe36d01', path: undefined })
  })
})
