/**
 * What `router.push` costs over a bare `uni.navigateTo`, on the uni simulator
 * (microtask callbacks, so the runtime's own timers do not drown the figure).
 * Each sample is a push followed by a navigateBack; the back is the same on
 * every side, so the difference per navigation is the router's own work.
 * The peers run on the same simulator in the same process.
 */
import { performance } from 'node:perf_hooks'
import { createRouter as createNaviRouter } from '../../uni_modules/navi-kit/router'
import { pages } from '../sim/fixture'
import { createUniSimulator, type UniSimulator } from '../sim/uni-simulator'

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

/** Median of `rounds` samples, after a warm-up, all sides interleaved so drift hits each alike. */
async function measure(sides: Array<[string, Navigate]>, sim: UniSimulator, iterations: number, rounds: number) {
  for (const [, navigate] of sides) await sample(sim, navigate, iterations)
  const samples = new Map<string, number[]>(sides.map(([name]) => [name, []]))
  for (let round = 0; round < rounds; round++)
    for (const [name, navigate] of sides) samples.get(name)!.push(await sample(sim, navigate, iterations))
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  return sides.map(([name]) => ({ name, micros: median(samples.get(name)!) }))
}

export async function measureOverhead(iterations = 5000, rounds = 7): Promise<OverheadRow[]> {
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
    const bare = results[0].micros
    return results.map(({ name, micros }) => ({ name, microsPerNavigation: micros, overheadMicros: micros - bare }))
  } finally {
    restore()
  }
}
