/**
 * `npm run server` / `navi-link-service`: start the link service from the
 * environment and stop it cleanly on SIGTERM/SIGINT.
 */
import { ConfigError } from './config'
import { startServer } from './server'

async function main(): Promise<void> {
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
