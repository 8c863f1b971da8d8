import { describe, expect, it } from 'vitest'
import { SANDBOX_APP, SANDBOX_OA, startEmulator } from '../../src/emulator'
import { createLinkService } from '../../src/service/createLinkService'
import { createNonce, jssdkSignature } from '../../src/wechat/jssdk'
import { coreConfig } from './setup/core'

// JS-SDK 附录1 worked example (the WeCom/WeChat docs' example with a query in the URL).
const TICKET = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'

describe('JS-SDK signature (附录1)', () => {
  it('matches the official worked example', () => {
    expect(
      jssdkSignature({
        jsapiTicket: TICKET,
        nonceStr: 'Wm3WZYTPz0wzccnW',
        timestamp: 1414587457,
        url: 'http://mp.weixin.qq.com?params=value',
      }),
    ).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed')
  })

  it('matches the older example without a query', () => {
    expect(
      jssdkSignature({ jsapiTicket: TICKET, nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: 1414587457, url: 'http://mp.weixin.qq.com' }),
    ).toBe('f4d90daf4b3bca3078ab155816175ba34c443a7b')
  })

  it('signs the URL without its #fragment (the page cannot know what follows # server-side)', () => {
    const base = { jsapiTicket: TICKET, nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: 1414587457 }
    expect(jssdkSignature({ ...base, url: 'http://mp.weixin.qq.com?params=value#/pages/a?x=1' })).toBe(
      '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
    )
  })

  it('makes 16-character alphanumeric nonces that differ', () => {
    const a = createNonce()
    expect(a).toMatch(/^[A-Za-z0-9]{16}$/)
    expect(createNonce()).not.toBe(a)
  })
})

describe('jssdkConfig against the emulator', () => {
  it("signs with the service account's live ticket, fetched once and cached", async () => {
    const emulator = await startEmulator()
    const service = await createLinkService(coreConfig(emulator.url, SANDBOX_APP, { officialAccount: SANDBOX_OA }))
    try {
      const page = 'https://shop.example.com/h5/index.html?from=sms'
      const config = await service.jssdkConfig(`${page}#/pages/a/a`)
      expect(config.appId).toBe(SANDBOX_OA.appId)
      const ticket = emulator.control.jsapiTicket()
      expect(ticket).toBeTruthy()
      expect(config.signature).toBe(
        jssdkSignature({ jsapiTicket: ticket ?? '', nonceStr: config.nonceStr, timestamp: config.timestamp, url: page }),
      )
      expect(Math.abs(config.timestamp - Date.now() / 1000)).toBeLessThan(60)
      await service.jssdkConfig(page)
      expect(emulator.control.counters().calls.getticket).toBe(1)
    } finally {
      await service.close()
      await emulator.close()
    }
  })

  it('says how to enable it when no service account is configured', async () => {
    const service = await createLinkService(coreConfig('http://127.0.0.1:9', { appId: 'wx0000000000000001', secret: 's' }))
    await expect(service.jssdkConfig('https://a.example/')).rejects.toMatchObject({ code: 'jssdk-not-configured', status: 501 })
    await service.close()
  })
})
