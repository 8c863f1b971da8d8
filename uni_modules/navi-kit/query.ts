import { NavigationError } from './errors'
import { getPayload } from './handoff'
import { isMiniProgram, seam } from './platform'
import type { RouteQuery } from './types'

/**
 * The query codec. In the URL a query looks like
 *
 *   /pages/detail/detail?id=42&note=42&tags=%5B%22a%22%5D&_nkt=id,tags
 *
 * - a string value is written as itself, percent-encoded once, so plain
 *   URLs stay readable and external links (`?id=abc`) read as strings;
 * - any other JSON value is written as its JSON text, and its key is listed
 *   in the one reserved parameter `_nkt` (comma-separated; a '%' or ',' inside
 *   a key is escaped as %25 / %2C first). `note=42` without `_nkt` stays '42';
 * - a payload longer than `queryLimit` is replaced by `_nkh=<id>`, an entry
 *   of the in-memory handoff store (handoff.ts).
 *
 * Reading decodes exactly once: mini programs hand `onLoad` the raw text, H5
 * (and App) hand it already decoded by uni, so only the former is decoded here.
 */
export const TYPED_KEYS = '_nkt'
export const HANDOFF_ID = '_nkh'

/** encodeURIComponent, but ',', ':', '/' and '@' stay readable (all legal in a query). */
const encode = (text: string) => encodeURIComponent(text).replace(/%(2C|3A|2F|40)/g, decodeURIComponent)

const invalid = (message: string) => new NavigationError('invalid', message)

/** Throws 'invalid' naming the first value JSON cannot carry unchanged. */
function assertJson(value: unknown, at: string, seen: object[]): void {
  const type = typeof value
  if (type === 'string' || type === 'boolean' || value === null || (type === 'number' && isFinite(value as number))) return
  const proto: unknown = type === 'object' && Object.getPrototypeOf(value)
  const isArray = proto === Array.prototype
  const cycle = seen.includes(value as object)
  if (!cycle && (isArray || proto === Object.prototype || proto === null)) {
    const bag = value as Record<string, unknown>
    // JSON drops an undefined property but would turn an undefined array item into null.
    for (const key in bag) if (bag[key] !== undefined || isArray) assertJson(bag[key], `${at}.${key}`, [...seen, bag])
    return
  }
  const what = cycle ? 'a cycle' : proto ? `a ${(value as object).constructor.name}` : type === 'function' ? 'a function' : `${type} ${String(value)}`
  throw invalid(`query${at} holds ${what}; a query takes JSON values only (string, finite number, boolean, null, array, plain object)`)
}

/** The query part of a URL (no '?'); throws 'invalid' for what cannot round-trip. */
export function encodeQuery(query: RouteQuery): string {
  if (typeof query !== 'object' || !query || Array.isArray(query)) throw invalid('query must be a plain object, e.g. { id: 42 }')
  assertJson(query, '', [])
  const typed: string[] = []
  const parts: string[] = []
  for (const key of Object.keys(query)) {
    const value = query[key]
    if (key === TYPED_KEYS || key === HANDOFF_ID) throw invalid(`query key '${key}' is reserved by navi-kit; rename it`)
    if (value === undefined) continue
    if (typeof value !== 'string') typed.push(key.replace(/%/g, '%25').replace(/,/g, '%2C'))
    parts.push(encode(key) + '=' + encode(typeof value === 'string' ? value : JSON.stringify(value)))
  }
  if (typed.length) parts.push(TYPED_KEYS + '=' + encode(typed.join(',')))
  return parts.join('&')
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text // a stray '%' from an outside link
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return text // an outside link listing a key it did not encode: keep its text
  }
}

/**
 * `onLoad` options (or a parsed URL query) → the typed query that was pushed.
 * For options-API pages: `onLoad(options) { this.query = decodeQuery(options) }`.
 * `raw`: whether the values are still percent-encoded (default: true on mini programs).
 */
export function decodeQuery(
  options: Record<string, string | undefined> | null | undefined,
  raw = isMiniProgram(seam().platform()),
): RouteQuery {
  const text = (value = '') => (raw ? decode(value) : value)
  const entries = Object.keys(options ?? {}).map((key) => [text(key), text(options![key])])
  const flat = Object.fromEntries(entries) as Record<string, string>
  const stored = getPayload(flat[HANDOFF_ID])
  // A copy, so a page that edits its query cannot change what another page reads.
  if (stored) return JSON.parse(JSON.stringify(stored)) as RouteQuery
  const typed = flat[TYPED_KEYS]?.split(',').map(decode) ?? []
  return Object.fromEntries(
    entries
      .filter(([key]) => key !== TYPED_KEYS && key !== HANDOFF_ID)
      .map(([key, value]) => [key, typed.includes(key) ? parseJson(value) : value]),
  ) as RouteQuery
}

/** 'a=1&b=2' → { a: '1', b: '2' }, values still encoded (decodeQuery decodes them). */
export function splitQuery(search: string): Record<string, string> {
  return Object.fromEntries(
    search
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=')
        return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)]
      }),
  )
}
