/**
 * The kit's entry (index.ts) must not drag the WeChat JS-SDK or the open-tag
 * code into every app: only <navi-launch-weapp> loads them, on H5, on demand.
 */
import path from 'node:path'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '../../..')

describe('the kit entry bundle', () => {
  it('carries the launcher but neither weixin-js-sdk nor the open-tag helpers', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'uni_modules/navi-kit/index.ts')],
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
      metafile: true,
      external: ['vue', '@dcloudio/uni-app'],
      logLevel: 'silent',
      absWorkingDir: root,
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs).toContain('uni_modules/navi-kit/launch/index.ts')
    expect(inputs.filter((file) => /weixin-js-sdk|openTag|navi-launch-weapp/.test(file))).toEqual([])
    const code = result.outputFiles[0].text
    expect(code).toContain('weixin://dl/business/')
    expect(code).not.toContain('wx-open-launch-weapp')
    expect(code).not.toContain('openTagList')
  })
})
