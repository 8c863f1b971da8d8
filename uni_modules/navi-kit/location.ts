/**
 * Turns what a caller wrote into an absolute page path, the way uni does
 * (uni-h5 `getRealRoute`): '/a/b' stays, 'c' and './c' sit beside the current
 * page, each '../' climbs one folder. The query is cut off.
 */
export function normalizePath(raw: string, currentRoute = ''): string {
  let path = raw.split('?')[0].split('#')[0]
  if (path[0] !== '/') {
    const folder = currentRoute.replace(/^\//, '').split('/')
    folder.pop() // the current page's own file name
    const parts = path.split('/')
    for (const part of parts.splice(0)) {
      if (part === '..') folder.pop()
      else if (part !== '.') parts.push(part)
    }
    path = folder.concat(parts).join('/')
  }
  return '/' + path.split('/').filter(Boolean).join('/')
}
