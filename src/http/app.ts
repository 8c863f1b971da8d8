/**
 * The fastify app of the link service, assembled from plugins:
 * CORS (allowed origins only) → sandbox label → rate limit → the /v1 API (auth,
 * schemas, allow-list) → transit page → healthz/metrics → one error shape.
 * In front of it, on the node server itself, the mint lane (lane.ts) answers
 * API-key calls for URL Schemes and URL Links with the same pieces.
 *
 * `buildApp` takes any `LinkService`, so the HTTP layer is testable on its own
 * and `server.ts` wires the real core in.
 */
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { createServer } from 'node:http'
import type { HttpSettings } from '../config'
import type { LinkService } from '../service/types'
import { DEFAULT_REDIS_PREFIX } from '../stores/redis'
import { createAuthenticator, createOriginCheck } from './auth'
import { AJV_CUSTOM_OPTIONS } from './compilers'
import { HttpError, registerErrorHandling } from './errors'
import { createMintLane } from './lane'
import { requestLoggerFactory } from './logging'
import { createHttpCounters, opsRoutes } from './ops'
import { apiRoutes } from './routes'
import { transitRoutes } from './transit/route'

export interface BuildAppOptions {
  service: LinkService
  http: HttpSettings
  sandbox: boolean
  logger: FastifyBaseLogger
  /** ioredis-compatible client: rate limits shared by every instance. Absent: per process. */
  rateLimitRedis?: unknown
  /** The service's Redis key prefix (default 'navi:'); the rate-limit keys go under it, with the AppID. */
  redisPrefix?: string
}

export const BODY_LIMIT_BYTES = 8 * 1024
/** Levels at which fastify logs every request (and so the mint lane stays off). */
const REQUEST_LOG_LEVELS = new Set(['info', 'debug', 'trace'])
/** fastify's default keepAliveTimeout, which it sets only on servers it creates. */
const FASTIFY_KEEP_ALIVE_TIMEOUT_MS = 72_000

/**
 * NAVI_TRUST_PROXY as fastify's trustProxy. fastify 5.12 turns a number into "trust nobody", so a hop
 * count becomes a function trusting the nearest `hops` addresses (the socket's, then X-Forwarded-For
 * from the right): the client is the address the outermost proxy appended. Like any hop count it trusts
 * whoever connects, so the service must be reachable only through the proxy (docs/link-service.md).
 */
function trustProxyOption(trust: HttpSettings['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (typeof trust !== 'number') return trust
  return (_address: string, hop: number) => hop < trust
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { service, http, sandbox, logger } = options
  const counters = createHttpCounters()
  const authenticate = createAuthenticator(http)
  // The lane serves API-key mints while fastify writes no per-request log lines (above info).
  const lane = REQUEST_LOG_LEVELS.has(logger.level)
    ? undefined
    : createMintLane({ service, authenticate, allowedPaths: http.allowedPaths, sandbox, bodyLimit: BODY_LIMIT_BYTES, counters, logger })
  const app = Fastify({
    loggerInstance: logger,
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustProxyOption(http.trustProxy),
    ajv: { customOptions: AJV_CUSTOM_OPTIONS },
    return503OnClosing: true,
    serverFactory: (handler) => {
      const server = createServer((request, response) => {
        if (!lane?.serve(request, response)) handler(request, response)
      })
      // What fastify sets on the server it creates itself (its defaults).
      server.keepAliveTimeout = FASTIFY_KEEP_ALIVE_TIMEOUT_MS
      server.requestTimeout = 0
      server.setTimeout(0)
      return server
    },
  })
  // fastify's close() ends idle connections only. One with a request in flight turns idle after its
  // answer and, answered with keep-alive, holds server.close() for keepAliveTimeout (72 s, past the
  // CLI's 10 s guard). So from preClose on every answer says Connection: close and node ends the
  // socket after it; the lane does the same once closed.
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    lane?.close()
    done()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })

  registerErrorHandling(app, sandbox)
  // JSON only: a text/plain body is refused with 415 instead of reaching the schema as a string.
  app.removeContentTypeParser('text/plain')

  // Hooks below use callbacks, not async functions: they run on every request and
  // a promise per hook per request is measurable on the cached hot path.
  if (sandbox) {
    // Set first thing: error replies keep headers set earlier, so every answer carries it.
    app.addHook('onRequest', (_request, reply, done) => {
      reply.header('x-navi-sandbox', '1')
      done()
    })
  }

  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched URLs share one label so scanners cannot blow up the label set.
    counters.record(request.routeOptions.url ?? 'unmatched', reply.statusCode)
    done()
  })

  const isAllowedOrigin = createOriginCheck(http)
  await app.register(cors, {
    origin: (origin, callback) => callback(null, isAllowedOrigin(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['X-Navi-Sandbox', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
  })

  await app.register(rateLimit, {
    global: false,
    redis: options.rateLimitRedis,
    // Per mini program and per prefix, as every other key: link services sharing a Redis (another mini program, a
    // sandbox) do not share a page's budget.
    nameSpace: `${options.redisPrefix ?? DEFAULT_REDIS_PREFIX}ratelimit:${service.appId}:`,
    // Keep serving when the shared store is briefly unreachable: the core still guards upstream quota.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'rate-limited', `Too many requests from this page; retry in ${context.after}.`),
  })

  await app.register(apiRoutes, {
    service,
    authenticate,
    allowedPaths: http.allowedPaths,
    rateLimit: http.rateLimit,
  })
  await app.register(transitRoutes, {
    service,
    sandbox,
    allowedPaths: http.allowedPaths,
    originalId: http.originalId,
    publicUrl: http.publicUrl,
    rateLimit: http.rateLimit,
  })
  await app.register(opsRoutes, { service, sandbox, counters })

  return app
}
