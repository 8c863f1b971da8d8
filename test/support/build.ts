/**
 * One uni build per platform, shared by every test that needs it.
 *
 * `npm test` builds both platforms once before the mp-weixin and H5 parts and
 * sets NAVI_BUILT=1, so tests only reuse. A standalone run
 * (`npx vitest run -c test/vitest.h5.config.ts`) builds here when the output
 * is missing or older than the sources, under the same lock every engineer
 * uses, because builds write the shared dist/.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export type BuildPlatform = 'h5' | 'mp-weixin'

export const projectRoot = path.resolve(__dirname, '..', '..')

/** Where `node scripts/uni.js build [-p mp-weixin]` writes each platform. */
export function buildDir(platform: BuildPlatform): string {
  return path.join(projectRoot, 'dist', 'build', platform)
}

/** A file every complete build of that platform writes. */
function marker(platform: BuildPlatform): string {
  return path.join(buildDir(platform), platform === 'h5' ? 'index.html' : 'app.js')
}

/** Inputs of a uni build: the demo app (its subpackage and easycom components too), the plugin, the Vite plugin of src/build. */
const sourceEntries = [
  'pages',
  'pkg',
  'components',
  'static',
  'uni_modules',
  path.join('src', 'build'),
  'App.vue',
  'main.ts',
  'pages.json',
  'manifest.json',
  'index.html',
  'vite.config.ts',
  'uni.scss',
]

function newestMtime(entry: string): number {
  let stat: fs.Stats
  try {
    stat = fs.statSync(entry)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const child of fs.readdirSync(entry)) {
    newest = Math.max(newest, newestMtime(path.join(entry, child)))
  }
  return newest
}

function sourcesMtime(): number {
  return Math.max(...sourceEntries.map((entry) => newestMtime(path.join(projectRoot, entry))))
}

/** Whether the platform's output exists and is newer than every source file. */
export function isBuildFresh(platform: BuildPlatform): boolean {
  try {
    return fs.statSync(marker(platform)).mtimeMs >= sourcesMtime()
  } catch {
    return false
  }
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`

function hasFlock(): boolean {
  return spawnSync('flock', ['--version'], { stdio: 'ignore' }).status === 0
}

/**
 * Makes sure dist/build/<platform> holds a usable build and returns its folder.
 * Throws with the build's output when the build fails.
 */
export function ensureBuild(platform: BuildPlatform): string {
  const dir = buildDir(platform)
  if (process.env.NAVI_BUILT === '1') {
    if (!fs.existsSync(marker(platform))) {
      throw new Error(`NAVI_BUILT=1 but ${marker(platform)} is missing: run "npm run build:${platform}" first.`)
    }
    return dir
  }
  if (isBuildFresh(platform)) return dir

  const uniArgs = ['scripts/uni.js', 'build', ...(platform === 'mp-weixin' ? ['-p', 'mp-weixin'] : [])]
  const build = [process.execPath, ...uniArgs].map(shellQuote).join(' ')
  // Checked again once the lock is held: whoever held it may have just built.
  const stillStale = `[ ! -e ${shellQuote(marker(platform))} ] || [ -n "$(find ${sourceEntries
    .map(shellQuote)
    .join(' ')} -newer ${shellQuote(marker(platform))} -print -quit 2>/dev/null)" ]`
  const [command, args]: [string, string[]] = hasFlock()
    ? ['flock', ['/tmp/build.lock', 'sh', '-c', `if ${stillStale}; then exec ${build}; fi`]]
    : [process.execPath, uniArgs]
  const result = spawnSync(command, args, { cwd: projectRoot, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`uni build for ${platform} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
  return dir
}
