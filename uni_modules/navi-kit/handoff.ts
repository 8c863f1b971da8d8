import type { RouteQuery } from './types'

/**
 * Queries that cannot ride in the URL wait here, in memory, for the page
 * that reads them. Memory dies with the app, so a refreshed H5 page or a
 * share card finds nothing and reads what its URL holds.
 */

/** The last query sent to each tab page (switchTab takes none), by path. */
export const tabQueries = new Map<string, RouteQuery>()

/** Oversize payloads; the URL carries only their id. */
const payloads = new Map<string, RouteQuery>()
/** Per session, so an id in an old H5 URL never names a new payload. */
const session = Date.now().toString(36)
let counter = 0

/** Keeps `query` for the page about to open; `inUse` says whether a page still open reads an older one. */
export function putPayload(query: RouteQuery, inUse: (id: string) => boolean): string {
  const id = session + ++counter
  payloads.set(id, query)
  // Twice what a mini program's stack holds is plenty; the oldest go first, but never one an open page reads.
  if (payloads.size > 20) {
    for (const old of payloads.keys()) {
      if (old !== id && !inUse(old)) {
        payloads.delete(old)
        break
      }
    }
  }
  return id
}

export const getPayload = (id: string): RouteQuery | undefined => payloads.get(id)
