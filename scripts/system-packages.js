// The Debian packages the tests need, installed when missing (as root, with
// apt-get) or named in the exact command to run. Used by `npm test` and `.ci/run`.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')

/** The browser the H5 tests launch (test/support/h5/browser.ts): the Debian package's binary, not any chromium on PATH. */
const CHROMIUM = '/usr/bin/chromium'

/** Each package and the test parts that need it. */
const packages = [
  { pkg: 'chromium', parts: ['h5'], present: () => fs.existsSync(CHROMIUM) },
  { pkg: 'fonts-wqy-zenhei', parts: ['h5'], present: () => fs.existsSync('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc') },
  { pkg: 'redis-server', parts: ['server'], present: () => onPath('redis-server') },
]

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

/** Returns true when every package the parts named need is there (installing them if it may). */
function ensureSystemPackages(partNames) {
  const needed = packages.filter((p) => p.parts.some((part) => partNames.includes(part)))
  const missing = needed.filter((n) => !n.present()).map((n) => n.pkg)
  if (missing.length === 0) return true
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!onPath('apt-get')) {
    console.error(`The tests need these Debian packages: ${missing.join(', ')}. This machine has no apt-get: install them (or your system's equivalents), then run npm test again.`)
    return false
  }
  if (!isRoot) {
    // sudo must cover both commands, not only the update.
    console.error(`The tests need these system packages: ${missing.join(', ')}. Install them, then run npm test again:\n  sudo sh -c '${command}'`)
    return false
  }
  console.log(`Installing system packages the tests need: ${missing.join(', ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env })
  const install =
    update.status === 0 && spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env })
  if (!install || install.status !== 0 || needed.some((n) => !n.present())) {
    console.error(`Installing failed. Run it by hand, then npm test again:\n  ${command}`)
    return false
  }
  return true
}

module.exports = { ensureSystemPackages }
