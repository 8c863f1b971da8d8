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
 *   URLs stay readable and outside links (`?id=abc`) read as strings;
 * - any other JSON value is written as its JSON text, and its key is listed
 *   in the one reserved parameter `_nkt` (comma-separated; a '%' or ',' inside
 *   a key is escaped as %25 / %2C first). `note=42` without `_nkt` stays '42';
 * - a payload longer than `queryLimit` is replaced by `_nkh=<id>`, an entry
 *   of the in-memory handoff store (handoff.ts).
 *
 * Reading decodes exactly once: mini programs hand `onLoad` the raw text; H5
 * (and App) hand it decoded by uni already, so only the former is decoded here.
 */
export const TYPED_KEYS = '_nkt'
export const HANDOFF_ID = '_nkh'

/** encodeURIComponent, but ',', ':', '/' and '@' stay readable (all legal in a query). */
const encode = (text: string) => encodeURIComponent(text).replace(/%(2C|3A|2F|40)/g, decodeURIComponent)

const decode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text // a stray '%' from an outside link
  }
}

/**
 * Throws 'invalid' for a value JSON would not give back unchanged. JSON.stringify
 * walks the value (and throws its own TypeError on a cycle); the replacer sees
 * each value before toJSON, so a Date is still a Date there.
 */
function assertJson(query: RouteQuery): void {
  JSON.stringify(query, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key]
    const type = typeof raw
    const proto = type === 'object' && raw && Object.getPrototypeOf(raw)
    if (
      (proto && proto !== Object.prototype && proto !== Array.prototype) ||
      (type === 'number' && !isFinite(raw as number)) ||
      /fu|sy|bi/.test(type) ||
      (raw === undefined && Array.isArray(this))
    )
      throw new NavigationError(
        'invalid',
        `query: '${key}' holds ${proto ? proto.constructor.name : type === 'number' ? raw : type}; use JSON values`,
      )
    return value
  })
}

/** The query part of a URL (no '?'); throws 'invalid' for what cannot round-trip. */
export function encodeQuery(query: RouteQuery): string {
  assertJson(query)
  const typed: string[] = []
  const parts: string[] = []
  for (const key in query) {
    const value = query[key]
    if (key === TYPED_KEYS || key === HANDOFF_ID) throw new NavigationError('invalid', `query: '${key}' is reserved; rename it`)
    if (value === undefined) continue
    if (typeof value !== 'string') typed.push(key.replace(/%/g, '%25').replace(/,/g, '%2C'))
    parts.push(encode(key) + '=' + encode(typeof value === 'string' ? value : JSON.stringify(value)))
  }
  if (typed.length) parts.push(TYPED_KEYS + '=' + encode(typed + ''))
  return parts.join('&')
}

/**
 * `onLoad` options (or a parsed URL query) → the typed query that was pushed.
 * For options-API pages: `onLoad(options) { this.query = decodeQuery(options) }`.
 * `raw`: whether the values are still percent-encoded (default: on mini programs).
 */
export function decodeQuery(
  options: Record<string, string | undefined> | null | undefined,
  raw = isMiniProgram(seam().platform()),
): RouteQuery {
  const entries = Object.keys(options || {}).map((key) => [key, options![key] ?? ''].map((text) => (raw ? decode(text) : text)))
  const flat = Object.fromEntries(entries) as Record<string, string>
  const stored = getPayload(flat[HANDOFF_ID])
  // A copy, so a page that edits its query cannot change what another page reads.
  if (stored) return JSON.parse(JSON.stringify(stored)) as RouteQuery
  const typed = flat[TYPED_KEYS]?.split(',').map(decode) ?? []
  return Object.fromEntries(
    entries
      .filter(([key]) => key !== TYPED_KEYS && key !== HANDOFF_ID)
      .map(([key, text]) => {
        try {
          return [key, typed.includes(key) ? JSON.parse(text) : text]
        } catch {
          return [key, text] // an outside link that lists a key it did not encode: keep its text
        }
      }),
  ) as RouteQuery
}

/** 'a=1&b=2' → { a: '1', b: '2' }, values still encoded (decodeQuery decodes them). */
export const splitQuery = (search: string): Record<string, string> =>
  Object.fromEntries(search.split('&').filter(Boolean).map((pair) => pair.split(/=(.*)/s)))
