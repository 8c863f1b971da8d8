/**
 * wx.config for the open tag against the real weixin-js-sdk, as the WeChat
 * browser runs it: the SDK talks to `window.WeixinJSBridge` (played here,
 * answering each verification when the test says), calls every ready callback
 * at once after the page's first config, and hands a failed verification to
 * the last error callback registered, whenever it arrives.
 *
 * The SDK reads the user agent once, when it loads, and keeps one state for
 * the page: this file loads it once, and its tests run in order as one page's
 * life (the first test makes the page's first wx.config).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { compileScript, parse } from '@vue/compiler-sfc'
import { transform } from 'esbuild'
import * as uniApp from '@dcloudio/uni-app'
import * as vue from 'vue'
import { createApp, defineComponent, getCurrentInstance, h } from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import * as errorsModule from '../../../uni_modules/navi-kit/errors'
import type { LaunchError } from '../../../uni_modules/navi-kit/errors'
import * as launchModule from '../../../uni_modules/navi-kit/launch'
import * as openTagModule from '../../../uni_modules/navi-kit/launch/openTag'
import { configureOpenTag, onOpenTagConfigError } from '../../../uni_modules/navi-kit/launch/openTag'
import * as platformModule from '../../../uni_modules/navi-kit/platform'
import type { WxSdk } from '../../../uni_modules/navi-kit/launch/openTag'
import { fakeLinkService, useSeam } from './fakes'
import type { FakeService } from './fakes'

const UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.50.2701'
const SVC = 'http://svc.test'
const root = path.resolve(__dirname, '../../..')

/** WeChat's side of the JS-SDK: it records each wx.config verification and answers when told. */
const bridge = {
  configs: [] as Record<string, unknown>[],
  waiting: [] as ((result: { err_msg: string }) => void)[],
  /** WeChat answers the oldest verification it has not answered yet. */
  answer(errMsg: 'config:ok' | 'config:invalid signature'): void {
    const callback = bridge.waiting.shift()
    if (!callback) throw new Error('no wx.config is waiting for WeChat')
    callback({ err_msg: errMsg })
  },
}

let sdkModule: { default?: WxSdk }
let wx: WxSdk
const loadSdk = async (): Promise<WxSdk> => wx

beforeAll(async () => {
  // Set before the SDK loads: it reads both then (and error() needs WeChat ≥ 6.0.2).
  Object.defineProperty(navigator, 'userAgent', { configurable: true, get: () => UA })
  Object.assign(window, {
    WeixinJSBridge: {
      invoke(name: string, args: Record<string, unknown>, callback: (result: { err_msg: string }) => void) {
        // Only the verification is played; the SDK's own report (getNetworkType) gets no answer.
        if (name !== 'preVerifyJSAPI') return
        bridge.configs.push(JSON.parse(JSON.stringify(args)) as Record<string, unknown>)
        bridge.waiting.push(callback)
      },
      on() {},
    },
  })
  sdkModule = (await import('weixin-js-sdk')) as { default?: WxSdk }
  wx = (sdkModule.default ?? sdkModule) as WxSdk
})

let restore: () => void = () => {}
afterEach(() => {
  restore()
  expect(bridge.waiting).toEqual([])
  bridge.configs.length = 0
})

interface Page {
  location: { href: string }
  service: FakeService
}

/** The WeChat browser on `href`, with a link service that signs each page URL as `sig-<n>`. */
function inWechat(href: string): Page {
  const page: Page = { location: { href }, service: fakeLinkService() }
  let signed = 0
  const request = page.service.request
  page.service.request = (url, init) => {
    page.service.answers.push({
      status: 200,
      body: { appId: 'wxoa0000000000000a', timestamp: 1795379600, nonceStr: 'n', signature: `sig-${++signed}` },
    })
    return request(url, init)
  }
  restore = useSeam({ request: page.service.request, userAgent: () => UA, location: () => page.location })
  return page
}

const configured = (count: number) => vi.waitFor(() => expect(bridge.configs).toHaveLength(count))

describe('configureOpenTag with the real weixin-js-sdk', () => {
  it("the page's first config and its retry: each bad signature reaches the listeners, and the next try signs and configures again", async () => {
    const page = inWechat('https://m.shop.test/p/one#/pages/a/a')
    const errors: LaunchError[] = []
    const stop = onOpenTagConfigError((error) => errors.push(error))

    void configureOpenTag(SVC, loadSdk)
    await configured(1)
    expect(bridge.configs[0]).toMatchObject({
      verifyAppId: 'wxoa0000000000000a',
      verifyTimestamp: '1795379600',
      verifyNonceStr: 'n',
      verifySignature: 'sig-1',
      verifyJsApiList: ['chooseImage'],
      verifyOpenTagList: ['wx-open-launch-weapp'],
    })
    bridge.answer('config:invalid signature')
    expect(errors).toMatchObject([{ name: 'LaunchError', code: 'platform', errMsg: 'config:invalid signature' }])

    // The retry: the SDK now runs ready callbacks at once, so only the error callback tells.
    void configureOpenTag(SVC, loadSdk)
    await configured(2)
    bridge.answer('config:invalid signature')
    expect(errors).toHaveLength(2)

    void configureOpenTag(SVC, loadSdk)
    await configured(3)
    bridge.answer('config:ok')
    await configureOpenTag(SVC, loadSdk) // not rejected: kept for this URL
    expect(bridge.configs).toHaveLength(3)
    expect(page.service.calls).toHaveLength(3)
    expect(errors).toHaveLength(2)
    stop()
  })

  it('an SPA route change to a URL whose signature WeChat rejects after the config resolved: the listeners hear it, the next try configures again', async () => {
    const page = inWechat('https://m.shop.test/p/two')
    const errors: LaunchError[] = []
    const stop = onOpenTagConfigError((error) => errors.push(error))

    await configureOpenTag(SVC, loadSdk) // resolves with WeChat's answer still to come
    await configured(1)
    expect(bridge.configs[0]).toMatchObject({ verifySignature: 'sig-1' })
    expect(errors).toEqual([])
    bridge.answer('config:invalid signature')
    expect(errors).toMatchObject([
      { code: 'platform', errMsg: 'config:invalid signature', message: 'wx.config: config:invalid signature' },
    ])

    void configureOpenTag(SVC, loadSdk)
    await configured(2)
    expect(bridge.configs[1]).toMatchObject({ verifySignature: 'sig-2' })
    bridge.answer('config:ok')
    expect(page.service.calls).toHaveLength(2)
    expect(errors).toHaveLength(1)

    stop()
    void configureOpenTag(SVC, loadSdk)
    page.location.href = 'https://m.shop.test/p/two-b'
    void configureOpenTag(SVC, loadSdk)
    await configured(3)
    bridge.answer('config:invalid signature')
    expect(errors).toHaveLength(1) // unsubscribed
  })

  it('configures once per page URL (several tags, a hash route change share it), again when the URL changes', async () => {
    const page = inWechat('https://m.shop.test/p/three#/pages/a/a')
    await Promise.all([configureOpenTag(SVC, loadSdk), configureOpenTag(SVC, loadSdk)])
    page.location.href = 'https://m.shop.test/p/three#/pages/b/b'
    await configureOpenTag(SVC, loadSdk)
    await configured(1)
    bridge.answer('config:ok')
    expect(page.service.calls.map((call) => call.url)).toEqual([
      `${SVC}/v1/wechat/jssdk-config?url=https%3A%2F%2Fm.shop.test%2Fp%2Fthree`,
    ])

    page.location.href = 'https://m.shop.test/p/four' // history-mode route change
    await configureOpenTag(SVC, loadSdk)
    await configured(2)
    bridge.answer('config:ok')
    expect(page.service.calls).toHaveLength(2)
    expect(bridge.configs[1]).toMatchObject({ verifySignature: 'sig-2' })
  })

  it('two route changes whose signatures come back out of order: only the current URL is configured', async () => {
    const page = inWechat('https://m.shop.test/p/five')
    // The service answers each signature when the test says, in any order.
    const gates: (() => void)[] = []
    const signed = page.service.request
    restore()
    restore = useSeam({
      request: async (url, init) => {
        const answer = await signed(url, init)
        await new Promise<void>((resolve) => gates.push(resolve))
        return answer
      },
      userAgent: () => UA,
      location: () => page.location,
    })

    const first = configureOpenTag(SVC, loadSdk) // /p/five, signed sig-1
    page.location.href = 'https://m.shop.test/p/six'
    const second = configureOpenTag(SVC, loadSdk) // /p/six, signed sig-2
    await vi.waitFor(() => expect(gates).toHaveLength(2))
    gates[1]()
    await second
    await configured(1)
    gates[0]()
    await first
    // Give a stray late config every chance to reach WeChat before looking.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(bridge.configs).toHaveLength(1)
    bridge.answer('config:ok')
    expect(page.service.calls.map((call) => call.url)).toEqual([
      `${SVC}/v1/wechat/jssdk-config?url=https%3A%2F%2Fm.shop.test%2Fp%2Ffive`,
      `${SVC}/v1/wechat/jssdk-config?url=https%3A%2F%2Fm.shop.test%2Fp%2Fsix`,
    ])
    expect(bridge.configs[0]).toMatchObject({ verifySignature: 'sig-2' })

    await configureOpenTag(SVC, loadSdk) // still /p/six: kept, not signed again
    expect(page.service.calls).toHaveLength(2)
  })

  it('a signature the link service could not give (a blip) is asked for again by the next tag on the same URL', async () => {
    const page = inWechat('https://m.shop.test/p/seven')
    page.service.answers.push({ status: 503, body: { error: { code: 'upstream-busy', message: 'WeChat is busy' } } })
    await expect(configureOpenTag(SVC, loadSdk)).rejects.toMatchObject({ code: 'link-service', status: 503 })
    expect(bridge.configs).toHaveLength(0)
    await configureOpenTag(SVC, loadSdk)
    await configured(1)
    bridge.answer('config:ok')
    expect(page.service.calls).toHaveLength(2)
  })
})

/** How many of the component's config-error listeners are subscribed. */
let listening = 0
const listenCounted: typeof onOpenTagConfigError = (listener) => {
  const stop = onOpenTagConfigError(listener)
  listening++
  return () => {
    listening--
    stop()
  }
}

/**
 * The component as uni's H5 build compiles it (the #ifndef H5 template block
 * dropped), compiled here by @vue/compiler-sfc since the unit config has no
 * Vue plugin; its imports are this file's own modules, so the component and
 * the tests above share one openTag module and one SDK.
 */
async function compileComponent(): Promise<Component> {
  // Compile-time flags uni's build defines for its Vue runtime (the `vue` of the unit config).
  Object.assign(globalThis, {
    __UNI_FEATURE_WXS__: false,
    __VUE_OPTIONS_API__: true,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  })
  const file = path.join(root, 'uni_modules/navi-kit/components/navi-launch-weapp/navi-launch-weapp.vue')
  const source = readFileSync(file, 'utf8').replace(/<!-- #ifndef H5 -->[\s\S]*?<!-- #endif -->/g, '')
  const script = compileScript(parse(source, { filename: file }).descriptor, { id: 'navi-launch-weapp', inlineTemplate: true })
  const { code } = await transform(script.content, { loader: 'ts', format: 'cjs' })
  const modules: Record<string, unknown> = {
    vue,
    '@dcloudio/uni-app': uniApp,
    '../../errors': errorsModule,
    '../../launch': launchModule,
    '../../platform': platformModule,
    '../../launch/openTag': { ...openTagModule, onOpenTagConfigError: listenCounted },
    'weixin-js-sdk': sdkModule,
  }
  const require = (id: string): unknown => {
    if (!(id in modules)) throw new Error(`navi-launch-weapp imports ${id}: add it to the test's modules`)
    return modules[id]
  }
  const module = { exports: {} as { default?: Component } }
  // The component's on-demand import('weixin-js-sdk'), from the same table.
  const body = code.replace(/\bimport\((["'])weixin-js-sdk\1\)/, 'Promise.resolve(require("weixin-js-sdk"))')
  new Function('require', 'module', 'exports', body)(require, module, module.exports)
  return module.exports.default as Component
}

describe('<navi-launch-weapp> in the WeChat browser', () => {
  it('emits error when WeChat rejects the config after a route change, and stops listening once unmounted', async () => {
    const page = inWechat('https://m.shop.test/p/five')
    const component = await compileComponent()
    const errors: LaunchError[] = []
    const host = document.createElement('div')
    document.body.append(host)
    const props = { username: 'gh_c047d654ee27', path: 'pages/a/a', linkService: SVC, onError: (error: LaunchError) => errors.push(error) }
    const app = createApp({ render: () => h(component, props, () => h('div', '打开小程序')) })
    app.mount(host)
    expect(host.querySelector('wx-open-launch-weapp')?.getAttribute('username')).toBe('gh_c047d654ee27')
    await configured(1)
    bridge.answer('config:ok')

    page.location.href = 'https://m.shop.test/p/six'
    window.dispatchEvent(new PopStateEvent('popstate'))
    await configured(2)
    bridge.answer('config:invalid signature')
    expect(errors).toMatchObject([{ code: 'platform', errMsg: 'config:invalid signature' }])

    expect(listening).toBe(1)
    app.unmount()
    expect(listening).toBe(0)
    void configureOpenTag(SVC, loadSdk) // the failed URL configures again, for the page's other tags
    await configured(3)
    bridge.answer('config:invalid signature')
    expect(errors).toHaveLength(1)
    host.remove()
  })

  it('signs its page again when the page shows again at its own URL without a popstate (switchTab back, history mode)', async () => {
    const page = inWechat('https://m.shop.test/tab/home')
    const component = await compileComponent()
    // A page as uni-h5 makes one: its instance is the $pageInstance its components inherit, whose onShow hooks
    // (the components' onShow included) uni-h5 calls each time the page shows.
    let pageInstance: { onShow?: (() => void)[] } | undefined
    const Page = defineComponent({
      setup() {
        const instance = getCurrentInstance() as unknown as { $pageInstance: unknown }
        instance.$pageInstance = pageInstance = instance as never
        return () => h(component, { username: 'gh_c047d654ee27', path: 'pages/a/a', linkService: SVC }, () => h('div', '打开小程序'))
      },
    })
    const showPage = () => pageInstance?.onShow?.forEach((hook) => hook())
    const host = document.createElement('div')
    document.body.append(host)
    const app = createApp(Page)
    app.mount(host)
    await configured(1)
    bridge.answer('config:ok')
    showPage() // its first show: the URL configured already, nothing signed again
    // Another page's tag configures its own URL (history mode: no hash), then switchTab comes back by replaceState.
    page.location.href = 'https://m.shop.test/pages/other'
    await configureOpenTag(SVC, loadSdk)
    await configured(2)
    bridge.answer('config:ok')
    page.location.href = 'https://m.shop.test/tab/home'
    showPage()
    await configured(3)
    bridge.answer('config:ok')
    expect(page.service.calls.map((call) => call.url)).toEqual([
      `${SVC}/v1/wechat/jssdk-config?url=https%3A%2F%2Fm.shop.test%2Ftab%2Fhome`,
      `${SVC}/v1/wechat/jssdk-config?url=https%3A%2F%2Fm.shop.test%2Fpages%2Fother`,
      `${SVC}/v1/wechat/jssdk-config?url=https%3A%2F%2Fm.shop.test%2Ftab%2Fhome`,
    ])
    app.unmount()
    host.remove()
  })
})
