/**
 * A Redis that stops answering but keeps its connection open (blocked by a
 * slow command, swapped out, a black-holed network), played by SIGSTOP on its
 * own redis-server: the whole service as `npm run server` runs it keeps
 * answering browsers and the transit page from local state, and shuts down.
 * The bounds are generous: they tell "answers" from "hangs until Redis is
 * back", not fast from slow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server'
import { startRedis, type RunningRedis } from './setup/redis'

const ORIGIN = 'http://127.0.0.1:5173'
const ANDROID_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'

let redis: RunningRedis
let server: RunningServer | undefined

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  redis.resume()
  await server?.close()
  await redis.stop()
})

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now()
  const value = await work()
  return { value, ms: Date.now() - started }
}

const mint = (base: string, query: string) =>
  fetch(`${base}/v1/wechat/scheme`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ path: 'pages/index/index', query }),
    signal: AbortSignal.timeout(20_000),
  })

describe('a stalled Redis', () => {
  it('browser calls, the transit page and shutdown go on from local state while Redis is stalled', async () => {
    server = await startServer({ env: { NAVI_REDIS_URL: redis.url, NAVI_LOG_LEVEL: 'silent' }, port: 0, host: '127.0.0.1' })
    const base = server.url
    const warm = await mint(base, 'id=1')
    expect(warm.status).toBe(200)

    redis.pause()
    // Each of these passes the browser rate limiter (Redis) and the core's store (Redis).
    const cached = await timed(() => mint(base, 'id=1'))
    expect(cached.value.status).toBe(200)
    expect(cached.ms).toBeLessThan(10_000)

    const transit = await timed(() =>
      fetch(`${base}/go/wechat?path=pages/index/index&query=id%3D2`, { headers: { 'user-agent': ANDROID_UA }, signal: AbortSignal.timeout(20_000) }),
    )
    expect(transit.value.status).toBe(200)
    expect(await transit.value.text()).toMatch(/weixin:\/\/dl\/business\/\?t=/)
    expect(transit.ms).toBeLessThan(10_000)

    // Once a command timed out, the store stops asking for a while: ten new links are not ten waits per command
    // (about 5 s each without that). The browser rate limiter still waits out its own 500 ms per request.
    const batch = await timed(async () => {
      const statuses: number[] = []
      for (let i = 0; i < 10; i++) statuses.push((await mint(base, `batch=${i}`)).status)
      return statuses
    })
    expect(batch.value).toEqual(Array(10).fill(200))
    expect(batch.ms).toBeLessThan(20_000)

    const closing = await timed(() => server!.close())
    server = undefined
    expect(closing.ms).toBeLessThan(10_000)
  }, 120_000)
})
