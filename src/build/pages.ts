import fs from 'node:fs'
import path from 'node:path'
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser'
import type { PageEntry, PagesJson } from '../../uni_modules/navi-kit/types'

type Preprocess = (code: string, context: object, options: { type: string }) => string
type ScopedContext = (platform: string) => { preVueContext: object }

/**
 * uni's own conditional-compilation pass (`// #ifdef MP-WEIXIN` …) for one
 * platform, with a context of its own, so the global one uni's build set up
 * (with the app's custom defines) stays untouched.
 */
function preprocessFor(platform: string, code: string): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { preprocess } = require('@dcloudio/uni-cli-shared/lib/preprocess') as { preprocess: Preprocess }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { initScopedPreContext } = require('@dcloudio/uni-cli-shared/dist/preprocess/context') as {
    initScopedPreContext: ScopedContext
  }
  return preprocess(code, initScopedPreContext(platform).preVueContext, { type: 'js' })
}

const pick = (pages: PageEntry[] | undefined): PageEntry[] =>
  (pages ?? []).map(({ path: pagePath, name }) => (name ? { path: pagePath, name } : { path: pagePath }))

/**
 * This build's pages.json, reduced to what the router reads: pages (path,
 * name), subPackages (root, pages) and tabBar.list (pagePath).
 */
export function readPagesJson(root: string, platform = process.env.UNI_PLATFORM ?? 'h5'): PagesJson {
  const file = path.join(root, 'pages.json')
  const errors: ParseError[] = []
  const json = parse(preprocessFor(platform, fs.readFileSync(file, 'utf8')), errors, { allowTrailingComma: true }) as PagesJson
  if (errors.length)
    throw new Error(`${file}: ${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}; fix pages.json`)
  const result: PagesJson = { pages: pick(json.pages) }
  const subPackages = json.subPackages ?? json.subpackages
  if (subPackages) result.subPackages = subPackages.map(({ root: subRoot, pages }) => ({ root: subRoot, pages: pick(pages) }))
  if (json.tabBar?.list) result.tabBar = { list: json.tabBar.list.map(({ pagePath }) => ({ pagePath })) }
  return result
}
