/**
 * `startServer()`: configuration → (sandbox: the built-in WeChat emulator) →
 * the service core → the fastify app → listening. `close()` undoes it in
 * reverse order: stop taking requests, close the core, stop the emulator.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import Redis from 'ioredis'
import { loadConfig, type AppConfig, type Env } from './config'
import { startEmulator, SANDBOX_APP, SANDBOX_OA } from './emulator'
import { buildApp } from './http/app'
import { createLogger } from './http/logging'
import { createLinkService } from './service/createLinkService'
import type { LinkService } from './service/types'

export interface StartServerOptions {
  /** Environment to read; default process.env. */
  env?: Env
  /** Overrides PORT / HOST (tests listen on port 0). */
  port?: number
  host?: string
  /** Where log lines go; default stdout. */
  logStream?: { write(line: string): unknown }
}

export interface RunningServer {
  url: string
  sandbox: boolean
  config: AppConfig
  app: FastifyInstance
  service: LinkService
  /** The in-process emulator (sandbox only). */
  emulator?: Awaited<ReturnType<typeof startEmulator>>
  close(): Promise<void>
}

/** Stand-in for the open tag's `username` in sandbox (the emulator has no real mini program). */
const SANDBOX_ORIGINAL_ID = 'gh_5a4db0c0ffee'

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env ?? process.env)
  const cleanups: Array<() => Promise<unknown>> = []
  const cleanup = async (): Promise<void> => {
    // Reverse order; keep going when one step fails so nothing is left running.
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined)
  }

  try {
    let emulator: RunningServer['emulator']
    if (config.sandbox) {
      // The mini program the sandbox mints for: SANDBOX_APP, or the page's own target (NAVI_SANDBOX_APPID).
      const app = { appId: config.sandboxAppId ?? SANDBOX_APP.appId, secret: SANDBOX_APP.secret }
      emulator = await startEmulator({ host: '127.0.0.1', port: 0, apps: app.appId === SANDBOX_APP.appId ? [] : [app] })
      const running = emulator
      cleanups.push(() => running.close())
      config.service.wechat = {
        ...config.service.wechat,
        appId: app.appId,
        secret: app.secret,
        apiBase: running.url,
      }
      config.service.officialAccount ??= { appId: SANDBOX_OA.appId, secret: SANDBOX_OA.secret }
      config.http.originalId ??= SANDBOX_ORIGINAL_ID
      // Each sandbox has an emulator of its own: tokens and links of another one's are worthless here.
      config.service.redisPrefix = `navi:sandbox:${randomUUID()}:`
    }

    const secrets = [config.service.wechat.secret, config.service.officialAccount?.secret ?? '', ...config.http.apiKeys]
    const logger = createLogger({ level: config.http.logLevel, secrets, stream: options.logStream })

    const service = await createLinkService(config.service, { logger })
    cleanups.push(() => service.close())

    let rateLimitRedis: Redis | undefined
    if (config.service.redisUrl) {
      // Fail fast per command (the limiter skips on error) rather than queueing requests behind a dead Redis.
      // A command timeout too: a stalled Redis keeps its connection open, and the limiter has no timeout of its own.
      rateLimitRedis = new Redis(config.service.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: 500,
        connectTimeout: 1000,
      })
      const client = rateLimitRedis
      let reported = false
      client.on('error', (error: Error) => {
        if (!reported) logger.warn({ err: error }, 'rate-limit store: Redis error; browser rate limits are skipped meanwhile')
        reported = true
      })
      client.on('ready', () => (reported = false))
      cleanups.push(() => client.quit().catch(() => client.disconnect()))
      await client.connect().catch((error: unknown) => {
        logger.warn({ err: error }, 'rate-limit store: Redis not reachable yet; limits are skipped until it is')
      })
    }

    const app = await buildApp({ service, http: config.http, sandbox: config.sandbox, logger, rateLimitRedis, redisPrefix: config.service.redisPrefix })
    cleanups.push(() => app.close())

    const address = await app.listen({ port: options.port ?? config.http.port, host: options.host ?? config.http.host })
    const url = address.replace('[::1]', '127.0.0.1')
    if (config.sandbox) {
      if ((options.env ?? process.env).WECHAT_API_BASE?.trim()) {
        logger.warn('WECHAT_API_BASE is ignored in SANDBOX mode: set WECHAT_APPID/WECHAT_SECRET to call another API base')
      }
      logger.warn(
        { sandbox: true, emulator: emulator?.url },
        'SANDBOX mode: no WECHAT_APPID/WECHAT_SECRET, links come from the built-in WeChat emulator and open nothing real',
      )
    }
    logger.info({ url, sandbox: config.sandbox, store: config.service.redisUrl ? 'redis' : 'memory' }, 'link service listening')

    return { url, sandbox: config.sandbox, config, app, service, emulator, close: cleanup }
  } catch (error) {
    await cleanup()
    throw error
  }
}
