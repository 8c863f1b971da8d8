// @vitest-environment node
/**
 * The static server behind `npm start` and the H5 e2e: files by their type,
 * index.html for app routes, 404 for a missing asset, nothing outside its folder.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const { serveStatic } = createRequire(import.meta.url)('../../../scripts/serve-static.js') as {
  serveStatic(dir: string, options?: { port?: number }): Promise<{ url: string; close(): Promise<void> }>
}

let dir: string
let server: { url: string; close(): Promise<void> }
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-static-'))
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>')
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'export {}')
  server = await serveStatic(dir, { port: 0 })
})
afterAll(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** GET with the path sent exactly as written (no URL normalisation of '..'). */
function get(rawPath: string): Promise<{ status: number; type: string; body: string }> {
  const { port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: rawPath }, (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }))
      })
      .on('error', reject)
  })
}

describe('serve-static', () => {
  it('serves a file with its type, and index.html for an app route', async () => {
    expect(await get('/assets/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'export {}' })
    expect(await get('/pages/detail/detail')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' })
  })

  it('answers 404 for a missing asset instead of disguising it as index.html', async () => {
    expect(await get('/assets/gone-after-rebuild.js')).toMatchObject({ status: 404, body: 'not found' })
  })

  it('never serves a file outside its folder', async () => {
    for (const sneaky of ['/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const answer = await get(sneaky)
      expect(answer.body).not.toContain('root:')
    }
  })
})
