#!/usr/bin/env node
// `npm start`: builds the H5 demo, serves it on 127.0.0.1, and starts the link
// service beside it (sandbox mode against the built-in WeChat emulator unless
// WECHAT_APPID / WECHAT_SECRET are set).
'use strict'
const { spawn, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { serveStatic } = require('./serve-static')

const root = path.resolve(__dirname, '..')
const demoPort = Number(process.env.DEMO_PORT ?? 5173)
/** The mini program the demo's launch page opens (WeChat's documented example AppID). */
const DEMO_TARGET_APPID = 'wx4e1ba651bbe36d01'

async function main() {
  console.log('Building the H5 demo …')
  const build = spawnSync(process.execPath, ['scripts/uni.js', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)

  // The demo's port first: when it is taken, nothing else has been started yet.
  const demo = await serveStatic(path.join(root, 'dist', 'build', 'h5'), { port: demoPort }).catch((error) => {
    if (error.code !== 'EADDRINUSE') throw error
    console.error(`Port ${demoPort} is in use: stop what holds it, or choose another, e.g. DEMO_PORT=5174 npm start`)
    process.exit(1)
  })

  const children = []
  const cli = path.join(root, 'src', 'cli.ts')
  if (fs.existsSync(cli)) {
    // In sandbox the service mints for the mini program the demo opens (pages/launch/launch.vue), as a real
    // deployment mints for its WECHAT_APPID; the service refuses links to any other (app-mismatch).
    const env = { ...process.env }
    if (!env.WECHAT_APPID && !env.WECHAT_SECRET) env.NAVI_SANDBOX_APPID ??= DEMO_TARGET_APPID
    const service = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [cli], { cwd: root, stdio: 'inherit', env })
    service.on('exit', (code) => {
      console.error(`The link service stopped (exit ${code}).`)
      process.exit(code ?? 1)
    })
    children.push(service)
  }

  console.log(`\nnavi-kit demo (H5): ${demo.url}`)
  if (children.length) console.log(`link service: http://127.0.0.1:${process.env.PORT ?? 8787} (SANDBOX unless WECHAT_APPID / WECHAT_SECRET are set)`)
  const stop = () => {
    for (const child of children) child.kill('SIGTERM')
    demo.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
