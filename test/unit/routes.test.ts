import { describe, expect, it } from 'vitest'
import { normalizePath } from '../../uni_modules/navi-kit/location'
import { closest, createRouteTable, routeName } from '../../uni_modules/navi-kit/routes'

describe('routeName', () => {
  it.each([
    ['pages/detail/detail', '', 'detail'],
    ['pages/user/profile', '', 'user/profile'],
    ['/pages/a/b/b', '', 'a/b'],
    ['pages/report/report', 'pkg', 'pkg/report'],
    ['pages/report/report', '/pkg/', 'pkg/report'],
    ['other/list', '', 'other/list'],
  ])('%s in root %j is %s', (page, root, name) => {
    expect(routeName(page, root)).toBe(name)
  })
})

describe('createRouteTable', () => {
  it('joins subpackage roots, marks tabs, prefers a name from pages.json', () => {
    const table = createRouteTable({
      pages: [{ path: 'pages/home/home' }, { path: '/pages/a/a', name: 'alpha' }],
      subpackages: [{ root: 'sub/', pages: [{ path: 'pages/x/x' }] }],
      tabBar: { list: [{ pagePath: '/pages/home/home' }] },
    })
    expect(table).toEqual([
      { path: '/pages/home/home', name: 'home', isTab: true },
      { path: '/pages/a/a', name: 'alpha', isTab: false },
      { path: '/sub/pages/x/x', name: 'sub/x', isTab: false },
    ])
      })
})

describe('closest', () => {
  it('names the registered key with the smallest edit distance', () => {
    const keys = ['/pages/home/home', '/pages/detail/detail', '/pages/user/profile']
    expect(closest('/pages/detial/detial', keys)).toBe('/pages/detail/detail')
    expect(closest('/pages/user/profil', keys)).toBe('/pages/user/profile')
    expect(closest('home', ['home', 'mine'])).toBe('home')
  })
})

describe('normalizePath', () => {
  it.each([
    ['/pages/a/a?x=1', '', '/pages/a/a'],
    ['pages/a/a', '', '/pages/a/a'],
    ['b', 'pages/user/a', '/pages/user/b'],
    ['./b?x=1#h', 'pages/user/a', '/pages/user/b'],
    ['../c/c', 'pages/user/a', '/pages/c/c'],
    ['../../top', 'pages/user/a', '/top'],
    ['//pages//a/a', '', '/pages/a/a'],
  ])('%s from %j is %s', (raw, current, path) => {
    expect(normalizePath(raw, current)).toBe(path)
  })
})
