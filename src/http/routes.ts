/**
 * The authenticated JSON API under /v1/wechat. Order per request: auth (401) →
 * browser-caller rate limit (429) → schema validation (400) → path allow-list
 * (403) → the service core.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isPathAllowed } from '../config'
import type { LinkRequest, LinkService } from '../service/types'
import type { Caller, RequestHeaders } from './auth'
import { sharedCompilers } from './compilers'
import { HttpError } from './errors'
import {
  jssdkQuerySchema,
  jssdkResponseSchema,
  linkBodySchema,
  linkResponseSchema,
  shortLinkBodySchema,
  type LinkBody,
  type ShortLinkBody,
} from './schemas'

export interface ApiOptions {
  service: LinkService
  /** The app's authenticator (the mint lane uses the same one). */
  authenticate: (request: RequestHeaders) => Caller
  allowedPaths: readonly string[] | null
  rateLimit: { max: number; windowSeconds: number }
}

function assertPathAllowed(path: string, allowedPaths: readonly string[] | null): void {
  if (!isPathAllowed(path, allowedPaths)) {
    throw new HttpError(
      403,
      'path-not-allowed',
      `path '${path}' is not in NAVI_ALLOWED_PATHS; add it there to allow minting links to it.`,
    )
  }
}

/** The links minted from a body of LinkBody, each at mintPath(kind) (the mint lane serves these too). */
export const MINT_KINDS = ['scheme', 'urllink'] as const
export type MintKind = (typeof MINT_KINDS)[number]
export const mintPath = (kind: MintKind): string => `/v1/wechat/${kind}`

/** A validated scheme / URL Link body as the core's request; 403 for a path off the allow-list. */
export function linkRequestFrom(kind: MintKind, body: LinkBody, allowedPaths: readonly string[] | null): LinkRequest {
  // No path: the home page, as WeChat has it.
  const linkRequest: LinkRequest = { kind, path: body.path ?? '' }
  assertPathAllowed(linkRequest.path, allowedPaths)
  if (body.appId !== undefined) linkRequest.appId = body.appId
  if (body.query !== undefined) linkRequest.query = body.query
  if (body.envVersion !== undefined) linkRequest.envVersion = body.envVersion
  if (body.expireDays !== undefined) linkRequest.expireDays = body.expireDays
  if (body.cq !== undefined) linkRequest.cq = body.cq
  return linkRequest
}

export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { authenticate } = options
  // Declared up front so every request object keeps one shape (V8 hidden class).
  app.decorateRequest('caller', undefined)
  // One budget per browser caller (origin + IP) across every /v1 route; servers with a key are not limited here.
  const limitBrowser = app.rateLimit({
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowSeconds * 1000,
    keyGenerator: (request: FastifyRequest) =>
      `api|${request.caller?.kind === 'origin' ? request.caller.origin : 'no-origin'}|${request.ip}`,
  })
  app.addHook('onRequest', (request, reply, done) => {
    try {
      request.caller = authenticate(request)
    } catch (error) {
      return done(error as Error)
    }
    if (request.caller.kind !== 'origin') return done()
    limitBrowser.call(app, request, reply).then(() => done(), (error: Error) => done(error))
  })

  const { service, allowedPaths } = options
  for (const kind of MINT_KINDS)
    app.post<{ Body: LinkBody }>(
      mintPath(kind),
      { schema: { body: linkBodySchema, response: linkResponseSchema }, ...sharedCompilers },
      async (request) => service.mint(linkRequestFrom(kind, request.body, allowedPaths)),
    )

  app.post<{ Body: ShortLinkBody }>(
    '/v1/wechat/shortlink',
    { schema: { body: shortLinkBodySchema, response: linkResponseSchema }, ...sharedCompilers },
    async (request) => {
      const body = request.body
      // An Origin header is no credential outside a browser, and each permanent link spends WeChat's lifetime cap for
      // good: only a server with a key mints one.
      if (body.isPermanent && request.caller?.kind !== 'key') {
        throw new HttpError(
          403,
          'permanent-needs-key',
          'isPermanent Short Links spend a lifetime cap (NAVI_PERMANENT_SHORTLINK_CAP): mint them from your server with an API key (Authorization: Bearer …).',
        )
      }
      assertPathAllowed(body.path, allowedPaths)
      const linkRequest: LinkRequest = { kind: 'shortlink', path: body.path }
      if (body.appId !== undefined) linkRequest.appId = body.appId
      if (body.query !== undefined) linkRequest.query = body.query
      if (body.pageTitle !== undefined) linkRequest.pageTitle = body.pageTitle
      if (body.isPermanent !== undefined) linkRequest.isPermanent = body.isPermanent
      return service.mint(linkRequest)
    },
  )

  app.get<{ Querystring: { url: string } }>(
    '/v1/wechat/jssdk-config',
    { schema: { querystring: jssdkQuerySchema, response: jssdkResponseSchema }, ...sharedCompilers },
    async (request) => service.jssdkConfig(request.query.url),
  )
}
