/**
 * H5 and an Alipay target: the WeChat link service can only mint links to its
 * own WeChat mini program, so an Alipay AppID must not reach it (it would
 * open the wrong app); the launcher says so instead.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openMiniProgram } from '../../../uni_modules/navi-kit/index'
import { FakeClock, fakeLinkService, useSeam } from './fakes'

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1'
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36'
const ALIPAY = { appId: '2021002161234567', path: 'pages/index/index', query: { id: 42 } }

let restore: () => void = () => {}
afterEach(() => restore())

function inBrowser(userAgent: string) {
  const browser = { location: { href: 'http://shop.test/#/pages/launch/launch' }, service: fakeLinkService(), clock: new FakeClock() }
  restore = useSeam({
    platform: () => 'h5',
    userAgent: () => userAgent,
    location: () => browser.location,
    documentHidden: () => false,
    request: browser.service.request,
    setTimeout: browser.clock.setTimeout,
    clearTimeout: browser.clock.clearTimeout,
  })
  return browser
}

describe('openMiniProgram on H5 with an Alipay AppID', () => {
  it.each([
    ['iPhone', IPHONE],
    ['Android', ANDROID],
  ])('%s: rejects unsupported naming Alipay; no link is minted and nothing is opened', async (_name, userAgent) => {
    const browser = inBrowser(userAgent)
    await expect(openMiniProgram(ALIPAY, { linkService: 'http://links.test' })).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringContaining('Alipay'),
    })
    await expect(openMiniProgram({ ...ALIPAY, plaintext: true })).rejects.toMatchObject({ code: 'unsupported' })
    expect(browser.service.calls).toEqual([])
    expect(browser.location.href).toBe('http://shop.test/#/pages/launch/launch')
  })

  it('a WeChat AppID still goes to the link service', async () => {
    const browser = inBrowser(IPHONE)
    void openMiniProgram({ ...ALIPAY, appId: 'wx4e1ba651bbe36d01' }, { linkService: 'http://links-wechat.test' }).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(browser.service.calls.map((call) => call.url)).toEqual(['http://links-wechat.test/v1/wechat/scheme'])
  })
})
