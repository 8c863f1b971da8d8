/**
 * Bundle size, the way an app pays for it: esbuild --bundle --minify
 * --format=esm with vue and @dcloudio/uni-app external, then gzip -9.
 */
import { build, type BuildOptions } from 'esbuild'
import { gzipSync } from 'node:zlib'
import path from 'node:path'

export const root = path.resolve(__dirname, '..', '..')

/** How an app's build bundles the code: the options every bench figure is measured with. */
export const SHIPPED = {
  bundle: true,
  minify: true,
  format: 'esm',
  external: ['vue', '@dcloudio/uni-app'],
  logLevel: 'silent',
} as const satisfies BuildOptions

export interface SizeRow {
  name: string
  minified: number
  gzip: number
}

export async function bundleSize(name: string, entrySource: string): Promise<SizeRow> {
  const result = await build({
    ...SHIPPED,
    stdin: { contents: entrySource, resolveDir: root, loader: 'ts' },
    write: false,
  })
  const code = result.outputFiles[0].contents
  return { name, minified: code.length, gzip: gzipSync(code, { level: 9 }).length }
}

export function measureSizes(): Promise<SizeRow[]> {
  return Promise.all([
    bundleSize(
      'navi-kit router',
      "export { createRouter, useRouter, useRoute, decodeQuery, NavigationError } from './uni_modules/navi-kit/index.ts'",
    ),
    bundleSize('navi-kit whole kit', "export * from './uni_modules/navi-kit/index.ts'"),
    bundleSize('uni-mini-router 0.1.6', "export * from 'uni-mini-router'"),
    bundleSize('@wot-ui/router 1.1.2', "export * from '@wot-ui/router'"),
  ])
}
