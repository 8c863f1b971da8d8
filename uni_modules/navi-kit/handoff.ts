import type { RouteQuery } from './types'

/**
 * Queries that cannot ride in the URL wait here, in memory, for the page
 * that reads them. Memory dies with the app; on H5 an oversize payload is
 * also kept in the tab's sessionStorage, so a reloaded page finds it again.
 * A share card, or the URL opened in another tab, finds nothing and reads
 * what its URL holds.
 */

/** What names a payload kept in the tab's sessionStorage, before its id. */
const STORED = 'navi-kit:'
/** Payloads kept, in memory and in the tab. */
const KEPT = 20

/** The last query sent to each tab page (switchTab takes none), by path. */
export const tabQueries = new Map<string, RouteQuery>()

/** Oversize payloads; the URL carries only their id. */
const payloads = new Map<string, RouteQuery>()
/** Per session, so an id in an old H5 URL never names a new payload. */
const session = Date.now().toString(36)
let counter = 0

/** The tab's sessionStorage (H5), or nothing: mini programs and the App have none, and a private window may refuse. */
function tabStorage(): Storage | undefined {
  try {
    return typeof sessionStorage == 'object' ? sessionStorage : undefined
  } catch {
    return undefined
  }
}

/** Keeps `query` for the page about to open; `inUse` says whether a page still open reads an older one. */
export function putPayload(query: RouteQuery, inUse: (id: string) => boolean): string {
  const id = session + ++counter
  payloads.set(id, query)
  const storage = tabStorage()
  try {
    // The first of this load: of what earlier loads kept in the tab (the browser's back may still reach their pages),
    // the newest KEPT stay, and any an open page reads; the rest go, oldest first, as in memory below.
    if (counter < 2 && storage) {
      const earlier: string[] = []
      for (let i = storage.length; i--; ) {
        const key = storage.key(i)
        if (key?.startsWith(STORED)) earlier.push(key.slice(STORED.length))
      }
      // An id is its load's start (base 36, one length for decades) and then its number in that load.
      const age = (old: string) => old.slice(0, session.length) + old.slice(session.length).padStart(9, '0')
      earlier.sort((a, b) => (age(a) < age(b) ? -1 : 1))
      // All but the newest KEPT (none when there are fewer).
      for (const old of earlier.slice(0, -KEPT)) if (!inUse(old)) storage.removeItem(STORED + old)
    }
    storage?.setItem(STORED + id, JSON.stringify(query))
  } catch {
    // full: the page reads it from memory, and loses it on a reload
  }
  // Twice what a mini program's stack holds is plenty; the oldest go first, but never one an open page reads.
  if (payloads.size > KEPT) {
    for (const old of payloads.keys()) {
      if (old !== id && !inUse(old)) {
        payloads.delete(old)
        storage?.removeItem(STORED + old)
        break
      }
    }
  }
  return id
}

/** The payload `id` names: from memory, or after an H5 reload from the tab's sessionStorage. */
export function getPayload(id: string | undefined): RouteQuery | undefined {
  // Most queries carry no id: no storage read for them.
  if (!id) return
  const kept = payloads.get(id)
  if (kept) return kept
  try {
    const stored = tabStorage()?.getItem(STORED + id)
    if (stored) return JSON.parse(stored) as RouteQuery
  } catch {
    // unreadable: as if it were gone
  }
}
