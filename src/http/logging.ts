/**
 * The service's pino logger (fastify's logger). Two layers keep secrets out of logs:
 * 1. pino `redact` removes known fields (Authorization, cookies, secrets, tokens, keys);
 * 2. every finished line passes a scrubber that replaces the configured secret
 *    values and any `access_token=…` wherever they appear — in messages, error
 *    text, upstream URLs — because redaction by path cannot see inside strings.
 *    It blanks a caller's per-user data (`cq=…`) the same way.
 */
import type { FastifyBaseLogger } from 'fastify'
import pino, { type Bindings, type ChildLoggerOptions, type Logger } from 'pino'

export interface LogOptions {
  level: string
  /** Values that must never be written (app secrets, API keys). */
  secrets: readonly string[]
  /** Where lines go; default stdout. Tests pass a collector. */
  stream?: { write(line: string): unknown }
}

export const REDACTED = '[Redacted]'

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'secret',
  'apiKeys',
  'access_token',
  'accessToken',
  '*.secret',
  '*.apiKeys',
  '*.access_token',
  '*.accessToken',
  '*.authorization',
  'config.service.wechat.secret',
  'config.service.officialAccount.secret',
  'config.http.apiKeys',
]

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A function that blanks secrets out of one serialised log line. */
export function createScrubber(secrets: readonly string[]): (line: string) => string {
  // Match the raw value and its JSON-escaped form (what appears inside a JSON log line).
  const variants = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < 4) continue // too short to scrub without mangling ordinary text
    variants.add(secret)
    variants.add(JSON.stringify(secret).slice(1, -1))
  }
  const longestFirst = [...variants].sort((a, b) => b.length - a.length).map(escapeRegExp)
  const secretPattern = longestFirst.length ? new RegExp(longestFirst.join('|'), 'g') : null
  const tokenPattern = /(access_token|accessToken|jsapi_ticket|ticket)(\\?"?\s*[=:]\s*\\?"?)([^&\s"\\,}]+)/g
  // cq is the caller's per-user data (a user id, a campaign): no secret, but no log needs it either. Only the name
  // cq itself (`&cq=`, `"cq":`), not a word that ends in it.
  const perUserPattern = /(?<![\w-])(cq)(\\?"?\s*[=:]\s*\\?"?)([^&#\s"\\,}]+)/g
  const blank = (_m: string, name: string, sep: string) => `${name}${sep}${REDACTED}`
  return (line) => {
    let out = line.replace(tokenPattern, blank).replace(perUserPattern, blank)
    if (secretPattern) out = out.replace(secretPattern, REDACTED)
    return out
  }
}

export function createLogger(options: LogOptions): Logger {
  const scrub = createScrubber(options.secrets)
  const destination = options.stream ?? process.stdout
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      base: { service: 'navi-link-service' },
    },
    { write: (line: string) => destination.write(scrub(line)) },
  )
}

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
type LogCall = (...args: unknown[]) => void

/**
 * Fastify's per-request logger (the `reqId` child), created only when a line is
 * actually written. pino builds a child eagerly — bindings serialised through the
 * redaction — which on a busy instance logging at warn is work for every request and
 * a line for almost none. Lines that are written go through the real pino child, so
 * they carry the same `reqId`, redaction and scrubbing as before.
 */
class RequestLogger implements FastifyBaseLogger {
  private child$: FastifyBaseLogger | undefined

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.child$ ??= this.parent.child(this.bindings))
  }

  get level(): string {
    return this.child$ ? this.child$.level : this.parent.level
  }

  set level(level: string) {
    this.logger.level = level
  }

  private write(level: LogLevel, args: unknown[]): void {
    if (this.child$ === undefined && !this.parent.isLevelEnabled(level)) return
    const logger = this.logger
    ;(logger[level] as LogCall).apply(logger, args)
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.write('error', args)
  }
  warn(...args: unknown[]): void {
    this.write('warn', args)
  }
  info(...args: unknown[]): void {
    this.write('info', args)
  }
  debug(...args: unknown[]): void {
    this.write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.write('trace', args)
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options)
  }
}

/**
 * Fastify's `childLoggerFactory` for the service's pino logger: a lazy request
 * logger, or pino's own child when a route sets its own level or serializers.
 */
export function requestLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  const parent = logger as Logger
  if (options.level !== undefined || options.serializers !== undefined || typeof parent.isLevelEnabled !== 'function') {
    return logger.child(bindings, options)
  }
  return new RequestLogger(parent, bindings)
}
