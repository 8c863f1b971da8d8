import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser'
import type { PageEntry, PagesJson } from '../../uni_modules/navi-kit/types'

type Preprocess = (code: string, context: object, options: { type: string }) => string
type PreContext = Record<string, unknown>
type UserContext = string | Record<string, boolean>

/** What navi-kit reads of `@dcloudio/uni-cli-shared/dist/preprocess/context`. */
export interface PreContextModule {
  /** From uni 3.0.0-4030620241128001 (HBuilderX 4.36) on; uni 4.29 and older have only the global context. */
  initScopedPreContext?: (platform: string, userContext?: UserContext) => { preVueContext: PreContext }
  /** In every uni checked (4.14 to 5.01): sets uni's one global context, the one its own build reads. */
  initPreContext: (platform: string, userContext?: UserContext) => void
  getPreVueContext: () => PreContext
  getPreNVueContext: () => PreContext
  getPreUVueContext: () => PreContext
}

/** The platforms uni builds a Vue 3 app for, as `UNI_PLATFORM` names them. */
export const UNI_PLATFORMS = [
  'h5',
  'app',
  'app-harmony',
  'mp-weixin',
  'mp-alipay',
  'mp-baidu',
  'mp-toutiao',
  'mp-qq',
  'mp-kuaishou',
  'mp-jd',
  'mp-lark',
  'mp-xhs',
  'mp-360',
  'mp-harmony',
  'quickapp-webview',
]

/** One conditional-compilation context: a platform, and the app's own defines (package.json `uni-app.scripts`). */
export interface BuildContext {
  platform: string
  /** `UNI_CUSTOM_CONTEXT` as uni passes it: `{ "MP-DINGTALK": true }`, as JSON text or an object. */
  define?: string | Record<string, boolean>
}

/** The build uni is running now: its platform and its custom defines. */
export const currentBuild = (): BuildContext => ({
  platform: process.env.UNI_PLATFORM ?? 'h5',
  define: process.env.UNI_CUSTOM_CONTEXT,
})

const requireHere = () => createRequire(import.meta.url)

/**
 * The `#ifdef` context of one build (`.vue` files' and pages.json's), made
 * without touching the one uni's own build is reading. Older uni (before
 * initScopedPreContext) has only its global context: it is set for this
 * build, copied, and put back as it was, all in one synchronous step.
 */
export function preContextFor(
  build: BuildContext,
  // uni-cli-shared is CommonJS with no exports map for these files: required, from an app of either module type
  // ("type": "module" has no `require` of its own; Vite's config bundler and tsx both give import.meta.url).
  context: PreContextModule = requireHere()('@dcloudio/uni-cli-shared/dist/preprocess/context') as PreContextModule,
): PreContext {
  const userContext = build.define || undefined
  if (context.initScopedPreContext) return context.initScopedPreContext(build.platform, userContext).preVueContext
  const globals = [context.getPreVueContext(), context.getPreNVueContext(), context.getPreUVueContext()]
  const saved = globals.map((global) => ({ ...global }))
  // initPreContext assigns over what is there: a key an earlier build defined (a custom platform) would stay.
  const refill = (values: PreContext[]) =>
    globals.forEach((global, i) => {
      for (const key of Object.keys(global)) delete global[key]
      Object.assign(global, values[i])
    })
  refill([{}, {}, {}])
  try {
    context.initPreContext(build.platform, userContext)
    return { ...globals[0] }
  } finally {
    refill(saved)
  }
}

/** uni's own conditional-compilation pass (`// #ifdef MP-WEIXIN` …) for one build. */
function preprocessFor(build: BuildContext, code: string): string {
  const { preprocess } = requireHere()('@dcloudio/uni-cli-shared/lib/preprocess') as { preprocess: Preprocess }
  return preprocess(code, preContextFor(build), { type: 'js' })
}

const pick = (pages: PageEntry[] | undefined): PageEntry[] =>
  (pages ?? []).map(({ path: pagePath, name }) => (name ? { path: pagePath, name } : { path: pagePath }))

const isPageList = (pages: unknown): boolean =>
  Array.isArray(pages) && pages.every((page) => typeof (page as PageEntry | null)?.path === 'string')

/** uni's rule for pages under platforms/: each belongs to its platform's build only (app-plus and web aliases included). */
function isPlatformPage(platform: string, pagePath: string): boolean {
  if (!pagePath.startsWith('platforms/')) return true
  const own = platform === 'app' || platform === 'app-plus' ? ['app', 'app-plus'] : platform === 'h5' || platform === 'web' ? ['h5', 'web'] : [platform]
  return own.some((name) => pagePath.startsWith(`platforms/${name}/`))
}

/**
 * pages.json as one build reads it, reduced to what the router reads: pages
 * (path, name), subPackages (root, pages) and tabBar.list (pagePath). Parsed
 * as uni parses it (jsonc-parser, recoverable slips such as a BOM or a
 * trailing comma let through); refused only where no page table comes out.
 */
export function readPagesJson(root: string, build: BuildContext | string = currentBuild()): PagesJson {
  const file = path.join(root, 'pages.json')
  const context = typeof build === 'string' ? { platform: build } : build
  const errors: ParseError[] = []
  const json = parse(preprocessFor(context, fs.readFileSync(file, 'utf8')), errors, { allowTrailingComma: true }) as PagesJson | undefined
  const subPackages = json?.subPackages ?? json?.subpackages
  if (!json || !isPageList(json.pages) || !(subPackages ?? []).every((sub) => isPageList(sub.pages ?? []))) {
    const first = errors[0]
    throw new Error(
      `${file}: ${first ? `${printParseErrorCode(first.error)} at offset ${first.offset}` : 'no "pages" list of { "path" } entries'}; fix pages.json`,
    )
  }
  // As uni-cli-shared's filterPlatformPages: a page under platforms/<other platform>/ is not in this build.
  const here = (pagePath: string) => isPlatformPage(context.platform, pagePath)
  const result: PagesJson = { pages: pick((json.pages ?? []).filter((page) => here(page.path))) }
  if (subPackages) {
    result.subPackages = subPackages.map(({ root: subRoot, pages = [] }) => ({
      root: subRoot,
      pages: pick(pages.filter((page) => here(`${subRoot}/${page.path}`))),
    }))
  }
  if (json.tabBar?.list) result.tabBar = { list: json.tabBar.list.map(({ pagePath }) => ({ pagePath })) }
  return result
}

/**
 * The project folder (package.json, node_modules, where commands run) of the
 * app whose pages.json is in `root`: `root` itself (HBuilderX layout), or the
 * folder above in the CLI layout, where pages.json is in `<project>/src`.
 */
export function projectDir(root: string): string {
  return !fs.existsSync(path.join(root, 'package.json')) && path.basename(root) === 'src' ? path.dirname(path.resolve(root)) : root
}

/**
 * Every build the app can make: each uni platform, and each custom platform
 * the app declares in package.json (`uni-app.scripts.<name>.env.UNI_PLATFORM`
 * plus its `define`). `root` holds pages.json; in the CLI layout that is
 * `<project>/src`, with package.json one level up.
 */
export function allBuilds(root: string): BuildContext[] {
  const builds: BuildContext[] = UNI_PLATFORMS.map((platform) => ({ platform }))
  const file = path.join(projectDir(root), 'package.json')
  if (!fs.existsSync(file)) return builds
  type Scripts = Record<string, { env?: { UNI_PLATFORM?: string }; define?: Record<string, boolean> }>
  const scripts = (JSON.parse(fs.readFileSync(file, 'utf8')) as { 'uni-app'?: { scripts?: Scripts } })['uni-app']?.scripts ?? {}
  for (const script of Object.values(scripts))
    if (script.env?.UNI_PLATFORM) builds.push({ platform: script.env.UNI_PLATFORM, define: script.define })
  return builds
}
