import type { RouteQuery } from './types'

/**
 * Queries that cannot ride in the URL wait here, in memory, for the page
 * that reads them: oversize payloads (the URL carries only an id) and tab
 * pages (switchTab takes no query at all). Memory dies with the app, so a
 * refreshed H5 page or a share card finds nothing and reads what its URL holds.
 */
const payloads = new Map<string, RouteQuery>()
const tabQueries = new Map<string, RouteQuery>()
/** Per session, so ids in an old H5 URL never name a new payload. */
const session = Date.now().toString(36)
let counter = 0
/** Enough for every page a stack can hold twice over; older payloads are dropped. */
const KEEP = 20

export function putPayload(query: RouteQuery): string {
  const id = session + (++counter).toString(36)
  payloads.set(id, query)
  if (payloads.size > KEEP) payloads.delete(payloads.keys().next().value as string)
  return id
}

export function getPayload(id: string | undefined): RouteQuery | undefined {
  return id === undefined ? undefined : payloads.get(id)
}

export function setTabQuery(path: string, query: RouteQuery): void {
  tabQueries.set(path, query)
}

export function getTabQuery(path: string): RouteQuery | undefined {
  return tabQueries.get(path)
}
