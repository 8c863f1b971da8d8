// A small static file server for a built H5 app (the demo in `npm start`, and
// the H5 end-to-end tests). Hash-mode routing needs no fallback, but unknown
// paths still answer index.html so history mode works too.
'use strict'
const http = require('node:http')
const fs = require('node:fs')
const path = require('node:path')

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

/**
 * The file a request path names inside `rootDir`; index.html for folders, unknown
 * paths, paths that would leave the folder, and paths that do not parse
 * ('//', a stray '%'); undefined (404) for a missing file with an extension, an
 * asset an old page asks for after a rebuild, which index.html would only disguise.
 */
function resolveFile(rootDir, requestUrl) {
  const index = path.join(rootDir, 'index.html')
  let pathname
  try {
    pathname = decodeURIComponent(new URL(requestUrl ?? '/', 'http://localhost').pathname)
  } catch {
    return index
  }
  const file = path.join(rootDir, pathname)
  if (!file.startsWith(rootDir + path.sep)) return index
  try {
    return fs.statSync(file).isFile() ? file : index
  } catch {
    return path.extname(pathname) ? undefined : index
  }
}

/** Serves `dir` on host:port (port 0 picks a free one); resolves { url, close }. */
function serveStatic(dir, { host = '127.0.0.1', port = 0 } = {}) {
  const rootDir = path.resolve(dir)
  const server = http.createServer((req, res) => {
    const file = resolveFile(rootDir, req.url)
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      return void res.end('not found')
    }
    const stream = fs.createReadStream(file)
    // A file removed while the build is rewritten answers 404 instead of ending the process.
    stream.once('error', () => {
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('not found')
    })
    stream.once('open', () => {
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' })
      stream.pipe(res)
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const address = server.address()
      resolve({
        url: `http://${host}:${address.port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      })
    })
  })
}

module.exports = { serveStatic }
