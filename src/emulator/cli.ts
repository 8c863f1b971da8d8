/**
 * `npx tsx src/emulator/cli.ts [--port 8788] [--host 127.0.0.1] [--rate 100] [--quota 500000]`
 * Runs the WeChat OpenAPI emulator on its own and prints its URL and the
 * sandbox credentials (point WECHAT_API_BASE / WECHAT_APPID / WECHAT_SECRET at them).
 */
import { parseArgs } from 'node:util'
import { SANDBOX_APP, SANDBOX_OA, startEmulator } from './index'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8788' },
      host: { type: 'string', default: '127.0.0.1' },
      rate: { type: 'string' },
      quota: { type: 'string' },
    },
  })
  const number = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined
    const value = Number(text)
    if (!Number.isInteger(value) || value < 0) {
      console.error(`--${name} must be a whole number ≥ 0, got "${text}"`)
      process.exit(2)
    }
    return value
  }
  const emulator = await startEmulator({
    port: number('port', values.port),
    host: values.host,
    ratePerSecond: number('rate', values.rate),
    dailyQuota: number('quota', values.quota),
  })
  console.log(`WeChat OpenAPI emulator listening on ${emulator.url}`)
  console.log(`  mini program:    appid ${SANDBOX_APP.appId}  secret ${SANDBOX_APP.secret}`)
  console.log(`  service account: appid ${SANDBOX_OA.appId}  secret ${SANDBOX_OA.secret}`)
  console.log(`  e.g. WECHAT_API_BASE=${emulator.url} WECHAT_APPID=${SANDBOX_APP.appId} WECHAT_SECRET=${SANDBOX_APP.secret}`)
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`emulator failed to start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
