/**
 * `npm run server` / `navi-link-service`: start the link service from the
 * environment and stop it cleanly on SIGTERM/SIGINT.
 */
import { ConfigError } from './config'
import { startServer } from './server'

const USAGE = `navi-link-service: mints WeChat URL Schemes, URL Links and Short Links for navi-kit.

Usage: navi-link-service            (npm run server)

It takes no arguments: it is configured by environment variables, e.g.
  WECHAT_APPID, WECHAT_SECRET   the mini program to mint for; without them it runs in SANDBOX
                                (an emulated WeChat, links that open nothing)
  PORT, HOST                    where it listens (8787, 127.0.0.1)
  NAVI_API_KEYS                 keys of server callers (Authorization: Bearer …)
  NAVI_ALLOWED_ORIGINS          web pages that may call it directly
  NAVI_REDIS_URL                shared state for many instances (default: memory)
Every variable, with its default and rule: docs/link-service.md.`

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE)
    return
  }
  if (args.length) {
    console.error(`navi-link-service: unknown argument ${args[0]}; it is configured by environment variables.\n\n${USAGE}`)
    process.exit(2)
  }
  const server = await startServer()
  let closing = false
  const stop = (signal: NodeJS.Signals): void => {
    if (closing) return
    closing = true
    server.app.log.info({ signal }, 'shutting down')
    // A hung close must not keep the process alive forever.
    const timer = setTimeout(() => process.exit(1), 10_000)
    timer.unref()
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    // A configuration mistake: the message says what to change; a stack trace would only hide it.
    console.error(`navi-link-service: configuration error: ${error.message}`)
    process.exit(2)
  }
  console.error('navi-link-service: failed to start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
