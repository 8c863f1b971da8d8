/**
 * Redis 5 (the 5.0 many clouds still rent out) has no HELLO, the command
 * ioredis 6 opens RESP3 with. Played by the suite's redis-server with HELLO
 * renamed away, which answers it exactly as Redis 5 does ("ERR unknown command
 * 'HELLO'"): the whole service as `npm run server` runs it keeps its state
 * there, for the core's store and the browser rate limiter alike. (Every
 * command the store's scripts and @fastify/rate-limit's send is in Redis 5;
 * Redis 4 would refuse the scripts' writes after TIME.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { startServer, type RunningServer } from '../../src/server'
import { startRedis, type RunningRedis } from './setup/redis'

const ORIGIN = 'http://127.0.0.1:5173'

let redis: RunningRedis
let server: RunningServer | undefined
let peek: Redis

beforeAll(async () => {
  redis = await startRedis(undefined, ['--rename-command', 'HELLO', ''])
  // RESP2, as every client before RESP3 spoke it.
  peek = new Redis(redis.url, { protocol: 2 })
})
afterAll(async () => {
  peek.disconnect()
  await server?.close()
  await redis.stop()
})

describe('a Redis without HELLO (Redis 5)', () => {
  it('answers HELLO as Redis 5 does', async () => {
    await expect(peek.call('HELLO', '3')).rejects.toThrow(/unknown command 'HELLO'/)
  })

  it('holds the service state: /healthz says the store is ok, a minted link and the rate-limit counts are in it', async () => {
    server = await startServer({ env: { NAVI_REDIS_URL: redis.url, NAVI_LOG_LEVEL: 'silent' }, port: 0, host: '127.0.0.1' })
    const health = await (await fetch(`${server.url}/healthz`)).json()
    expect(health.parts.store).toBe('ok')

    const minted = await fetch(`${server.url}/v1/wechat/scheme`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ path: 'pages/index/index', query: 'id=5' }),
    })
    expect(minted.status).toBe(200)
    const { url } = (await minted.json()) as { url: string }
    expect(url).toMatch(/^weixin:\/\/dl\/business\/\?t=/)

    const keys = await peek.keys('navi:*')
    // The link cache, in Redis: another instance would hand out the same link.
    const links = await Promise.all(keys.filter((key) => key.includes(':link:')).map((key) => peek.get(key)))
    expect(links.some((value) => value?.includes(url))).toBe(true)
    // The browser rate limiter counted this request there too: one request from this page so far.
    const counts = await Promise.all(keys.filter((key) => key.includes(':ratelimit:')).map((key) => peek.get(key)))
    expect(counts).toEqual(['1'])
  }, 60_000)
})
