import { describe, expect, it } from 'vitest'
import { createLogger, requestLoggerFactory } from '../../src/http/logging'

function collect(level: string) {
  const lines: string[] = []
  const logger = createLogger({ level, secrets: ['super-secret-value'], stream: { write: (line) => lines.push(line) } })
  return { lines, logger }
}

describe('per-request logger (created when a line is written)', () => {
  it('writes enabled lines with the request id, redacted and scrubbed like the service logger', () => {
    const { lines, logger } = collect('info')
    const log = requestLoggerFactory(logger, { reqId: 'req-7' }, {})
    log.info({ req: { headers: { authorization: 'Bearer abc' } } }, 'incoming with super-secret-value')
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0])
    expect(entry.reqId).toBe('req-7')
    expect(entry.req.headers.authorization).toBe('[Redacted]')
    expect(entry.msg).toBe('incoming with [Redacted]')
  })

  it('writes nothing below the level, and still writes warnings and errors', () => {
    const { lines, logger } = collect('warn')
    const log = requestLoggerFactory(logger, { reqId: 'req-8' }, {})
    log.info('completed')
    log.debug('detail')
    expect(lines).toHaveLength(0)
    log.error({ code: 'internal' }, 'request failed')
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([{ level: 50, reqId: 'req-8', code: 'internal' }])
  })

  it('follows the service logger when its level changes at run time', () => {
    const { lines, logger } = collect('warn')
    const log = requestLoggerFactory(logger, { reqId: 'req-9' }, {})
    logger.level = 'info'
    log.info('now visible')
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['now visible'])
    expect(log.level).toBe('info')
  })
})
