/**
 * Closing while a request is in flight on a keep-alive connection. fastify's
 * close() ends only idle connections; the in-flight one becomes idle after its
 * answer and, answered with keep-alive, would hold server.close() for the
 * keepAliveTimeout (72 s) — past the CLI's 10 s guard, so the process was killed
 * with the core and Redis still open. While closing, every answer says
 * `Connection: close`, from fastify's routes and from the mint lane alike.
 */
import http from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config'
import { SANDBOX_APP } from '../../src/emulator'
import { buildApp } from '../../src/http/app'
import { createLogger } from '../../src/http/logging'
import type { LinkRequest, LinkResult, LinkService } from '../../src/service/types'
import { API_KEY, AUTH } from './http-harness'

// /metrics cannot be asked once the app is closed: the lane's claims are recorded as they happen instead.
const laneClaims = vi.hoisted(() => [] as string[])
vi.mock('../../src/http/lane', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/http/lane')>()
  return {
    ...actual,
    createMintLane: (options: Parameters<typeof actual.createMintLane>[0]) => {
      const lane = actual.createMintLane(options)
      return {
        close: () => lane.close(),
        serve: (request: http.IncomingMessage, response: http.ServerResponse) => {
          const claimed = lane.serve(request, response)
          if (claimed) laneClaims.push(request.url ?? '')
          return claimed
        },
      }
    },
  }
})

/** A core whose mints wait until the test lets them answer. */
function slowService(): { service: LinkService; started: () => number; release: () => void } {
  let started = 0
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const service = {
    mint: async (request: LinkRequest): Promise<LinkResult> => {
      started++
      await gate
      return { url: `weixin://dl/business/?t=${request.kind}`, expiresAt: null, cached: false, sandbox: false }
    },
    jssdkConfig: async () => {
      throw new Error('not used')
    },
    health: async () => ({ status: 'ok', sandbox: false, parts: {} }),
    metrics: async () => '',
    close: async () => undefined,
  } as unknown as LinkService
  return { service, started: () => started, release: () => release() }
}

interface Answer {
  status: number
  connection: string | undefined
  body: string
}

function post(base: string, agent: http.Agent, url: string): Promise<Answer> {
  const body = '{"path":"pages/index/index"}'
  return new Promise((resolve, reject) => {
    http
      .request(
        `${base}${url}`,
        { method: 'POST', agent, headers: { ...AUTH, 'content-type': 'application/json', 'content-length': body.length } },
        (response) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => (text += chunk))
          response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body: text }))
        },
      )
      .on('error', reject)
      .end(body)
  })
}

const sleep = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())

describe('close() with requests in flight on keep-alive connections', () => {
  it('answers them in full with Connection: close, through the lane and a fastify route, and finishes promptly', async () => {
    const config = loadConfig({ WECHAT_APPID: SANDBOX_APP.appId, WECHAT_SECRET: SANDBOX_APP.secret, NAVI_API_KEYS: API_KEY })
    // Above info, so the lane serves the API-key scheme call; the short link always goes through fastify.
    const logger = createLogger({ level: 'warn', secrets: [], stream: { write: () => undefined } })
    const slow = slowService()
    const app = await buildApp({ service: slow.service, http: config.http, sandbox: false, logger })
    const base = await app.listen({ port: 0, host: '127.0.0.1' })
    const agent = new http.Agent({ keepAlive: true })
    // Should close() hang, free the sockets so the test ends instead of waiting out the keep-alive timeout.
    cleanup = () => agent.destroy()

    const viaLane = post(base, agent, '/v1/wechat/scheme')
    const viaFastify = post(base, agent, '/v1/wechat/shortlink')
    await expect.poll(slow.started, { timeout: 5_000, interval: 10 }).toBe(2)

    const closed = app.close().then(() => 'closed' as const)
    await sleep(50) // close() is under way (preClose has run) before the answers go out
    slow.release()

    const answers = await Promise.all([viaLane, viaFastify])
    const answeredAt = Date.now()
    for (const [answer, kind] of [
      [answers[0], 'scheme'],
      [answers[1], 'shortlink'],
    ] as const) {
      expect(answer.status).toBe(200)
      expect(answer.connection).toBe('close')
      expect(JSON.parse(answer.body)).toEqual({ url: `weixin://dl/business/?t=${kind}`, expiresAt: null, cached: false, sandbox: false })
    }
    expect(await Promise.race([closed, sleep(3_000)])).toBe('closed')
    expect(Date.now() - answeredAt).toBeLessThan(3_000)
    expect(laneClaims).toEqual(['/v1/wechat/scheme'])
  })
})
