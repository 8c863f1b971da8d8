/**
 * What `router.push` costs over a bare `uni.navigateTo`, on the uni simulator
 * (microtask callbacks, so the runtime's own timers do not drown the figure).
 * Each sample is a push followed by a navigateBack; the back is the same on
 * every side, so the difference per navigation is the router's own work.
 * The peers run on the same simulator in the same process.
 */
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { root, SHIPPED } from './size'
import type { createRouter } from '../../uni_modules/navi-kit/router'
import type { pages } from '../sim/fixture'
import type { createUniSimulator, UniSimulator } from '../sim/uni-simulator'

const TARGET = '/pages/detail/detail'
const QUERY = { id: '42', tab: 'info' }

export interface OverheadRow {
  name: string
  microsPerNavigation: number
  overheadMicros: number
}

type Navigate = (sim: UniSimulator) => Promise<unknown>

async function sample(sim: UniSimulator, navigate: Navigate, iterations: number): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < iterations; i++) {
    await navigate(sim)
    await sim.settle()
    sim.uni.navigateBack({ delta: 1 })
    await sim.settle()
  }
  return ((performance.now() - started) * 1000) / iterations
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/**
 * Median of `rounds` samples per side, after a warm-up, all sides interleaved so drift hits each alike.
 * The overhead is the median of each round's difference to the first side (bare) in that same round:
 * on a shared machine the speed drifts between rounds by more than the router costs, and a paired
 * difference cancels what the rounds share.
 */
async function measure(sides: Array<[string, Navigate]>, sim: UniSimulator, iterations: number, rounds: number) {
  for (const [, navigate] of sides) await sample(sim, navigate, iterations)
  const samples = sides.map((): number[] => [])
  for (let round = 0; round < rounds; round++)
    // Each round starts with another side: what a side leaves behind (garbage to collect) slows the next one.
    for (let step = 0; step < sides.length; step++) {
      const index = (round + step) % sides.length
      samples[index].push(await sample(sim, sides[index][1], iterations))
    }
  return sides.map(([name], index) => ({
    name,
    micros: median(samples[index]),
    overheadMicros: median(samples[index].map((micros, round) => micros - samples[0][round])),
  }))
}

/**
 * The router as an app ships it (esbuild --bundle --minify, as the size is measured), with the simulator it drives,
 * in one bundle so they share the platform seam. Not the TypeScript source through tsx: tsx keeps every function's
 * name (esbuild keepNames), a call per closure made, which the router pays on every push and the peers, loaded from
 * their built packages, never do.
 */
async function loadBuilt(): Promise<{ createRouter: typeof createRouter; pages: typeof pages; createUniSimulator: typeof createUniSimulator }> {
  const outfile = path.join(root, 'node_modules', '.cache', 'navi-kit-bench', 'overhead.mjs')
  await build({
    stdin: {
      contents: [
        "export { createRouter } from './uni_modules/navi-kit/router'",
        "export { pages } from './test/sim/fixture'",
        "export { createUniSimulator } from './test/sim/uni-simulator'",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    ...SHIPPED,
    outfile,
  })
  return import(pathToFileURL(outfile).href)
}

export async function measureOverhead(iterations = 1000, rounds = 101): Promise<OverheadRow[]> {
  const { createRouter: createNaviRouter, pages, createUniSimulator } = await loadBuilt()
  const sim = createUniSimulator({ pages, platform: 'h5', callbacks: 'microtask' })
  const restore = sim.install()
  try {
    sim.launch('/pages/home/home')
    const navi = createNaviRouter({ pages })
    const routes = [...pages.pages!.map((p) => ({ path: '/' + p.path, name: p.path.split('/').pop() }))]
    // The peers capture `uni.navigateTo` when their module loads: load them after the simulator is installed.
    const uniMini = (await import('uni-mini-router')).createRouter({ routes })
    const wot = (await import('@wot-ui/router')).createRouter({ routes })
    const query = `?id=${QUERY.id}&tab=${QUERY.tab}`
    const results = await measure(
      [
        ['bare uni.navigateTo', async (s) => s.uni.navigateTo({ url: TARGET + query })],
        ['navi-kit router.push', () => navi.push({ path: TARGET, query: QUERY })],
        ['uni-mini-router push', async () => uniMini.push({ path: TARGET, query: QUERY })],
        ['@wot-ui/router push', async () => wot.push({ path: TARGET, query: QUERY })],
      ],
      sim,
      iterations,
      rounds,
    )
    return results.map(({ name, micros, overheadMicros }) => ({ name, microsPerNavigation: micros, overheadMicros }))
  } finally {
    restore()
  }
}
