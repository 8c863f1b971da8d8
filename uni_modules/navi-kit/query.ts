import { NavigationError } from './errors'
import { getPayload } from './handoff'
import { currentPlatform, isMiniProgram } from './platform'
import type { JsonValue, RouteQuery } from './types'

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
 * Reading decodes exactly once: mini programs hand `onLoad` the raw text, and
 * the App the values as written (its keys decoded once); uni-h5 hands it all
 * decoded already (see decodeQuery).
 */
export const TYPED_KEYS = '_nkt'
export const HANDOFF_ID = '_nkh'

/** encodeURIComponent, but ',', ':', '/' and '@' stay readable (all legal in a query). */
const encode = (text: string) => {
  const encoded = encodeURIComponent(text)
  // Most values need no escape at all: skip the (much slower) replace.
  return encoded.includes('%') ? encoded.replace(/%(2C|3A|2F|40)/g, decodeURIComponent) : encoded
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text // a stray '%' from an outside link
  }
}

const JSON_PROTOTYPES: unknown[] = [Object.prototype, Array.prototype, null]

/**
 * A query value as JSON text; throws 'invalid' for a value JSON would not give
 * back unchanged (NaN and Infinity are written null, a Date, a Map or a class
 * instance comes back a string or a plain object, a function, symbol or bigint
 * is lost; an object drops an undefined member, an array writes it null). The
 * replacer sees each value before toJSON, so a Date is still a Date there;
 * JSON.stringify throws its own TypeError on a cycle.
 */
function jsonText(queryKey: string, value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, replaced: unknown) {
    const raw = this[key]
    const type = typeof raw
    const isJson =
      type === 'number' ? isFinite(raw as number)
      : type === 'object' ? raw === null || JSON_PROTOTYPES.includes(Object.getPrototypeOf(raw))
      : type === 'undefined' ? !Array.isArray(this)
      : type === 'string' || type === 'boolean'
    if (!isJson) {
      const what = type === 'object' ? (raw as object).constructor.name : type === 'number' ? raw : type
      throw new NavigationError('invalid', `query: '${key || queryKey}' holds ${what}; use JSON values`)
    }
    return replaced
  })
}

/**
 * The query part of a URL (no '?'); throws 'invalid' for what cannot round-trip.
 * `sent`: a query about to be sent, not one a page was handed (an outside link may hold any key).
 */
export function encodeQuery(query: RouteQuery, sent = true): string {
  const typed: string[] = []
  const parts: string[] = []
  for (const key in query) {
    const value = query[key]
    if (key === TYPED_KEYS || key === HANDOFF_ID) throw new NavigationError('invalid', `query: '${key}' is reserved; rename it`)
    // uni-h5 parses the URL into a plain object, where such a key arrives garbled (or, '__proto__', not at all).
    if (sent && key in Object.prototype) throw new NavigationError('invalid', `query: '${key}' is a name every object has, which uni-h5 cannot carry; rename it`)
    if (value === undefined) continue
    const isString = typeof value === 'string'
    // A '%' or ',' inside a typed key is escaped (%25, %2C), so the list splits on ','.
    if (!isString) typed.push(key.replace(/[%,]/g, encodeURIComponent))
    parts.push(encode(key) + '=' + encode(isString ? value : jsonText(key, value)))
  }
  if (typed.length) parts.push(TYPED_KEYS + '=' + encode(typed.join(',')))
  return parts.join('&')
}

/**
 * `onLoad` options (or a parsed URL query) → the typed query that was pushed.
 * For options-API pages: `onLoad(options) { this.query = decodeQuery(options) }`.
 * `raw`: whether keys and values are still percent-encoded; by default, as the platform hands them: uni-h5 decodes
 * both; mini programs hand the text as written; the App's uni-app-plus decodes the keys only (it encodes each value
 * once more, then parses the URL once).
 */
export function decodeQuery(options: Record<string, string | undefined> | null | undefined, raw?: boolean): RouteQuery {
  const platform = currentPlatform()
  // (A platform not named here, whose runtime could not be read, is taken as uni-h5 is.)
  const rawKeys = raw ?? isMiniProgram(platform)
  const rawValues = raw ?? (rawKeys || platform === 'app')
  // No prototype, so a key such as '__proto__' stays a key; the rest below copies it as one.
  const flat: Record<string, string> = Object.create(null)
  for (const key in options) {
    const value = options[key] ?? ''
    flat[rawKeys ? decode(key) : key] = rawValues ? decode(value) : value
  }
  const { [TYPED_KEYS]: typed, [HANDOFF_ID]: handoff, ...query } = flat as Record<string, JsonValue>
  const stored = getPayload(handoff as string | undefined)
  // A copy, so a page that edits its query cannot change what another page reads.
  if (stored) return JSON.parse(JSON.stringify(stored)) as RouteQuery
  for (const key of (typed as string | undefined)?.split(',').map(decode) ?? [])
    if (key in flat && key !== TYPED_KEYS && key !== HANDOFF_ID)
      try {
        query[key] = JSON.parse(flat[key]) as JsonValue
      } catch {
        // an outside link that lists a key it did not encode: keep its text
      }
  return query
}

/** 'a=1&b=2' → { a: '1', b: '2' }, values still encoded (decodeQuery decodes them). */
export const splitQuery = (search: string): Record<string, string> =>
  Object.fromEntries(search.split('&').filter(Boolean).map((pair) => pair.split(/=(.*)/s)))
