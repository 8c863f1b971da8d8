/**
 * One error shape for every failure: `{ error: { code, message, field?, rule? } }`.
 *
 * - ajv validation failures → 400 naming the field and the rule;
 * - ServiceError (the core) → its own status and code, Retry-After when it knows when to come back;
 * - fastify's own 4xx (bad JSON, media type, body too large, rate limit) → that status, a stable code;
 * - anything else → 500 `internal` with a generic message: never a stack trace or an upstream detail.
 */
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { ServiceError } from '../service/types'
import type { AjvErrorObject as AjvError } from './compilers'
import { describePattern } from './schemas'

export interface ErrorBody {
  error: { code: string; message: string; field?: string; rule?: string }
  sandbox: boolean
}

/** An error the HTTP layer raises itself (auth, allow-list). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** What error descriptions read of a request: the parsed body and query they quote. */
export interface ParsedRequest {
  body?: unknown
  query?: unknown
}

/** Fastify's own client-error codes, mapped to stable, readable ones. */
const FASTIFY_CODES: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported-media-type',
    message: 'Send the body as JSON with Content-Type: application/json.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid-json', message: 'The JSON body is empty; send an object.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid-json', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body-too-large', message: 'The body is too large (8 KiB at most).' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid-request', message: 'Content-Length does not match the body.' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'unsupported-media-type', message: 'The Content-Type header is not valid.' },
  FST_ERR_CTP_INVALID_CHARSET: { code: 'unsupported-media-type', message: 'Send the body as UTF-8 JSON.' },
}

function fieldOf(error: AjvError, context: string | undefined): string {
  const fromPath = error.instancePath.replace(/^\//, '').replace(/\//g, '.')
  if (error.keyword === 'required') return String(error.params.missingProperty ?? fromPath)
  if (error.keyword === 'additionalProperties') return String(error.params.additionalProperty ?? fromPath)
  return fromPath || (context === 'querystring' ? 'query string' : 'body')
}

function valueAt(request: ParsedRequest, context: string | undefined, instancePath: string): unknown {
  let value: unknown = context === 'querystring' ? request.query : request.body
  for (const key of instancePath.split('/').filter(Boolean)) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  }
  return value
}

/** Turns ajv's first error into a sentence a developer can act on. */
export function describeValidation(
  errors: readonly AjvError[],
  context: string | undefined,
  request: ParsedRequest,
): { field: string; rule: string; message: string } {
  const error = errors[0]
  if (!error) return { field: 'body', rule: 'schema', message: 'The request is not valid.' }
  const field = fieldOf(error, context)
  const p = error.params
  switch (error.keyword) {
    case 'required':
      return { field, rule: 'required', message: `${field} is required.` }
    case 'additionalProperties':
      return { field, rule: 'unknown-field', message: `Unknown field '${field}'; check its spelling (fields are camelCase).` }
    case 'type': {
      const subject = field === 'body' ? 'The body' : field
      return { field, rule: 'type', message: `${subject} must be ${article(String(p.type))} ${p.type}.` }
    }
    case 'maxLength':
      return { field, rule: 'max-length', message: `${field} must be at most ${p.limit} characters.` }
    case 'minLength':
      return { field, rule: 'min-length', message: `${field} must be at least ${p.limit} characters.` }
    case 'minimum':
    case 'maximum':
      return { field, rule: 'range', message: `${field} must be between 1 and 30.` }
    case 'enum':
      return {
        field,
        rule: 'enum',
        message: `${field} must be one of ${(p.allowedValues as unknown[]).join(', ')}.`,
      }
    case 'pattern':
      return { field, ...describePattern(field, valueAt(request, context, error.instancePath)) }
    default:
      return { field, rule: error.keyword, message: `${field} ${error.message ?? 'is not valid'}.` }
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a'
}

export interface ErrorView {
  status: number
  body: Omit<ErrorBody, 'sandbox'>
  headers: Record<string, string>
  /** Only unexpected failures are worth an error-level log line. */
  unexpected: boolean
}

/** Classifies any thrown value; shared by the JSON API and the transit page. */
/** instanceof, or the same shape from a second copy of the module (tsx may load ESM and CJS twins). */
function isServiceError(error: unknown): error is ServiceError {
  if (error instanceof ServiceError) return true
  const candidate = error as Partial<ServiceError> | null
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    candidate.name === 'ServiceError' &&
    typeof candidate.code === 'string' &&
    typeof candidate.status === 'number'
  )
}

export function viewError(error: unknown, request: ParsedRequest): ErrorView {
  if (isServiceError(error)) {
    const status = error.status >= 400 && error.status <= 599 ? error.status : 500
    const headers: Record<string, string> = {}
    if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)))
    return { status, body: { error: { code: error.code, message: error.message } }, headers, unexpected: status >= 500 }
  }
  if (error instanceof HttpError) {
    return {
      status: error.statusCode,
      body: { error: { code: error.code, message: error.message } },
      headers: error.headers,
      unexpected: false,
    }
  }
  const fastifyError = error as Partial<FastifyError> & { validation?: AjvError[] }
  if (fastifyError && Array.isArray(fastifyError.validation)) {
    const { field, rule, message } = describeValidation(fastifyError.validation, fastifyError.validationContext, request)
    return { status: 400, body: { error: { code: 'invalid', message, field, rule } }, headers: {}, unexpected: false }
  }
  const status = fastifyError?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 429) {
      return {
        status,
        body: { error: { code: 'rate-limited', message: `Too many requests from this caller; ${fastifyError.message ?? 'retry later'}.` } },
        headers: {},
        unexpected: false,
      }
    }
    const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined
    const body = known ?? { code: status === 404 ? 'not-found' : 'invalid-request', message: 'The request is not valid.' }
    return { status, body: { error: body }, headers: {}, unexpected: false }
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'Something went wrong inside the link service; try again later.' } },
    headers: {},
    unexpected: true,
  }
}

/** The log line of a failed request: error level only for the unexpected, info for the caller's mistakes. */
export function logErrorView(log: FastifyBaseLogger, view: ErrorView, error: unknown, bindings: Record<string, unknown> = {}): void {
  if (view.unexpected) log.error({ ...bindings, err: error }, 'request failed')
  else log.info({ ...bindings, code: view.body.error.code, status: view.status }, 'request refused')
}

export function registerErrorHandling(app: FastifyInstance, sandbox: boolean): void {
  app.setErrorHandler((error, request, reply: FastifyReply) => {
    const view = viewError(error, request)
    logErrorView(request.log, view, error)
    reply.code(view.status).headers(view.headers).send({ ...view.body, sandbox })
  })
  app.setNotFoundHandler((request, reply) => {
    // A preflight @fastify/cors let through: its origin is not allowed (an allowed one is answered 204 on any path).
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      const origin = String(request.headers.origin).slice(0, 200)
      return reply.code(403).send({
        error: { code: 'origin-not-allowed', message: `Origin ${origin} is not in NAVI_ALLOWED_ORIGINS; add it there to call this service from that page.` },
        sandbox,
      })
    }
    reply.code(404).send({
      error: { code: 'not-found', message: `No route ${request.method} ${request.url.split('?')[0].slice(0, 200)}; see docs/link-service.md.` },
      sandbox,
    })
  })
}
