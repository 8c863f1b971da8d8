import { onLoad, onShow } from '@dcloudio/uni-app'
import { getCurrentInstance, inject, provide, shallowReactive, shallowReadonly, toRaw, type ComponentInternalInstance, type InjectionKey } from 'vue'
import { NavigationError } from './errors'
import { tabQueries } from './handoff'
import { ownRecord, type PageInstance, type PageRecord } from './platform'
import type { Route, Router } from './types'

/** What useRoute needs from the router beyond its public face. */
export interface RouterInternals extends Router {
  /** The navigation being carried out: its target page reads it in setup. */
  pending?: Route
  /** A page's route from its uni route ('pages/a/a') and onLoad options; by default the top page's. */
  pageRoute(page?: PageRecord, options?: Record<string, string | undefined>): Route
}

let active: RouterInternals | undefined
const PAGE_ROUTE: InjectionKey<Readonly<Route>> = Symbol()

/**
 * The route each component that called useRoute() keeps, by its public instance:
 * a second call in the same component gets the same route (inject does not see
 * the component's own provide). A page in here is where that route says: its
 * options alone would lose a tab page's handed-off query (taken once), so the
 * router's onShow sets currentRoute from this route (keptShows), not from them.
 */
export const keptRoutes = new WeakMap<object, Readonly<Route>>()

/**
 * The onShow of each page that keeps its route, by the page's public instance. The router's onShow runs it, first of
 * the page's hooks: the page's own onShow may come before useRoute's (registered ahead of useRoute() in its setup, or
 * the page's component calls useRoute(), which registers after the page's setup) and must read currentRoute as that
 * page. useRoute's own onShow runs it again (the query is taken by then: the same route), and is the one a page of an
 * app that never installed the router has.
 */
export const keptShows = new WeakMap<object, () => void>()

/**
 * The onShow of each tab page that keeps its route, by path (the latest instance). A switchTab to the tab page
 * already on screen fires none (uni-h5 even fires onHide), so the router runs it to hand the page its new query.
 */
export const shownAgain = new Map<string, () => void>()

/** The page `instance` is (or sits in); none for App.vue and anything outside the pages. */
function pageOf(instance: ComponentInternalInstance | null): ComponentInternalInstance | undefined {
  for (let at = instance; at; at = at.parent) if ((at.proxy as { $mpType?: string } | null)?.$mpType === 'page') return at
}

export function setActiveRouter(router: RouterInternals): void {
  active = router
}

/** The app's router (the one created or installed last). */
export function useRouter(): Router {
  if (!active) throw new NavigationError('invalid', 'call createRouter({ pages }) first (main.ts)')
  return active
}

/**
 * In a page's setup: THAT page's route, reactive, filled from the pending
 * navigation (or, opened from outside, the page's own record) and then from
 * its onLoad options (so a page opened from a share card or an H5 refresh
 * reads its URL: on H5 already in setup, on a mini program, whose page gets its
 * query with onLoad, from onLoad on). In a component below a
 * page: the page's route. Elsewhere (App.vue, outside components): the
 * current route, live.
 */
export function useRoute(): Readonly<Route> {
  const router = useRouter() as RouterInternals
  const current = router.currentRoute
  const instance = getCurrentInstance()
  const pageInstance = pageOf(instance)
  // A component's page may have its route already although the page never asked: a component beside this one (not
  // above it, so its provide is not seen here) asked first. One route per page: a second would take the tab page's
  // handed-off query again, gone by then (taken once), and read the bare options instead.
  let route =
    instance && (keptRoutes.get(instance.proxy!) ?? (inject(PAGE_ROUTE, null) as Route | null) ?? (pageInstance && keptRoutes.get(pageInstance.proxy!)))
  // Outside a page (App.vue, a plain script) there is no page route to keep: follow the current one.
  if (!route && !pageInstance) {
    // Getters over currentRoute: reactive where read, and still spreads / serialises like a route.
    const live = {} as Route
    for (const key in current.value) Object.defineProperty(live, key, { get: () => current.value[key as keyof Route], enumerable: true })
    return live
  }
  if (!route) {
    // The page's, also when a component below it is the first to ask.
    const own = ownRecord(pageInstance!.proxy as unknown as PageInstance)
    const pending = router.pending
    let initial = current.value
    try {
      // The navigation on its way here; else (a share card, an H5 reload, WeChat's own relaunch) the page's own
      // record: uni-h5 has set its route and options already; a mini program's page knows its path, its query
      // comes with onLoad.
      initial = pending && (!own || pending.path === '/' + own.route) ? pending : own ? router.pageRoute(own) : initial
    } catch {
      // a page outside pages.json: onLoad says no better
    }
    // Shallow: a route is replaced field by field, never edited deep inside.
    const page = shallowReactive({ ...initial })
    provide(PAGE_ROUTE, (route = shallowReadonly(page)))
    keptRoutes.set(instance!.proxy!, route)
    // Kept by the page too, when a component asked first: the page's other components get the same route, and the
    // router's onShow sets currentRoute from it (keptShows below), as for a page that asked itself.
    keptRoutes.set(pageInstance!.proxy!, route)
    // A tab page's handed-off query is delivered once (taken here), so a later tap on
    // the native tab bar, which no router call sees, does not bring an old query back.
    const take = (record?: PageRecord, options?: Record<string, string>) => {
      Object.assign(page, router.pageRoute(record, options))
      tabQueries.delete(page.path)
    }
    onLoad((options) => take(own, options as Record<string, string>))
    const show = () => {
      // A tab page already open gets its next query by switchTab, which fires onShow, not onLoad.
      if (tabQueries.has(page.path)) take({ route: page.path.slice(1) })
      current.value = { ...toRaw(page) }
    }
    onShow(show)
    keptShows.set(pageInstance!.proxy!, show)
    if (page.isTab) shownAgain.set(page.path, show)
  }
  return route
}
