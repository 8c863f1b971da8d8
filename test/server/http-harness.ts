/**
 * Starts the link service for the HTTP-layer tests: real config, real fastify
 * app, captured log lines, and a way to count the link-generation calls that
 * reached upstream (the emulator's counters).
 */
import type { FastifyInstance } from 'fastify'
import Redis from 'ioredis'
import { loadConfig, type Env } from '../../src/config'
import { buildApp } from '../../src/http/app'
import { createLogger } from '../../src/http/logging'
import type { LinkRequest, LinkResult, LinkService } from '../../src/service/types'

export const API_KEY = 'test-key-0123456789abcdef'
export const AUTH = { authorization: `Bearer ${API_KEY}` } as const
export const ALLOWED_ORIGIN = 'https://shop.example.com'

/** User agents the transit page tells apart. */
export const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
export const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64'

export interface Stack {
  app: FastifyInstance
  sandbox: boolean
  logLines: string[]
  /** Link-generation calls that reached upstream so far. */
  upstreamLinkCalls(): Promise<number>
  /** Listens on a free loopback port; returns the base URL. */
  listen(): Promise<string>
  close(): Promise<void>
}

/** TEMPORARY until the core lands: a LinkService stand-in that caches by parameters. */
function standInService(sandbox: boolean): LinkService & { calls: number } {
  const cache = new Map<string, LinkResult>()
  const service = {
    calls: 0,
    async mint(request: LinkRequest): Promise<LinkResult> {
      const key = JSON.stringify([request.kind, request.path, request.query, request.envVersion, request.expireDays])
      const hit = cache.get(key)
      const cq = request.cq ? `?cq=${encodeURIComponent(request.cq)}` : ''
      if (hit) return { ...hit, url: hit.url + cq, cached: true }
      service.calls++
      const url =
        request.kind === 'scheme'
          ? `weixin://dl/business/?t=T${service.calls}`
          : request.kind === 'urllink'
            ? `https://wxaurl.cn/L${service.calls}`
            : `#小程序://demo/S${service.calls}`
      const result = { url, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), cached: false, sandbox }
      cache.set(key, result)
      return { ...result, url: url + cq }
    },
    async jssdkConfig() {
      return { appId: 'wxoa0000000000000', timestamp: 1_700_000_000, nonceStr: 'nonce', signature: 'a'.repeat(40), sandbox }
    },
    async health() {
      return { status: 'ok' as const, sandbox, parts: { token: 'ok' as const, store: 'ok' as const } }
    },
    async metrics() {
      return `navi_upstream_calls_total ${service.calls}\n`
    },
    async close() {},
  }
  return service
}

export interface StackOptions {
  /** true: no credentials (SANDBOX); false: credentials pointing at the emulator. */
  sandbox?: boolean
  /** Replaces the service (tests of the HTTP layer's own error mapping). */
  service?: LinkService
}

export async function startStack(env: Env = {}, options: StackOptions = {}): Promise<Stack> {
  const sandbox = options.sandbox ?? true
  const fullEnv: Env = sandbox
    ? { NAVI_API_KEYS: API_KEY, WECHAT_ORIGINAL_ID: 'gh_5a4db0c0ffee', ...env }
    : {
        WECHAT_APPID: 'wx0000000000000001',
        WECHAT_SECRET: 'emulator-secret-0001',
        NAVI_API_KEYS: API_KEY,
        NAVI_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
        ...env,
      }
  const config = loadConfig(fullEnv)
  const logLines: string[] = []
  const secrets = [config.service.wechat.secret, ...config.http.apiKeys]
  const logger = createLogger({ level: 'info', secrets, stream: { write: (line) => logLines.push(line) } })
  const standIn = standInService(config.sandbox)
  const service = options.service ?? standIn
  const rateLimitRedis = config.service.redisUrl
    ? new Redis(config.service.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : undefined
  await rateLimitRedis?.connect()
  const app = await buildApp({ service, http: config.http, sandbox: config.sandbox, logger, rateLimitRedis })
  app.addHook('onClose', async () => {
    await rateLimitRedis?.quit()
  })
  await app.ready()
  return {
    app,
    sandbox: config.sandbox,
    logLines,
    upstreamLinkCalls: async () => standIn.calls,
    listen: () => app.listen({ port: 0, host: '127.0.0.1' }),
    close: () => app.close(),
  }
}
