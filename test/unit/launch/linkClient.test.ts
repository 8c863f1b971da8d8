import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLinkClient } from '../../../uni_modules/navi-kit/index'
import { fetchJssdkConfig } from '../../../uni_modules/navi-kit/launch/linkClient'
import { fakeLinkService, useSeam } from './fakes'
import type { FakeService } from './fakes'

let restore: () => void = () => {}
let service: FakeService
beforeEach(() => {
  service = fakeLinkService()
  restore = useSeam({ request: service.request })
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-22T12:00:00Z'))
})
afterEach(() => {
  restore()
  vi.useRealTimers()
})

const request = { path: 'pages/a/a', query: 'x=1' }

describe('createLinkClient', () => {
  it('stops handing out a link in its last minute, and keeps a permanent one (expiresAt null)', async () => {
    const client = createLinkClient('http://svc.test/')
    service.answers.push({ status: 200, body: { url: 'weixin://dl/business/?t=A', expiresAt: '2026-11-22T12:10:00Z' } })
    await client.mint('scheme', request)
    vi.setSystemTime(new Date('2026-11-22T12:08:59Z'))
    await expect(client.mint('scheme', request)).resolves.toMatchObject({ url: 'weixin://dl/business/?t=A' })
    expect(service.calls).toHaveLength(1)
    vi.setSystemTime(new Date('2026-11-22T12:09:01Z'))
    service.answers.push({ status: 200, body: { url: 'weixin://dl/business/?t=P', expiresAt: null } })
    await expect(client.mint('scheme', request)).resolves.toMatchObject({ url: 'weixin://dl/business/?t=P' })
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'))
    await expect(client.mint('scheme', request)).resolves.toMatchObject({ url: 'weixin://dl/business/?t=P' })
    expect(service.calls.map((call) => call.url)).toEqual(['http://svc.test/v1/wechat/scheme', 'http://svc.test/v1/wechat/scheme'])
  })

  it('does not keep a plaintext fallback (quota spent): the next launch asks again and gets a real link', async () => {
    const client = createLinkClient('http://svc.test')
    const plaintext = 'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/a/a&query=x%3D1'
    service.answers.push({ status: 200, body: { url: plaintext, expiresAt: null, fallback: 'plaintext' } })
    await expect(client.mint('scheme', request)).resolves.toMatchObject({ url: plaintext, fallback: 'plaintext' })
    vi.setSystemTime(new Date('2026-11-22T16:00:01Z')) // past midnight in Asia/Shanghai: the quota is back
    service.answers.push({ status: 200, body: { url: 'weixin://dl/business/?t=FRESH', expiresAt: '2026-11-23T16:00:00Z' } })
    await expect(client.mint('scheme', request)).resolves.toEqual({ url: 'weixin://dl/business/?t=FRESH', expiresAt: '2026-11-23T16:00:00Z' })
    expect(service.calls).toHaveLength(2)
  })

  it('posts JSON to /v1/wechat/<kind> with no credentials of its own (the browser sends Origin)', async () => {
    await createLinkClient('http://svc.test').mint('urllink', request)
    expect(service.calls[0]).toEqual({
      url: 'http://svc.test/v1/wechat/urllink',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request,
    })
  })

  it('fetches the JS-SDK config with a GET, the page URL encoded, no content-type', async () => {
    const config = { appId: 'wxoa', timestamp: 1795379600, nonceStr: 'n', signature: 's', sandbox: true }
    service.answers.push({ status: 200, body: config })
    await expect(fetchJssdkConfig('http://svc.test/', 'http://shop.test/a?b=1&c=2')).resolves.toEqual(config)
    expect(service.calls[0]).toMatchObject({
      url: 'http://svc.test/v1/wechat/jssdk-config?url=http%3A%2F%2Fshop.test%2Fa%3Fb%3D1%26c%3D2',
      method: 'GET',
      headers: undefined,
    })
  })

  it('a 2xx JS-SDK config without a signature is not the service answering: link-service', async () => {
    service.answers.push({ status: 200, body: { ok: true } })
    await expect(fetchJssdkConfig('http://svc.test', 'http://shop.test/a')).rejects.toMatchObject({
      code: 'link-service',
      message: "http://svc.test/v1/wechat/jssdk-config?url=http%3A%2F%2Fshop.test%2Fa answered HTTP 200 without a signature: is linkService the service's base URL?",
    })
  })

  it("an error status is never a link, even with a url in its body (a captive portal's JSON): link-service, nothing kept", async () => {
    const client = createLinkClient('http://svc.test')
    service.answers.push({ status: 502, body: { url: 'https://portal.example/login' } })
    await expect(client.mint('scheme', request)).rejects.toMatchObject({ code: 'link-service', status: 502 })
    service.answers.push({ status: 200, body: { url: 'weixin://dl/business/?t=B', expiresAt: '2026-11-23T12:00:00Z' } })
    await expect(client.mint('scheme', request)).resolves.toMatchObject({ url: 'weixin://dl/business/?t=B' })
    expect(service.calls).toHaveLength(2)
  })

  it('a 503 without a JSON body still becomes link-service with the status', async () => {
    service.answers.push({ status: 503, body: undefined })
    await expect(createLinkClient('http://svc.test').mint('scheme', request)).rejects.toMatchObject({
      code: 'link-service',
      status: 503,
    })
  })
})
