import { createRequire } from 'node:module'
import type { TestProject } from 'vitest/node'
import { ensureBuild } from '../build'

const nodeRequire = createRequire(__filename)
const { serveStatic } = nodeRequire('../../../scripts/serve-static.js') as {
  serveStatic(dir: string, options?: { host?: string; port?: number }): Promise<{ url: string; close(): Promise<void> }>
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of dist/build/h5 served on 127.0.0.1. */
    h5Url: string
  }
}

/** Builds dist/build/h5 if missing or stale, then serves it on a free loopback port. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = ensureBuild('h5')
  const server = await serveStatic(dir, { host: '127.0.0.1', port: 0 })
  project.provide('h5Url', server.url)
  return () => server.close()
}
