/**
 * The whole service as `npm run server` runs it: startServer() and the CLI,
 * over real HTTP, with the real core and the real emulator.
 */
import { spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server'

const root = path.resolve(__dirname, '../..')

async function post(base: string, route: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(base + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }
}

describe('startServer() without credentials: SANDBOX', () => {
  let server: RunningServer
  const logLines: string[] = []
  beforeAll(async () => {
    server = await startServer({ env: { NAVI_LOG_LEVEL: 'info' }, port: 0, logStream: { write: (line) => logLines.push(line) } })
  })
  afterAll(() => server.close())

  it('says SANDBOX in the log and starts the emulator in-process', () => {
    expect(server.sandbox).toBe(true)
    expect(server.emulator?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/)
    const warning = logLines.map((line) => JSON.parse(line)).find((entry) => /SANDBOX/.test(entry.msg))
    expect(warning).toMatchObject({ level: 40, sandbox: true })
  })

  it('mints through the emulator over HTTP, labelled sandbox, cached the second time', async () => {
    const origin = { origin: 'http://127.0.0.1:5173' }
    const first = await post(server.url, '/v1/wechat/scheme', { path: 'pages/index/index', query: 'id=1' }, origin)
    expect(first.status).toBe(200)
    expect(first.headers.get('x-navi-sandbox')).toBe('1')
    expect(first.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173')
    expect(first.body).toMatchObject({ cached: false, sandbox: true })
    expect(String(first.body.url)).toMatch(/^weixin:\/\/dl\/business\/\?t=\w+/)
    expect(Date.parse(String(first.body.expiresAt))).toBeGreaterThan(Date.now())

    const second = await post(server.url, '/v1/wechat/scheme', { path: 'pages/index/index', query: 'id=1', cq: 'u=7' }, origin)
    expect(second.body.cached).toBe(true)
    expect(String(second.body.url).startsWith(String(first.body.url))).toBe(true)
    expect(String(second.body.url)).toMatch(/[?&]cq=u%3D7$/)

    const link = await post(server.url, '/v1/wechat/urllink', { path: 'pages/index/index' }, origin)
    expect(link.status).toBe(200)
    expect(String(link.body.url)).toMatch(/^https:\/\//)
  })

  it('signs a JS-SDK config with the sandbox service account', async () => {
    const res = await fetch(`${server.url}/v1/wechat/jssdk-config?url=${encodeURIComponent('http://127.0.0.1:5173/pages/x?y=1')}`, {
      headers: { origin: 'http://127.0.0.1:5173' },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ sandbox: true, appId: expect.any(String), timestamp: expect.any(Number) })
    expect(String(body.signature)).toMatch(/^[0-9a-f]{40}$/)
  })

  it('healthz and metrics describe the running core', async () => {
    const health = await fetch(`${server.url}/healthz`)
    expect(health.status).toBe(200)
    const body = (await health.json()) as { status: string; sandbox: boolean; parts: Record<string, string> }
    expect(body.sandbox).toBe(true)
    expect(['ok', 'degraded']).toContain(body.status)
    expect(Object.keys(body.parts).length).toBeGreaterThan(0)
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/^navi_http_requests_total\{route="\/v1\/wechat\/scheme",status="200"\} 2$/m)
  })

  it('keeps the secret, keys and tickets out of the log', () => {
    const text = logLines.join('')
    const ticket = server.emulator?.control.jsapiTicket()
    expect(ticket).toBeTruthy()
    expect(text).not.toContain(String(ticket))
    expect(text).not.toContain(server.config.service.wechat.secret)
    if (server.config.service.officialAccount) expect(text).not.toContain(server.config.service.officialAccount.secret)
  })
})

describe('startServer() in SANDBOX with NAVI_SANDBOX_APPID', () => {
  it("mints for that mini program, the page's own target, and refuses the default sandbox one", async () => {
    const target = 'wx4e1ba651bbe36d01'
    const server = await startServer({ env: { NAVI_SANDBOX_APPID: target, NAVI_LOG_LEVEL: 'silent' }, port: 0 })
    try {
      const origin = { origin: 'http://127.0.0.1:5173' }
      const minted = await post(server.url, '/v1/wechat/scheme', { appId: target, path: 'pages/index/index' }, origin)
      expect(minted.status).toBe(200)
      expect(server.emulator?.control.lookupLink(String(minted.body.url))).toMatchObject({ appId: target, path: 'pages/index/index' })
      const other = await post(server.url, '/v1/wechat/scheme', { appId: 'wxsandbox000000001', path: 'pages/index/index' }, origin)
      expect(other.status).toBe(400)
      expect(other.body.error).toMatchObject({
        code: 'app-mismatch',
        message: `This sandbox mints links for ${target} only; start it with NAVI_SANDBOX_APPID=wxsandbox000000001 to mint for wxsandbox000000001.`,
      })
    } finally {
      await server.close()
    }
  })
})

describe('startServer() with NAVI_REDIS_URL', () => {
  it('runs on the shared Redis store and closes cleanly', async () => {
    const server = await startServer({ env: { NAVI_REDIS_URL: inject('redisUrl'), NAVI_LOG_LEVEL: 'silent' }, port: 0 })
    try {
      const origin = { origin: 'http://localhost:5173' }
      const minted = await post(server.url, '/v1/wechat/scheme', { path: 'pages/redis/redis', query: `run=${Date.now()}` }, origin)
      expect(minted.status).toBe(200)
      expect(String(minted.body.url)).toMatch(/^weixin:\/\/dl\/business\/\?t=/)
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { parts: Record<string, string> }
      expect(health.parts.store).toBe('ok')
    } finally {
      await server.close()
    }
  })

  it('two sandboxes on one Redis keep apart: each serves links and tokens of its own emulator only', async () => {
    const env = { NAVI_REDIS_URL: inject('redisUrl'), NAVI_LOG_LEVEL: 'silent' }
    const [a, b] = await Promise.all([startServer({ env, port: 0 }), startServer({ env, port: 0 })])
    try {
      const origin = { origin: 'http://localhost:5173' }
      const body = { path: 'pages/shared/shared', query: `run=${Date.now()}` }
      const fromA = await post(a.url, '/v1/wechat/scheme', body, origin)
      const fromB = await post(b.url, '/v1/wechat/scheme', body, origin)
      expect(fromB.body.cached).toBe(false)
      expect(b.emulator?.control.lookupLink(String(fromB.body.url))).toMatchObject({ path: 'pages/shared/shared' })
      expect(b.emulator?.control.lookupLink(String(fromA.body.url))).toBeUndefined()
      expect(b.emulator?.control.counters().errcodes['40001']).toBeUndefined()
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})

function runCli(env: Record<string, string>, args: string[] = []): {
  output: () => string
  exited: Promise<number | null>
  kill: (signal: NodeJS.Signals) => void
} {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'navi-link-service.js'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  return {
    output: () => output,
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
  }
}

describe('the navi-link-service command', () => {
  it('--help prints how it is configured and exits 0 without starting; an unknown argument exits 2', async () => {
    const help = runCli({ PORT: '0' }, ['--help'])
    expect(await help.exited).toBe(0)
    expect(help.output()).toMatch(/configured by environment variables/)
    expect(help.output()).toMatch(/WECHAT_APPID, WECHAT_SECRET/)
    expect(help.output()).not.toMatch(/listening/)
    const unknown = runCli({ PORT: '0' }, ['--port', '9000'])
    expect(await unknown.exited).toBe(2)
    expect(unknown.output()).toMatch(/^navi-link-service: unknown argument --port; it is configured by environment variables\./)
    expect(unknown.output()).not.toMatch(/listening/)
  })

  it('starts in sandbox, serves, and shuts down cleanly on SIGTERM', async () => {
    const cli = runCli({ PORT: '0' })
    await expect.poll(() => /link service listening/.test(cli.output()), { timeout: 20_000, interval: 100 }).toBe(true)
    const listening = cli
      .output()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; url?: string })
      .find((entry) => entry.msg === 'link service listening')
    const health = await fetch(`${listening?.url}/healthz`)
    expect(health.status).toBe(200)
    expect(health.headers.get('x-navi-sandbox')).toBe('1')
    cli.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
    expect(cli.output()).toMatch(/shutting down/)
  })

  it.each(['info', 'warn'])(
    'at NAVI_LOG_LEVEL=%s, SIGTERM with a request in flight on a keep-alive connection answers it with Connection: close and exits 0 at once',
    async (level) => {
      const key = 'cli-key-0123456789abcdef'
      // At warn nothing says where it listens: give it a port that was free a moment ago.
      const port = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as net.AddressInfo
          probe.close(() => resolve(free))
        })
      })
      const cli = runCli({ PORT: String(port), NAVI_API_KEYS: key, NAVI_LOG_LEVEL: level })
      const connect = (): Promise<net.Socket | undefined> =>
        new Promise((resolve) => {
          const candidate: net.Socket = net.connect(port, '127.0.0.1', () => resolve(candidate))
          candidate.on('error', () => resolve(undefined))
        })
      let socket = await connect()
      for (const started = Date.now(); !socket && Date.now() - started < 20_000; socket = await connect()) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      if (!socket) throw new Error('the service did not listen')
      let answer = ''
      socket.on('data', (chunk) => (answer += chunk))
      const ended = new Promise((resolve) => socket.on('close', resolve))
      const body = '{"path":"pages/index/index"}'
      // HTTP/1.1 keeps the connection alive; half the body keeps the request in flight across the signal.
      socket.write(
        `POST /v1/wechat/scheme HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      )
      await new Promise((resolve) => setTimeout(resolve, 300))
      const signalled = Date.now()
      cli.kill('SIGTERM')
      // The signal is taken before the rest of the body arrives ('shutting down' is an info line, absent at warn).
      await new Promise((resolve) => setTimeout(resolve, 300))
      socket.write(body.slice(5))
      // Before, the answer said keep-alive, close() waited out keepAliveTimeout and the 10 s guard exited 1.
      expect(await cli.exited).toBe(0)
      expect(Date.now() - signalled).toBeLessThan(5_000)
      await ended
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(answer).toMatch(/\r\nconnection: close\r\n/i)
      expect(answer).toMatch(/"url":"weixin:\/\/dl\/business\/\?t=\w+"/)
    },
  )

  it('refuses a bad configuration with the variable name, exit code 2, no stack trace', async () => {
    const cli = runCli({ PORT: '0', NAVI_ALLOWED_ORIGINS: '*' })
    expect(await cli.exited).toBe(2)
    expect(cli.output()).toMatch(/configuration error: NAVI_ALLOWED_ORIGINS:/)
    expect(cli.output()).not.toMatch(/\n\s+at /)
  })
})
