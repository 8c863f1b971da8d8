/**
 * The real link service (src/server.ts) for end-to-end tests: SANDBOX mode
 * (no WeChat credentials), so it mints with the built-in WeChat emulator,
 * in-process, whose control API lets a test check what a link stands for.
 *
 * Without NAVI_ALLOWED_ORIGINS the sandbox lets any http://127.0.0.1:* origin
 * in (config.ts `allowLoopbackOrigins`), which covers the demo's static
 * server; no API key is involved, as for a real page.
 */
import { createHash } from 'node:crypto'
import { startServer, type RunningServer } from '../../src/server'
import type { EmulatorControl } from '../../src/emulator'

/** The mini program the demo's launch page opens (pages/launch/launch.vue, scripts/start.js). */
export const DEMO_TARGET_APPID = 'wx4e1ba651bbe36d01'

export interface SandboxLinkService {
  /** Base URL, e.g. http://127.0.0.1:PORT (what the demo's `linkService` takes). */
  url: string
  /** The in-process WeChat emulator behind it. */
  emulator: EmulatorControl
  close(): Promise<void>
}

/** Starts the service on a free loopback port with a clean, silent sandbox environment. */
export async function startSandboxLinkService(): Promise<SandboxLinkService> {
  // An explicit env: whatever the shell exports (credentials, Redis, origins) must not change the sandbox.
  // It mints for the mini program the demo opens, as `npm start` runs it (scripts/start.js).
  const running: RunningServer = await startServer({
    env: { NAVI_LOG_LEVEL: 'silent', NAVI_SANDBOX_APPID: DEMO_TARGET_APPID },
    port: 0,
    host: '127.0.0.1',
  })
  if (!running.sandbox || !running.emulator) {
    await running.close()
    throw new Error('link service did not start in SANDBOX mode')
  }
  return { url: running.url, emulator: running.emulator.control, close: () => running.close() }
}

/** WeChat's JS-SDK signature: sha1 of the four fields in this order (`url` is the page URL without its #hash). */
export function jssdkSignature(fields: { ticket: string; nonceStr: string; timestamp: number | string; url: string }): string {
  const text = `jsapi_ticket=${fields.ticket}&noncestr=${fields.nonceStr}&timestamp=${fields.timestamp}&url=${fields.url}`
  return createHash('sha1').update(text).digest('hex')
}
