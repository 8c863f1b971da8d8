import { afterEach, describe, expect, it } from 'vitest'
import {
  configureOpenTag,
  openTagError,
  openTagHtml,
  openTagPath,
  signatureUrl,
} from '../../../uni_modules/navi-kit/launch/openTag'
import type { WxSdk } from '../../../uni_modules/navi-kit/launch/openTag'
import { fakeLinkService, flush, useSeam } from './fakes'

const ANDROID_WECHAT = 'Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0.47'
const IOS_WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47'

let restore: () => void = () => {}
afterEach(() => restore())

describe('the open tag markup', () => {
  it('adds .html to the page and appends the encoded query', () => {
    expect(openTagPath('/pages/goods/goods', { id: 42, q: 'a b' })).toBe('pages/goods/goods.html?id=42&q=a%20b')
    expect(openTagPath('pages/goods/goods.html', 'id=1')).toBe('pages/goods/goods.html?id=1')
    expect(openTagPath()).toBe('')
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
  })

  function fakeSdk(outcome: 'ready' | 'error') {
    const configs: Parameters<WxSdk['config']>[0][] = []
    let onReady = () => {}
    let onError: (result: { errMsg?: string }) => void = () => {}
    const sdk: WxSdk = {
      config: (options) => {
        configs.push(options)
        queueMicrotask(() => (outcome === 'ready' ? onReady() : onError({ errMsg: 'config:invalid signature' })))
      },
      ready: (callback) => (onReady = callback),
      error: (callback) => (onError = callback),
    }
    return { sdk, configs }
  }

  it('configures once per page URL with the signed config and openTagList, again when the URL changes', async () => {
    const service = fakeLinkService()
    const location = { href: 'https://m.shop.test/p/one#/pages/a/a' }
    restore = useSeam({ request: service.request, userAgent: () => ANDROID_WECHAT, location: () => location })
    const signed = { appId: 'wxoa0000000000000a', timestamp: 1795379600, nonceStr: 'abc', signature: 'f00d', sandbox: true }
    service.answers.push({ status: 200, body: signed }, { status: 200, body: { ...signed, signature: 'beef' } })
    const { sdk, configs } = fakeSdk('ready')

    await Promise.all([configureOpenTag('http://svc.test', async () => sdk), configureOpenTag('http://svc.test', async () => sdk)])
    location.href = 'https://m.shop.test/p/one#/pages/b/b' // hash route change: same signature
    await configureOpenTag('http://svc.test', async () => sdk)
    expect(service.calls.map((call) => call.url)).toEqual([
      'http://svc.test/v1/wechat/jssdk-config?url=https%3A%2F%2Fm.shop.test%2Fp%2Fone',
    ])
    expect(configs).toEqual([
      {
        debug: false,
        appId: 'wxoa0000000000000a',
        timestamp: 1795379600,
        nonceStr: 'abc',
        signature: 'f00d',
        jsApiList: ['chooseImage'],
        openTagList: ['wx-open-launch-weapp'],
      },
    ])

    location.href = 'https://m.shop.test/p/two' // history-mode route change
    await configureOpenTag('http://svc.test', async () => sdk)
    expect(service.calls).toHaveLength(2)
    expect(configs[1].signature).toBe('beef')
  })

  it('a rejected config (wx.error) rejects platform with errMsg, and the next tag tries again', async () => {
    const service = fakeLinkService()
    restore = useSeam({ request: service.request, userAgent: () => ANDROID_WECHAT, location: () => ({ href: 'https://m.shop.test/p/err' }) })
    const body = { appId: 'wxoa', timestamp: 1, nonceStr: 'n', signature: 's' }
    service.answers.push({ status: 200, body }, { status: 200, body })
    const failing = fakeSdk('error')
    await expect(configureOpenTag('http://svc.test', async () => failing.sdk)).rejects.toMatchObject({
      code: 'platform',
      errMsg: 'config:invalid signature',
    })
    await flush()
    const working = fakeSdk('ready')
    await configureOpenTag('http://svc.test', async () => working.sdk)
    expect(service.calls).toHaveLength(2)
    expect(working.configs).toHaveLength(1)
  })
})
