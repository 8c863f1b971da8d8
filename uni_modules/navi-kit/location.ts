/**
 * Turns what a caller wrote into an absolute page path, the way uni does
 * (uni-h5 `getRealRoute`): '/a/b' stays, 'c' and './c' sit beside the current
 * page ('pages/user/a' → folder 'pages/user'), each '../' climbs one folder.
 * Query and hash are cut off; empty segments dropped.
 */
export function normalizePath(raw: string, currentRoute = ''): string {
  const path = raw[0] === '/' ? [] : currentRoute.split('/').slice(0, -1)
  for (const part of raw.split(/[?#]/)[0].split('/')) part === '..' ? path.pop() : part && part !== '.' && path.push(part)
  return '/' + path.filter(Boolean).join('/')
}
