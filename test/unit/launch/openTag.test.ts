import { describe, expect, it } from 'vitest'
import {
  openTagError,
  openTagHtml,
  openTagPath,
  signatureUrl,
} from '../../../uni_modules/navi-kit/launch/openTag'

const ANDROID_WECHAT = 'Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.47'
const IOS_WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47'

describe('the open tag markup', () => {
  it('adds .html to the page and appends the encoded query', () => {
    expect(openTagPath('/pages/goods/goods', { id: 42, q: 'a b' })).toBe('pages/goods/goods.html?id=42&q=a%20b')
    expect(openTagPath('pages/goods/goods.html', 'id=1')).toBe('pages/goods/goods.html?id=1')
    expect(openTagPath()).toBe('')
  })

  it("keeps a query the path carries, as uni's docs write one, and joins query to it", () => {
    expect(openTagPath('pages/goods/goods?id=42')).toBe('pages/goods/goods.html?id=42')
    expect(openTagPath('/pages/goods/goods?id=42', { from: 'h5' })).toBe('pages/goods/goods.html?id=42&from=h5')
    expect(openTagPath('pages/goods/goods.html?id=42')).toBe('pages/goods/goods.html?id=42')
  })

  it('parses to a wx-open-launch-weapp with the attributes intact and a wxtag-template holding the content', () => {
    const host = document.createElement('div')
    host.innerHTML = openTagHtml(
      { username: 'gh_c047d654ee27', path: 'pages/a/a.html?x=1&y="2"', envVersion: 'trial' },
      '<button style="width:100%">打开小程序</button>',
    )
    const tag = host.firstElementChild as HTMLElement
    expect(tag.tagName.toLowerCase()).toBe('wx-open-launch-weapp')
    expect(tag.getAttribute('username')).toBe('gh_c047d654ee27')
    expect(tag.getAttribute('path')).toBe('pages/a/a.html?x=1&y="2"')
    expect(tag.getAttribute('env-version')).toBe('trial')
    const template = tag.querySelector('script') as HTMLScriptElement
    expect(template.type).toBe('text/wxtag-template')
    expect(template.textContent).toBe('<button style="width:100%">打开小程序</button>')
  })

  it('leaves out an empty path and an absent envVersion', () => {
    expect(openTagHtml({ username: 'gh_1', path: '' }, 'x')).toBe(
      '<wx-open-launch-weapp username="gh_1" style="display:block"><script type="text/wxtag-template">x</script></wx-open-launch-weapp>',
    )
  })

  it('maps the tag error event: cancel → cancelled, else platform', () => {
    expect(openTagError('launch:fail cancel')).toMatchObject({ code: 'cancelled' })
    expect(openTagError('launch:fail_check fail')).toMatchObject({ code: 'platform', errMsg: 'launch:fail_check fail' })
  })
})

describe('the JS-SDK signature', () => {
  it('signs the URL without #…; on iOS the URL the app was entered with', () => {
    expect(signatureUrl('https://m.shop.test/app/?a=1#/pages/b/b', ANDROID_WECHAT, 'https://m.shop.test/land')).toBe(
      'https://m.shop.test/app/?a=1',
    )
    expect(signatureUrl('https://m.shop.test/app/b#/x', IOS_WECHAT, 'https://m.shop.test/land?from=sms#/home')).toBe(
      'https://m.shop.test/land?from=sms',
    )
    // WeChat on an iPad or an iPod is WeChat on iOS.
    for (const device of ['iPad; CPU OS 17_4', 'iPod touch; CPU iPhone OS 15_8']) {
      const userAgent = IOS_WECHAT.replace(/iPhone; CPU iPhone OS [\d_]+/, device)
      expect(userAgent).toContain(device)
      expect(signatureUrl('https://m.shop.test/app/b#/x', userAgent, 'https://m.shop.test/land#/home')).toBe('https://m.shop.test/land')
    }
  })

  // wx.config itself is tested against the real weixin-js-sdk, in openTag-sdk.test.ts.
})
