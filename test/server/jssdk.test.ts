import { describe, expect, it } from 'vitest'
import { createNonce, jssdkSignature } from '../../src/wechat/jssdk'

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
