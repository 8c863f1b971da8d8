/**
 * Starts the link service for the HTTP-layer tests: real config, real fastify
 * app, captured log lines, and a way to count the link-generation calls that
 * reached upstream (the emulator's counters).
 */
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Env } from '../../src/config'
import { buildApp } from '../../src/http/app'
import { createLogger } from '../../src/http/logging'
import type { LinkRequest, LinkResult, LinkService } from '../../src/service/types'

export const API_KEY = 'test-key-0123456789abcdef'
export const AUTH = { authorization: `Bearer ${API_KEY}` } as const
export const ALLOWED_ORIGIN = 'https://shop.example.com'

export interface Stack {
  app: FastifyInstance
  sandbox: boolean
  logLines: string[]
  /** Link-generation calls that reached upstream so far. */
  upstreamLinkCalls(): Promise<number>
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
    ? { NAVI_API_KEYS: API_KEY, ...env }
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
  const app = await buildApp({ service, http: config.http, sandbox: config.sandbox, logger })
  await app.ready()
  return {
    app,
    sandbox: config.sandbox,
    logLines,
    upstreamLinkCalls: async () => standIn.calls,
    close: () => app.close(),
  }
}
