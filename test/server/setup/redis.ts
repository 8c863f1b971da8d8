/**
 * vitest globalSetup: one real redis-server (apt's) on a free loopback port,
 * no persistence, for the whole server suite. Tests read its URL with
 * `inject('redisUrl')` (or NAVI_TEST_REDIS_URL). `startRedis()` is also used
 * by tests that stop and restart their own Redis mid-run.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'

export interface RunningRedis {
  url: string
  port: number
  stop(): Promise<void>
  /** SIGSTOP: the connection stays open and nothing answers (a blocked or swapped-out Redis). */
  pause(): void
  /** SIGCONT after pause(). */
  resume(): void
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts `redis-server` on `port` (default: a free one) and resolves once it accepts connections. `args`: more
 * of redis-server's own options (`['--rename-command', 'HELLO', '']` answers as Redis 5 and older do).
 */
export async function startRedis(port?: number, args: string[] = []): Promise<RunningRedis> {
  const chosen = port ?? (await freePort())
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${chosen}: ${output.slice(-500)}`)), 10_000)
    // No binary: spawn reports ENOENT as an 'error' event, which unheard would crash vitest itself.
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new Error(`cannot run redis-server (${error.message}): apt-get install -y redis-server`))
    })
    const check = (): void => {
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      } else if (child.exitCode !== null) {
        clearTimeout(timer)
        reject(new Error(`redis-server exited (is it installed? apt-get install -y redis-server): ${output.slice(-500)}`))
      } else setTimeout(check, 20)
    }
    check()
  })
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGCONT')
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

export default async function setup({ provide }: { provide: (key: 'redisUrl', value: string) => void }): Promise<() => Promise<void>> {
  const redis = await startRedis()
  provide('redisUrl', redis.url)
  process.env.NAVI_TEST_REDIS_URL = redis.url
  return () => redis.stop()
}
