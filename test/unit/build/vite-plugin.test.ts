// @vitest-environment node
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readPagesJson } from '../../../src/build/pages'
import { routeTypes, writeRouteTypes } from '../../../src/build/generate-routes'
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

  it('names the file and the problem when pages.json is broken', () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'navi-kit-broken-'))
    fs.writeFileSync(path.join(broken, 'pages.json'), '{ "pages": [ { "path": } ] }')
    expect(() => readPagesJson(broken, 'h5')).toThrow(/pages\.json: ValueExpected/)
    fs.rmSync(broken, { recursive: true })
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
