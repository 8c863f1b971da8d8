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
}

/** Serves `dir` on host:port (port 0 picks a free one); resolves { url, close }. */
function serveStatic(dir, { host = '127.0.0.1', port = 0 } = {}) {
  const rootDir = path.resolve(dir)
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    let file = path.join(rootDir, pathname)
    // Never serve outside the build folder.
    if (!file.startsWith(rootDir)) file = path.join(rootDir, 'index.html')
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(rootDir, 'index.html')
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
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
