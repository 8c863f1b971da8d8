/**
 * A real Chromium (the Debian package) driven by playwright-core, for the H5
 * build. Every request that does not go to the loopback test server is
 * answered locally: the machine has no network, and a page waiting on one
 * would only time out.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { projectRoot } from '../build'

export const CHROMIUM = '/usr/bin/chromium'

/** The flags measured to start Chromium headless, as root, on a machine with no network (TOOLCHAIN.md). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Browser {
  context: BrowserContext
  page: Page
  /** Messages of uncaught page errors and console errors, for failure reports. */
  errors: string[]
  /** Requests that left the loopback server (answered locally with an empty body). */
  outside: string[]
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

function isLoopback(url: string): boolean {
  try {
    const { hostname, protocol } = new URL(url)
    return protocol === 'data:' || protocol === 'blob:' || hostname === '127.0.0.1' || hostname === 'localhost'
  } catch {
    return false
  }
}

/** Starts Chromium on a fresh profile, 375×667 like a phone. */
export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
  })
  const errors: string[] = []
  const outside: string[] = []
  // A rejected uni promise reaches 'pageerror' as just "Object": log its reason first.
  await context.addInitScript(() => {
    window.addEventListener('unhandledrejection', (event) => {
      let reason: string
      try {
        reason = JSON.stringify(event.reason)
      } catch {
        reason = String(event.reason)
      }
      console.error(`unhandled rejection: ${reason}`)
    })
  })
  await context.route('**/*', async (route) => {
    const url = route.request().url()
    if (isLoopback(url)) return route.continue()
    outside.push(url)
    const type = route.request().resourceType()
    await route.fulfill({
      status: 200,
      contentType: type === 'script' ? 'text/javascript' : type === 'stylesheet' ? 'text/css' : 'text/plain',
      body: '',
    })
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  const shots = path.join(projectRoot, 'test-results', 'h5')
  return {
    context,
    page,
    errors,
    outside,
    async screenshot(name) {
      fs.mkdirSync(shots, { recursive: true })
      const file = path.join(shots, `${name}.png`)
      await page.screenshot({ path: file })
      return file
    },
    async close() {
      try {
        await context.close()
      } finally {
        fs.rmSync(profile, { recursive: true, force: true })
      }
    },
  }
}
