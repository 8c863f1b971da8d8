import type { PagesJson, RouteName, RoutePath } from './types'

export interface RouteRecord {
  path: RoutePath
  name: RouteName
  isTab: boolean
}

const join = (...parts: string[]) => '/' + parts.join('/').split('/').filter(Boolean).join('/')

/**
 * A page's default name: its path without the leading `pages/` and with a
 * repeated last segment collapsed (`pages/detail/detail` → `detail`); a
 * subpackage root goes first (`pkg` + `pages/report/report` → `pkg/report`).
 * The build helper's type generator uses this too, so names agree.
 */
export function routeName(page: string, root = ''): string {
  const segments = join(root, page.replace(/^\/?pages\//, '')).slice(1).split('/')
  if (segments[segments.length - 1] === segments[segments.length - 2]) segments.pop()
  return segments.join('/')
}

/** Every page of pages.json: main package first, then each subpackage with its root joined. */
export function createRouteTable(pages: PagesJson): RouteRecord[] {
  const tabs = (pages.tabBar?.list ?? []).map((item) => join(item.pagePath))
  return [{ root: '', pages: pages.pages }, ...(pages.subPackages ?? pages.subpackages ?? [])].flatMap((group) =>
    (group.pages ?? []).map((page) => {
      const path = join(group.root, page.path)
      // The names and paths the generated types list for this pages.json.
      return { path: path as RoutePath, name: (page.name ?? routeName(page.path, group.root)) as RouteName, isTab: tabs.includes(path) }
    }),
  )
}

/** Levenshtein distance, one row at a time. */
function distance(a: string, b: string): number {
  let row = [...Array(b.length + 1).keys()]
  for (let i = 0; i < a.length; i++) {
    const next = [i + 1]
    for (let j = 0; j < b.length; j++) next.push(Math.min(row[j + 1] + 1, next[j] + 1, row[j] + (a[i] === b[j] ? 0 : 1)))
    row = next
  }
  return row[b.length]
}

/** The registered key (path or name) nearest to a mistyped one, for error messages. */
export const closest = (wanted: string, keys: string[]): string =>
  keys.reduce((best, key) => (distance(wanted, key) < distance(wanted, best) ? key : best))
