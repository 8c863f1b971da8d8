// @vitest-environment node
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createServer } from 'vite'
import { allBuilds, preContextFor, readPagesJson, type PreContextModule } from '../../../src/build/pages'
import { allPageTables, routeTypes, writeRouteTypes } from '../../../src/build/generate-routes'
import { naviKit, PAGES_MODULE } from '../../../src/build/vite-plugin'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-pages-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

fs.writeFileSync(
  path.join(dir, 'pages.json'),
  `{
  // comments and trailing commas, as uni allows
  "pages": [
    { "path": "pages/home/home", "style": { "navigationBarTitleText": "Home" } },
    // #ifdef MP-WEIXIN
    { "path": "pages/wx/wx" },
    // #endif
    // #ifdef H5
    { "path": "pages/web/web", "name": "web-only" },
    // #endif
    { "path": "pages/detail/detail" },
  ],
  "subPackages": [{ "root": "pkg", "pages": [{ "path": "pages/report/report", "style": {} }] }],
  "tabBar": { "color": "#000", "list": [{ "pagePath": "pages/home/home", "text": "Home", "iconPath": "x.png" }] },
  "globalStyle": {}
}`,
)

describe('readPagesJson', () => {
  it("keeps the current platform's branches and only the fields the router reads", () => {
    expect(readPagesJson(dir, 'mp-weixin')).toEqual({
      pages: [{ path: 'pages/home/home' }, { path: 'pages/wx/wx' }, { path: 'pages/detail/detail' }],
      subPackages: [{ root: 'pkg', pages: [{ path: 'pages/report/report' }] }],
      tabBar: { list: [{ pagePath: 'pages/home/home' }] },
    })
    expect(readPagesJson(dir, 'h5').pages).toEqual([
      { path: 'pages/home/home' },
      { path: 'pages/web/web', name: 'web-only' },
      { path: 'pages/detail/detail' },
    ])
  })

  it('keeps a page under platforms/<name>/ in that platform\'s build only, as uni does', () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-platforms-'))
    fs.writeFileSync(
      path.join(app, 'pages.json'),
      JSON.stringify({
        pages: [{ path: 'pages/home/home' }, { path: 'platforms/mp-weixin/pages/wx/wx' }, { path: 'platforms/h5/pages/web/web' }],
        subPackages: [{ root: 'platforms/app-plus/pkg', pages: [{ path: 'native/native' }] }],
      }),
    )
    try {
      const paths = (platform: string) => {
        const table = readPagesJson(app, platform)
        return [...(table.pages ?? []), ...(table.subPackages ?? []).flatMap((sub) => (sub.pages ?? []).map((page) => ({ path: `${sub.root}/${page.path}` })))].map((page) => page.path)
      }
      expect(paths('mp-weixin')).toEqual(['pages/home/home', 'platforms/mp-weixin/pages/wx/wx'])
      expect(paths('h5')).toEqual(['pages/home/home', 'platforms/h5/pages/web/web'])
      expect(paths('app')).toEqual(['pages/home/home', 'platforms/app-plus/pkg/native/native'])
    } finally {
      fs.rmSync(app, { recursive: true, force: true })
    }
  })

  it("applies the app's custom platform defines (package.json uni-app.scripts, UNI_CUSTOM_CONTEXT), as uni does", () => {
    const custom = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-custom-'))
    fs.writeFileSync(
      path.join(custom, 'pages.json'),
      '{ "pages": [ { "path": "pages/a/a" },\n// #ifdef MP-DINGTALK\n{ "path": "pages/ding/ding" },\n// #endif\n{ "path": "pages/c/c" } ] }',
    )
    fs.writeFileSync(
      path.join(custom, 'package.json'),
      JSON.stringify({ 'uni-app': { scripts: { 'mp-dingtalk': { env: { UNI_PLATFORM: 'mp-alipay' }, define: { 'MP-DINGTALK': true } } } } }),
    )
    const paths = (pages: ReturnType<typeof readPagesJson>) => (pages.pages ?? []).map((page) => page.path)
    expect(paths(readPagesJson(custom, 'mp-alipay'))).toEqual(['pages/a/a', 'pages/c/c'])
    // uni hands the define to the build as UNI_CUSTOM_CONTEXT (JSON text).
    expect(paths(readPagesJson(custom, { platform: 'mp-alipay', define: '{"MP-DINGTALK":true}' }))).toEqual(['pages/a/a', 'pages/ding/ding', 'pages/c/c'])
    expect(allBuilds(custom)).toContainEqual({ platform: 'mp-alipay', define: { 'MP-DINGTALK': true } })
    expect(routeTypes(allPageTables(custom))).toContain('"ding": "/pages/ding/ding"')
    fs.rmSync(custom, { recursive: true })
  })

  it("finds the custom platforms in the CLI layout too, where pages.json is in src/ and package.json beside src/", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-cli-'))
    const src = path.join(project, 'src')
    fs.mkdirSync(src)
    fs.writeFileSync(path.join(src, 'pages.json'), '{ "pages": [ { "path": "pages/a/a" },\n// #ifdef MP-DINGTALK\n{ "path": "pages/ding/ding" },\n// #endif\n] }')
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ 'uni-app': { scripts: { 'mp-dingtalk': { env: { UNI_PLATFORM: 'mp-alipay' }, define: { 'MP-DINGTALK': true } } } } }),
    )
    try {
      expect(allBuilds(src)).toContainEqual({ platform: 'mp-alipay', define: { 'MP-DINGTALK': true } })
      expect(routeTypes(allPageTables(src))).toContain('"ding": "/pages/ding/ding"')
    } finally {
      fs.rmSync(project, { recursive: true })
    }
  })

  it('reads a pages.json saved with a UTF-8 BOM, as uni does', () => {
    const bom = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-bom-'))
    fs.writeFileSync(path.join(bom, 'pages.json'), '\ufeff{ "pages": [ { "path": "pages/a/a" } ] }')
    expect(readPagesJson(bom, 'h5')).toEqual({ pages: [{ path: 'pages/a/a' }] })
    fs.rmSync(bom, { recursive: true })
  })

  it('names the file and the problem when pages.json is broken', () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-broken-'))
    fs.writeFileSync(path.join(broken, 'pages.json'), '{ "pages": [ { "path": } ] }')
    expect(() => readPagesJson(broken, 'h5')).toThrow(/pages\.json: ValueExpected/)
    fs.rmSync(broken, { recursive: true })
  })
})

describe('preContextFor on uni 4.29 and older (no initScopedPreContext)', () => {
  const uniContext = createRequire(import.meta.url)('@dcloudio/uni-cli-shared/dist/preprocess/context') as PreContextModule
  const older: PreContextModule = { ...uniContext, initScopedPreContext: undefined }
  const globals = () => [uniContext.getPreVueContext(), uniContext.getPreNVueContext(), uniContext.getPreUVueContext()].map((global) => ({ ...global }))

  // The reference, the scoped call, is uni 4.36's; on older uni the readPagesJson tests above run this path for real.
  it.runIf(uniContext.initScopedPreContext).each([
    { platform: 'mp-weixin' },
    { platform: 'h5' },
    { platform: 'app' },
    { platform: 'mp-alipay', define: '{"MP-DINGTALK":true}' },
    { platform: 'mp-alipay', define: { 'MP-DINGTALK': true } },
  ])('gives the context the scoped call gives for $platform $define, and leaves the one uni\'s build reads as it was', (build) => {
    // The build uni is running: an App build with a custom define of its own, which must neither leak in nor be lost.
    uniContext.initPreContext('app', '{"MP-FOO":true}')
    const before = globals()
    expect(preContextFor(build, older)).toEqual(uniContext.initScopedPreContext?.(build.platform, build.define).preVueContext)
    expect(globals()).toEqual(before)
    expect(before[0]).toMatchObject({ APP: true, MP_FOO: true, MP_WEIXIN: false })
  })
})

describe('route types', () => {
  it('augment RouteNamedMap with every name → path', () => {
    const text = routeTypes(readPagesJson(dir, 'h5'))
    expect(text).toContain("declare module './uni_modules/navi-kit/types'")
    expect(text).toContain('"web-only": "/pages/web/web"')
    expect(text).toContain('"pkg/report": "/pkg/pages/report/report"')
    expect(text).not.toContain('pages/wx/wx')
  })

  it("cover every platform's pages, so they do not depend on the platform built last", () => {
    const text = routeTypes(allPageTables(dir))
    expect(text).toContain('"wx": "/pages/wx/wx"')
    expect(text).toContain('"web-only": "/pages/web/web"')
    const before = process.env.UNI_PLATFORM
    try {
      process.env.UNI_PLATFORM = 'mp-weixin'
      const weixin = routeTypes(allPageTables(dir))
      process.env.UNI_PLATFORM = 'h5'
      expect(routeTypes(allPageTables(dir))).toBe(weixin)
    } finally {
      if (before === undefined) delete process.env.UNI_PLATFORM
      else process.env.UNI_PLATFORM = before
    }
  })

  it('refuse two pages of one build with the same name, naming both', () => {
    const pages = { pages: [{ path: 'pages/detail/detail' }, { path: 'pages/other/other', name: 'detail' }] }
    expect(() => routeTypes(pages)).toThrow("pages.json: '/pages/other/other' and '/pages/detail/detail' are both named 'detail'")
  })

  it('are written only when they change', () => {
    expect(writeRouteTypes(dir)).toBe(true)
    expect(writeRouteTypes(dir)).toBe(false)
    expect(fs.readFileSync(path.join(dir, 'navi-routes.d.ts'), 'utf8')).toContain('"detail": "/pages/detail/detail"')
  })
})

describe('naviKit()', () => {
  it('serves virtual:navi-kit/pages as this build\'s table', () => {
    const plugin = naviKit({ root: dir })
    const resolveId = plugin.resolveId as (id: string) => string | undefined
    const load = plugin.load as (this: { addWatchFile(f: string): void }, id: string) => string | undefined
    const id = resolveId(PAGES_MODULE)
    expect(id).toBe('\0virtual:navi-kit/pages')
    expect(resolveId('vue')).toBeUndefined()
    const code = load.call({ addWatchFile: () => {} }, id!)!
    expect(code.startsWith('export default ')).toBe(true)
    expect(JSON.parse(code.slice('export default '.length))).toEqual(readPagesJson(dir, process.env.UNI_PLATFORM ?? 'h5'))
  })
})

describe('naviKit() on a dev server', () => {
  it('rewrites navi-routes.d.ts and serves the new table when pages.json changes (a dev server runs buildStart once)', async () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-dev-'))
    const pagesFile = path.join(app, 'pages.json')
    const typesFile = path.join(app, 'navi-routes.d.ts')
    fs.writeFileSync(pagesFile, '{ "pages": [ { "path": "pages/home/home" } ] }')
    writeRouteTypes(app)
    const server = await createServer({
      root: app,
      configFile: false,
      logLevel: 'silent',
      plugins: [naviKit({ root: app })],
      server: { middlewareMode: true, watch: { usePolling: true, interval: 50 } },
    })
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)) // the watcher's first scan
      const served = async () => (await server.transformRequest(PAGES_MODULE))?.code ?? ''
      expect(await served()).not.toContain('pages/new/new')
      fs.writeFileSync(pagesFile, '{ "pages": [ { "path": "pages/home/home" }, { "path": "pages/new/new" } ] }')
      await expect.poll(() => fs.readFileSync(typesFile, 'utf8'), { timeout: 5000 }).toContain('"new": "/pages/new/new"')
      // What a page reload imports: the router's table, with the new page.
      expect(await served()).toContain('pages/new/new')
    } finally {
      await server.close()
      fs.rmSync(app, { recursive: true, force: true })
    }
  })
})

describe('src/build copied into an app, as the readme says', () => {
  /**
   * An app of `type` with src/build copied where the readme says and the plugin beside uni(); node_modules shared.
   * HBuilderX layout: pages.json, uni_modules/ and tools/build/ at the project root. CLI layout: all three in src/
   * (src/tools/build/), package.json and vite.config.ts beside src/.
   */
  function appWith(type: 'module' | 'commonjs', layout: 'hbuilderx' | 'cli' = 'hbuilderx'): { app: string; root: string; helper: string } {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), `navi-kit-${type}-${layout}-`))
    const root = layout === 'cli' ? path.join(app, 'src') : app
    const helper = layout === 'cli' ? 'src/tools/build' : 'tools/build'
    const repo = path.resolve(__dirname, '../../..')
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'shop', private: true, type }))
    fs.cpSync(path.join(repo, 'src/build'), path.join(app, helper), { recursive: true })
    fs.cpSync(path.join(repo, 'uni_modules/navi-kit'), path.join(root, 'uni_modules/navi-kit'), { recursive: true })
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(app, 'node_modules'), 'dir')
    fs.writeFileSync(path.join(root, 'pages.json'), '{ "pages": [ { "path": "pages/home/home" }, /* #ifdef H5 */ { "path": "pages/web/web" } /* #endif */ ] }')
    fs.writeFileSync(path.join(app, 'vite.config.ts'), `import { naviKit } from './${helper}/vite-plugin'\nexport default { plugins: [naviKit()] }\n`)
    return { app, root, helper }
  }

  const cases = [
    ['module', 'hbuilderx'],
    ['commonjs', 'hbuilderx'],
    ['module', 'cli'],
    ['commonjs', 'cli'],
  ] as const

  it.each(cases)('loads in vite.config.ts of a "type": "%s" app (%s layout) and writes the route types beside pages.json', async (type, layout) => {
    const { app, root, helper } = appWith(type, layout)
    const before = process.env.UNI_INPUT_DIR
    try {
      // uni sets UNI_INPUT_DIR (<project>/src by default) before it loads vite.config.ts.
      process.env.UNI_INPUT_DIR = root
      const { loadConfigFromFile } = await import('vite')
      const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, path.join(app, 'vite.config.ts'), app, 'silent')
      const plugin = (loaded?.config.plugins ?? []).flat().find((candidate) => (candidate as { name?: string })?.name === 'navi-kit') as unknown as {
        configResolved(config: { root: string }): void
        buildStart(this: { addWatchFile(file: string): void }): void
      }
      plugin.configResolved({ root: app })
      plugin.buildStart.call({ addWatchFile: () => {} })
      const types = fs.readFileSync(path.join(root, 'navi-routes.d.ts'), 'utf8')
      expect(types).toContain('"home": "/pages/home/home"')
      expect(types).toContain('"web": "/pages/web/web"')
      // The command the file tells the app to run is the app's own copy, run from the project folder.
      expect(types).toContain(`// Regenerate: npx tsx ${helper}/generate-routes.ts `)
    } finally {
      if (before === undefined) delete process.env.UNI_INPUT_DIR
      else process.env.UNI_INPUT_DIR = before
      fs.rmSync(app, { recursive: true, force: true })
    }
  }, 30_000)

  it.each(cases)('regenerates the route types from the command line in a "type": "%s" app (%s layout)', (type, layout) => {
    const { app, root, helper } = appWith(type, layout)
    try {
      const tsx = path.resolve(__dirname, '../../../node_modules/.bin/tsx')
      const run = spawnSync(tsx, [`${helper}/generate-routes.ts`], { cwd: app, encoding: 'utf8' })
      expect(run.stderr).toBe('')
      // Named as the project folder sees it: in the CLI layout the file lands in src/.
      const written = layout === 'cli' ? 'src/navi-routes.d.ts' : 'navi-routes.d.ts'
      expect(run.stdout.trim()).toBe(`wrote ${written}`)
      const types = fs.readFileSync(path.join(root, 'navi-routes.d.ts'), 'utf8')
      expect(types).toContain('"home": "/pages/home/home"')
      expect(types).toContain(`// Regenerate: npx tsx ${helper}/generate-routes.ts `)
      // Run again, it names the command it was run as.
      expect(spawnSync(tsx, [`${helper}/generate-routes.ts`], { cwd: app, encoding: 'utf8' }).stdout.trim()).toBe(`${written} is up to date`)
    } finally {
      fs.rmSync(app, { recursive: true, force: true })
    }
  }, 30_000)
})

describe('virtual-pages.d.ts copied into an app', () => {
  it("types virtual:navi-kit/pages as PagesJson also in an app with no '@/' path in its tsconfig", () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-vtypes-'))
    const repo = path.resolve(__dirname, '../../..')
    try {
      fs.cpSync(path.join(repo, 'src/build'), path.join(app, 'tools/build'), { recursive: true })
      fs.cpSync(path.join(repo, 'uni_modules/navi-kit'), path.join(app, 'uni_modules/navi-kit'), { recursive: true })
      fs.symlinkSync(path.join(repo, 'node_modules'), path.join(app, 'node_modules'), 'dir')
      // A tsconfig as the readme allows it: relative imports, no "paths"; skipLibCheck as most apps have it (with it, an
      // import the .d.ts cannot resolve made the module `any`, silently; without it, TS2307 on '@/uni_modules/navi-kit').
      fs.writeFileSync(
        path.join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2020', lib: ['ES2020', 'DOM'], types: ['@dcloudio/types'], skipLibCheck: true, noEmit: true },
          files: ['tools/build/virtual-pages.d.ts', 'main.ts'],
        }),
      )
      fs.writeFileSync(path.join(app, 'main.ts'), "import pages from 'virtual:navi-kit/pages'\nexport const wrong: number = pages\n")
      const tsc = path.join(repo, 'node_modules/.bin/tsc')
      const run = spawnSync(tsc, ['-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' })
      // Typed, not `any`: the mistake is caught.
      expect(run.stdout).toContain("Type 'PagesJson' is not assignable to type 'number'")
    } finally {
      fs.rmSync(app, { recursive: true, force: true })
    }
  }, 30_000)
})
