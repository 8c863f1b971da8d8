/**
 * The mint lane: the service's one hot call, a server with an API key asking
 * for a URL Scheme or URL Link (nearly always a cache hit), answered without
 * fastify's per-request machinery. On a cache hit that machinery (hook chains,
 * reply and logger objects, promise hops) costs more than the answer itself:
 * on a 2-core machine the full fastify route served 51–64% of bare node:http's
 * requests, the lane 72–95% over five runs (`npm run bench:server`, docs/link-service.md).
 *
 * The lane claims a request on its headers alone, before a byte of the body
 * is read, and only when there is nothing for the framework to do: POST to
 * exactly /v1/wechat/scheme or /v1/wechat/urllink, a valid API key, no Origin
 * (so no CORS and no browser rate limit), a JSON body of a stated length
 * within the limit. Anything else, a failed key included, goes to fastify
 * untouched, which answers as it always has.
 *
 * What it decides, it decides with fastify's own pieces: the same authenticator,
 * JSON parsing (secure-json-parse with fastify's poisoning rules), compiled
 * validator and serializers (compilers.ts), allow-list, core, error view and
 * counters. test/server/lane.test.ts sends every kind of body both ways and
 * requires the same status, headers and body.
 *
 * It runs only while per-request logging is off (log level above info): at
 * info fastify writes two lines per request, which the lane does not imitate.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorCodes, type FastifyBaseLogger } from 'fastify'
import secureJsonParse from 'secure-json-parse'
import type { LinkService } from '../service/types'
import type { Caller, RequestHeaders } from './auth'
import { serializerFor, validatorFor } from './compilers'
import { logErrorView, viewError, type ParsedRequest } from './errors'
import type { HttpCounters } from './ops'
import { linkRequestFrom, MINT_KINDS, mintPath, type MintKind } from './routes'
import { linkBodySchema, linkResponseSchema, type LinkBody } from './schemas'

export interface MintLaneOptions {
  service: LinkService
  authenticate: (request: RequestHeaders) => Caller
  allowedPaths: readonly string[] | null
  sandbox: boolean
  bodyLimit: number
  counters: HttpCounters
  logger: FastifyBaseLogger
}

export interface MintLane {
  /** Answers the request and returns true, or returns false having touched nothing. */
  serve(request: IncomingMessage, response: ServerResponse): boolean
  /** Claims nothing from now on (fastify answers 503 while it closes); answers still in flight end their connection. */
  close(): void
}

/** A Map, not an object: a request-target such as 'constructor' must find nothing. */
const ROUTES = new Map<string, MintKind>(MINT_KINDS.map((kind) => [mintPath(kind), kind]))
/** The two spellings clients send; any other goes to fastify's content-type parser. */
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8'])
const CONTENT_LENGTH = /^[1-9][0-9]{0,8}$/
/** fastify's defaults (onProtoPoisoning / onConstructorPoisoning: 'error'). */
const POISONING = { protoAction: 'error', constructorAction: 'error' } as const

const ignore = (): void => undefined

const validateBody = validatorFor(linkBodySchema)
const serializeLink = serializerFor(linkResponseSchema[200])
const serializeClientError = serializerFor(linkResponseSchema['4xx'])
const serializeServerError = serializerFor(linkResponseSchema['5xx'])

/** The error fastify raises for a body its schema refuses (what errors.ts reads of it). */
function validationError(validation: unknown): Error {
  return Object.assign(new Error('body/ validation failed'), {
    statusCode: 400,
    code: 'FST_ERR_VALIDATION',
    validation,
    validationContext: 'body',
  })
}

export function createMintLane(options: MintLaneOptions): MintLane {
  const { service, authenticate, allowedPaths, sandbox, bodyLimit, counters, logger } = options
  let open = true

  function isKeyCaller(request: IncomingMessage): boolean {
    try {
      return authenticate(request).kind === 'key'
    } catch {
      return false // fastify answers the 401
    }
  }

  /** Parse → validate → allow-list → core → the answer; any failure as errors.ts shows it. */
  async function answer(response: ServerResponse, route: string, kind: MintKind, text: string): Promise<void> {
    const parsed: ParsedRequest = {}
    let status = 200
    let extra: Record<string, string> | undefined
    let payload: string
    try {
      try {
        parsed.body = secureJsonParse.parse(text, undefined, POISONING)
      } catch {
        throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY()
      }
      if (!validateBody(parsed.body)) throw validationError(validateBody.errors)
      payload = serializeLink(await service.mint(linkRequestFrom(kind, parsed.body as LinkBody, allowedPaths)))
    } catch (error) {
      const view = viewError(error, parsed)
      logErrorView(logger, view, error, { lane: true })
      status = view.status
      extra = view.headers
      payload = (status >= 500 ? serializeServerError : serializeClientError)({ ...view.body, sandbox })
    }
    // The headers fastify's route sends, in its order: the sandbox label, CORS's Vary, the error's own.
    const headers: Record<string, string | number> = sandbox ? { 'x-navi-sandbox': '1', vary: 'Origin' } : { vary: 'Origin' }
    if (extra) Object.assign(headers, extra)
    headers['content-type'] = 'application/json; charset=utf-8'
    headers['content-length'] = Buffer.byteLength(payload)
    // Closing: end the connection after this answer, as fastify's routes do then (app.ts), or server.close() waits for it.
    if (!open) headers.connection = 'close'
    response.writeHead(status, headers)
    response.end(payload)
    counters.record(route, status, true)
  }

  return {
    close() {
      open = false
    },
    serve(request, response) {
      const route = request.url ?? ''
      const kind = ROUTES.get(route)
      const headers = request.headers
      const length = headers['content-length']
      if (
        !open ||
        kind === undefined ||
        request.method !== 'POST' ||
        headers.origin !== undefined ||
        headers['transfer-encoding'] !== undefined ||
        !JSON_TYPES.has(headers['content-type'] ?? '') ||
        length === undefined ||
        !CONTENT_LENGTH.test(length) ||
        Number(length) > bodyLimit ||
        headers.authorization === undefined ||
        !isKeyCaller(request)
      ) {
        return false
      }
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      // An aborted upload: node closes the socket; nothing to answer.
      request.on('error', ignore)
      request.on('end', () => {
        answer(response, route, kind, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
          // answer() turns every failure into an answer; this guards the socket write itself.
          logger.error({ err: error, lane: true }, 'request failed')
          response.destroy()
        })
      })
      return true
    },
  }
}
