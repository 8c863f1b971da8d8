#!/usr/bin/env node
// `npm test`: every check the project has, in one run, ending with one line
// `N passed, N failed` that counts all of them (CI reads that line).
//
// Order: system packages → typecheck → unit → type tests → one build per
// platform → compiled mp-weixin in miniprogram-simulate → H5 build in
// Chromium → link service against the emulator and a real Redis.
//
//   npm test                     everything
//   npm test -- --only unit,h5   some parts (names below); builds run when a part needs them
'use strict'
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { ensureSystemPackages } = require('./system-packages')

const root = path.resolve(__dirname, '..')
const resultsDir = path.join(root, 'test-results')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)

/**
 * No part may hang CI: each gets this long (the slowest, the server tests, takes
 * about 70 s here), then is killed and counted failed; the summary line still prints.
 */
const PART_TIMEOUT_MS = Number(process.env.NAVI_PART_TIMEOUT_MS) || 20 * 60 * 1000

/** A part that vitest runs; its JSON report gives the counts. */
const vitestPart = (name, config, needs = []) => ({ name, kind: 'vitest', config, needs })

const parts = [
  {
    name: 'typecheck',
    kind: 'command',
    // The project, then the plugin alone as a market app compiles it (uni's types only, no @types/node).
    commands: [
      [bin('vue-tsc'), '--noEmit', '-p', 'tsconfig.json'],
      [bin('vue-tsc'), '--noEmit', '-p', 'test/tsconfig.plugin.json'],
    ],
  },
  vitestPart('unit', 'test/vitest.unit.config.ts'),
  vitestPart('types', 'test/vitest.types.config.ts'),
  { name: 'build:h5', kind: 'command', commands: [[process.execPath, 'scripts/uni.js', 'build']], build: 'h5' },
  {
    name: 'build:mp-weixin',
    kind: 'command',
    commands: [[process.execPath, 'scripts/uni.js', 'build', '-p', 'mp-weixin']],
    build: 'mp-weixin',
  },
  vitestPart('mp-weixin', 'test/vitest.mp.config.ts', ['build:mp-weixin']),
  vitestPart('h5', 'test/vitest.h5.config.ts', ['build:h5']),
  vitestPart('server', 'test/vitest.server.config.ts'),
]

function selectedParts(argv) {
  // --only a,b or --only=a,b
  const at = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='))
  if (at < 0) return parts
  const list = argv[at] === '--only' ? argv[at + 1] : argv[at].slice('--only='.length)
  const wanted = new Set((list ?? '').split(',').filter(Boolean))
  const unknown = [...wanted].filter((name) => !parts.some((p) => p.name === name))
  if (unknown.length || wanted.size === 0) {
    const what = unknown.length ? `Unknown part(s): ${unknown.join(', ')}` : '--only names no part'
    console.error(`${what}. Parts: ${parts.map((p) => p.name).join(', ')}`)
    console.log('0 passed, 1 failed')
    process.exit(2)
  }
  // A chosen test part pulls in the build it runs on.
  for (const p of parts) if (wanted.has(p.name)) for (const need of p.needs ?? []) wanted.add(need)
  return parts.filter((p) => wanted.has(p.name))
}

/** Set by Ctrl-C: the running part is stopped, the rest are not started, the summary still prints. */
let interrupted = false

/**
 * Runs one command in a process group of its own, so that a timeout or Ctrl-C stops what it started too
 * (vitest's workers, a redis-server, a browser), and nothing it left behind competes with the next part.
 */
function run(command, env) {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd: root, stdio: 'inherit', env, detached: true })
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal)
      } catch {
        // the group is gone already
      }
    }
    const stop = () => {
      signalGroup('SIGTERM')
      setTimeout(() => signalGroup('SIGKILL'), 5000).unref()
    }
    const timer = setTimeout(() => {
      console.error(`\n✗ killed after ${PART_TIMEOUT_MS / 60000} minutes: ${command.join(' ')}`)
      stop()
    }, PART_TIMEOUT_MS)
    // Its own group no longer hears the terminal's Ctrl-C: hand it on.
    const onInterrupt = () => {
      interrupted = true
      stop()
    }
    // SIGHUP too: the part has a session of its own, so a closed terminal reaches only this process.
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
    for (const signal of signals) process.on(signal, onInterrupt)
    // However this process ends, the part does not outlive it.
    const onExit = () => signalGroup('SIGKILL')
    process.on('exit', onExit)
    const done = (status) => {
      clearTimeout(timer)
      for (const signal of signals) process.off(signal, onInterrupt)
      process.off('exit', onExit)
      signalGroup('SIGKILL') // whatever the command left running
      resolve({ status, seconds: (Date.now() - started) / 1000 })
    }
    child.on('error', (error) => {
      console.error(`\n✗ cannot run ${command[0]}: ${error.message}`)
      done(1)
    })
    child.on('exit', (code) => done(code ?? 1))
  })
}

/** Runs `commands` one after another, stopping at the first that fails. */
async function runAll(commands, env) {
  let seconds = 0
  for (const command of commands) {
    const result = await run(command, env)
    seconds += result.seconds
    if (result.status !== 0 || interrupted) return { status: result.status || 1, seconds }
  }
  return { status: 0, seconds }
}

function readVitestReport(file) {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'))
    return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests }
  } catch {
    return undefined
  }
}

async function runPart(part, env, failedBuilds) {
  const blockedBy = (part.needs ?? []).filter((n) => failedBuilds.has(n))
  if (blockedBy.length) {
    console.log(`\n▶ ${part.name}: not run, ${blockedBy.join(', ')} failed`)
    return { passed: 0, failed: 1, skipped: 0, seconds: 0, note: `${blockedBy.join(', ')} failed` }
  }
  console.log(`\n▶ ${part.name}`)
  if (part.kind === 'command') {
    const { status, seconds } = await runAll(part.commands, env)
    return { passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1, skipped: 0, seconds }
  }
  const reportFile = path.join(resultsDir, `${part.name}.json`)
  fs.rmSync(reportFile, { force: true })
  const { status, seconds } = await run(
    [bin('vitest'), 'run', '-c', part.config, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`],
    env,
  )
  const counts = readVitestReport(reportFile)
  if (!counts) return { passed: 0, failed: 1, skipped: 0, seconds, note: 'vitest wrote no report' }
  if (counts.passed + counts.failed === 0) return { ...counts, failed: 1, seconds, note: 'no test ran' }
  // A non-zero exit with every test green (an unhandled error, a failed setup) still fails the part.
  if (status !== 0 && counts.failed === 0) return { ...counts, failed: 1, seconds, note: `vitest exited ${status}` }
  return { ...counts, seconds }
}

async function main() {
  const chosen = selectedParts(process.argv.slice(2))
  if (!fs.existsSync(bin('vitest'))) {
    console.error('Dependencies are missing. Run:  npm ci')
    console.log('0 passed, 1 failed')
    process.exit(1)
  }
  if (!ensureSystemPackages(chosen.map((part) => part.name))) {
    console.log('0 passed, 1 failed')
    process.exit(1)
  }
  fs.mkdirSync(resultsDir, { recursive: true })
  // The test parts reuse this run's builds instead of building again.
  const env = { ...process.env, NAVI_BUILT: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '0' }
  const rows = []
  const failedBuilds = new Set()
  for (const part of chosen) {
    if (interrupted) {
      rows.push({ name: part.name, passed: 0, failed: 1, skipped: 0, seconds: 0, note: 'not run: interrupted' })
      continue
    }
    const result = await runPart(part, env, failedBuilds)
    if (part.build && result.failed) failedBuilds.add(part.name)
    rows.push({ name: part.name, ...result })
  }
  const total = rows.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  })
  console.log('\npart             passed  failed  skipped  seconds')
  for (const r of rows) {
    const line = `${r.name.padEnd(16)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.toFixed(1).padStart(7)}`
    console.log(r.note ? `${line}  (${r.note})` : line)
  }
  if (total.skipped) console.log(`${total.skipped} skipped (not run, not counted)`)
  // CI reads the last line, exactly `N passed, N failed`: nothing may follow it.
  console.log(`${total.passed} passed, ${total.failed} failed`)
  process.exit(total.failed ? 1 : 0)
}

main().catch((error) => {
  console.error(error)
  console.log('0 passed, 1 failed')
  process.exit(1)
})
