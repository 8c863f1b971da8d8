/** An absolute path with nothing to normalise: no query, hash, '.', '..' or empty segment. */
const CLEAN_ABSOLUTE = /^(\/[^/?#.]+)+$/

/**
 * Turns what a caller wrote into an absolute page path, the way uni does
 * (uni-h5 `getRealRoute`): '/a/b' stays, 'c' and './c' sit beside the current
 * page ('pages/user/a' → folder 'pages/user'), each '../' climbs one folder.
 * Query and hash are cut off; empty segments dropped.
 */
export function normalizePath(raw: string, currentRoute = ''): string {
  // Most calls pass such a path: skip the splitting.
  if (CLEAN_ABSOLUTE.test(raw)) return raw
  const folders = raw[0] === '/' ? [] : currentRoute.split('/').slice(0, -1)
  for (const part of raw.split(/[?#]/)[0].split('/')) {
    if (part === '..') folders.pop()
    else if (part && part !== '.') folders.push(part)
  }
  return '/' + folders.filter(Boolean).join('/')
}

/**
 * A URL with a scheme (`plugin-private://wx…/pages/live`, `plugin://name/page`):
 * a WeChat plugin page or another target that uni opens itself, not a page of pages.json.
 */
export const isOutsideUrl = (raw: string): boolean => /^[a-z][\w+.-]*:/i.test(raw)
