import type { PagesJson } from './types'

export interface RouteRecord {
  path: string
  name: string
  isTab: boolean
}

export interface RouteTable {
  byPath: Map<string, RouteRecord>
  byName: Map<string, RouteRecord>
}

const join = (...parts: string[]) => '/' + parts.join('/').split('/').filter(Boolean).join('/')

/**
 * A page's default name: its path without the leading `pages/` and with a
 * repeated last segment collapsed (`pages/detail/detail` → `detail`); a
 * subpackage root goes first (`pkg` + `pages/report/report` → `pkg/report`).
 * The build helper's type generator imports this, so names agree.
 */
export function routeName(page: string, root = ''): string {
  const segments = join(root, page.replace(/^\/?pages\//, '')).slice(1).split('/')
  const n = segments.length
  if (n > 1 && segments[n - 1] === segments[n - 2]) segments.pop()
  return segments.join('/')
}

export function createRouteTable(pages: PagesJson): RouteTable {
  const tabs = new Set((pages.tabBar?.list ?? []).map((item) => join(item.pagePath)))
  const table: RouteTable = { byPath: new Map(), byName: new Map() }
  const groups = [{ root: '', pages: pages.pages }, ...(pages.subPackages ?? pages.subpackages ?? [])]
  for (const group of groups)
    for (const page of group.pages ?? []) {
      const path = join(group.root, page.path)
      const record = { path, name: page.name ?? routeName(page.path, group.root), isTab: tabs.has(path) }
      table.byPath.set(path, record)
      table.byName.set(record.name, record)
    }
  return table
}

/** Levenshtein distance, one row at a time. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]
}

/** The registered key (path or name) nearest to a mistyped one, for error messages. */
export function closest(wanted: string, keys: Iterable<string>): string {
  let best = ''
  let bestDistance = Infinity
  for (const key of keys) {
    const d = distance(wanted, key)
    if (d < bestDistance) [best, bestDistance] = [key, d]
  }
  return best
}

