/**
 * Starts the link service for the HTTP-layer tests as `npm run server` does —
 * real config, real core (createLinkService), real emulator over HTTP — with
 * captured log lines and the emulator's count of link-generation calls.
 */
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Env } from '../../src/config'
import { SANDBOX_APP, SANDBOX_OA, startEmulator, type Emulator } from '../../src/emulator'
import { buildApp } from '../../src/http/app'
import { createLogger } from '../../src/http/logging'
import { startServer, type RunningServer } from '../../src/server'
import type { LinkService } from '../../src/service/types'

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
/** Safari on a Mac, and on an iPad too: iPadOS asks for desktop sites with the Mac's user agent. */
export const MAC_SAFARI_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64'

export interface Stack {
  app: FastifyInstance
  sandbox: boolean
  logLines: string[]
  /** Link-generation calls that reached upstream so far. */
  upstreamLinkCalls(): Promise<number>
  /** The emulator behind the service (absent with a stand-alone service). */
  emulator?: Emulator
  /** Listens on a free loopback port; returns the base URL. */
  listen(): Promise<string>
  close(): Promise<void>
}

export interface StackOptions {
  /** true: no credentials (SANDBOX); false: credentials pointing at the emulator. */
  sandbox?: boolean
  /** Replaces the service (tests of the HTTP layer's own error mapping). */
  service?: LinkService
}

export async function startStack(env: Env = {}, options: StackOptions = {}): Promise<Stack> {
  const logLines: string[] = []
  const logStream = { write: (line: string) => logLines.push(line) }
  const sandbox = options.sandbox ?? true
  if (options.service) return standAlone(env, sandbox, options.service, logLines)

  // Sandbox: startServer starts its own emulator. Otherwise: credentials pointing at a separate one.
  const emulator = sandbox ? undefined : await startEmulator()
  const fullEnv: Env = emulator
    ? {
        WECHAT_APPID: SANDBOX_APP.appId,
        WECHAT_SECRET: SANDBOX_APP.secret,
        WECHAT_API_BASE: emulator.url,
        WECHAT_OA_APPID: SANDBOX_OA.appId,
        WECHAT_OA_SECRET: SANDBOX_OA.secret,
        NAVI_API_KEYS: API_KEY,
        NAVI_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
        ...env,
      }
    : { NAVI_API_KEYS: API_KEY, ...env }
  let server: RunningServer
  try {
    server = await startServer({ env: fullEnv, port: 0, host: '127.0.0.1', logStream })
  } catch (error) {
    await emulator?.close()
    throw error
  }
  const upstream = emulator ?? server.emulator
  if (!upstream) throw new Error('no emulator behind the service')
  return {
    app: server.app,
    sandbox: server.sandbox,
    logLines,
    emulator: upstream,
    upstreamLinkCalls: async () => upstream.control.counters().generationArrivals.length,
    listen: async () => server.url,
    close: async () => {
      await server.close()
      await emulator?.close()
    },
  }
}

/** The app around a given LinkService (for the HTTP layer's own handling of service failures). */
async function standAlone(env: Env, sandbox: boolean, service: LinkService, logLines: string[]): Promise<Stack> {
  const config = loadConfig(
    sandbox ? { NAVI_API_KEYS: API_KEY, ...env } : { WECHAT_APPID: SANDBOX_APP.appId, WECHAT_SECRET: SANDBOX_APP.secret, NAVI_API_KEYS: API_KEY, ...env },
  )
  const logger = createLogger({
    level: 'info',
    secrets: [config.service.wechat.secret, ...config.http.apiKeys],
    stream: { write: (line) => logLines.push(line) },
  })
  const app = await buildApp({ service, http: config.http, sandbox: config.sandbox, logger })
  await app.ready()
  return {
    app,
    sandbox: config.sandbox,
    logLines,
    upstreamLinkCalls: async () => 0,
    listen: () => app.listen({ port: 0, host: '127.0.0.1' }),
    close: () => app.close(),
  }
}
