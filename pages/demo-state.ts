/**
 * State shared by the demo pages and the guards in main.ts. One module in one
 * JS context (a mini program's, or the H5 tab), so a plain reactive object is
 * enough; it resets on an H5 reload, which the demo accepts.
 */
import { reactive } from 'vue'

export const demoState = reactive({
  /** The login guard (main.ts) lets /pages/secret/secret through only when true. */
  loggedIn: false,
  /** The session check (main.ts) answers after SLOW_SESSION_MS instead of 30 ms: a slow network. */
  slowSession: false,
  /** Written by the afterEach hook in main.ts: "from → to", or "from → to ✗ code". */
  lastNavigation: '',
  /** Written by the afterEach hook in main.ts: the fullPath of the last navigation's `to`. */
  lastTo: '',
  /** How many navigations afterEach has seen. */
  navigations: 0,
  /** Outcome of the double-tap demo's two pushes. */
  doubleTap: '',
})

/** How long the session check takes on a slow network: time for the user to press back meanwhile. */
export const SLOW_SESSION_MS = 1500

/** The type a query value arrived with, as JSON names it. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** The query the push demo sends: every character a URL treats specially. */
export const TYPED_QUERY = {
  id: 42,
  ok: true,
  tags: ['a'],
  note: '42',
  text: 'a b&c=d?e#f%g+h 中文😀',
}

/** Far over the default queryLimit (1024 encoded characters): travels in memory, not in the URL. */
export const LARGE_QUERY = { big: '数据'.repeat(600), size: 1200 }

/** A short label for an error, shown by the demo pages and read by the tests. */
export function describeError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string }
  return `${code ?? 'error'}: ${message ?? String(error)}`
}
