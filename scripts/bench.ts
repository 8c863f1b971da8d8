/**
 * `npm run bench`: what navi-kit costs, beside its peers, measured in one run.
 *   1. bundle size (min + gzip -9) of the router entry and the whole kit,
 *      beside uni-mini-router and @wot-ui/router bundled the same way;
 *   2. router.push overhead over a bare uni.navigateTo on the uni simulator.
 * `--write-readme` copies the tables into README.md between the bench markers.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { measureSizes } from '../test/bench/size'
import { measureOverhead } from '../test/bench/overhead'

const SIZE_TARGET = { router: 2500, kit: 6000 }
const OVERHEAD_TARGET_MICROS = 2

const kb = (bytes: number) => (bytes / 1000).toFixed(2) + ' KB'

async function main() {
  const sizes = await measureSizes()
  const [router, kit, ...peers] = sizes
  const sizeTable = [
    '| bundle (esbuild --bundle --minify --format=esm, vue + @dcloudio/uni-app external) | min | min+gz | vs navi-kit router |',
    '|---|---:|---:|---:|',
    ...sizes.map((row) => `| ${row.name} | ${kb(row.minified)} | ${kb(row.gzip)} | ${(row.gzip / router.gzip).toFixed(2)}× |`),
  ]
  const overhead = await measureOverhead()
  const bare = overhead[0]
  const overheadTable = [
    '| navigation (push + back on the uni simulator, built as shipped (esbuild --minify), median of 101 rounds × 1,000, each round started by another side) | µs per navigation | overhead over bare µs (median of per-round differences) | ratio to bare |',
    '|---|---:|---:|---:|',
    ...overhead.map(
      (row) =>
        `| ${row.name} | ${row.microsPerNavigation.toFixed(2)} | ${row.overheadMicros.toFixed(2)} | ${(row.microsPerNavigation / bare.microsPerNavigation).toFixed(2)}× |`,
    ),
  ]
  const navi = overhead[1]
  const verdicts = [
    `- router entry ${kb(router.gzip)} min+gz: target ≤ ${kb(SIZE_TARGET.router)} and smaller than both peers (${peers.map((p) => kb(p.gzip)).join(', ')}) — ${router.gzip <= SIZE_TARGET.router && peers.every((p) => router.gzip < p.gzip) ? 'met' : 'NOT met'}`,
    `- whole kit ${kb(kit.gzip)} min+gz: target ≤ ${kb(SIZE_TARGET.kit)} — ${kit.gzip <= SIZE_TARGET.kit ? 'met' : 'NOT met'}`,
    `- router.push overhead ${navi.overheadMicros.toFixed(2)} µs per navigation: target ≤ ${OVERHEAD_TARGET_MICROS} µs — ${navi.overheadMicros <= OVERHEAD_TARGET_MICROS ? 'met' : 'NOT met'}`,
  ]
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}`
  const report = [`Measured ${new Date().toISOString().slice(0, 10)} on ${machine} with \`npm run bench\`.`, '', ...sizeTable, '', ...overheadTable, '', ...verdicts].join('\n')
  console.log(report)
  if (process.argv.includes('--write-readme')) {
    const readme = path.resolve(__dirname, '..', 'README.md')
    const text = fs.readFileSync(readme, 'utf8')
    const block = /(<!-- bench:start -->)[\s\S]*?(<!-- bench:end -->)/
    if (!block.test(text)) throw new Error('README.md has no <!-- bench:start --> … <!-- bench:end --> block')
    fs.writeFileSync(readme, text.replace(block, `$1\n${report}\n$2`))
    console.log('\nREADME.md updated.')
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
