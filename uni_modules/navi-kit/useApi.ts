import { onLoad, onShow } from '@dcloudio/uni-app'
import { getCurrentInstance, inject, provide, shallowReactive, shallowReadonly, toRaw, type InjectionKey } from 'vue'
import { NavigationError } from './errors'
import { getTabQuery } from './handoff'
import type { Route, Router } from './types'

/** What useRoute needs from the router beyond its public face. */
export interface RouterInternals extends Router {
  /** The navigation being carried out: its target page reads it in setup. */
  pending?: Route
  /** A page's route from its uni route ('pages/a/a') or the top page's, and its onLoad options. */
  pageRoute(route?: string, options?: Record<string, string | undefined>): Route
}

let active: RouterInternals | undefined
const PAGE_ROUTE: InjectionKey<Readonly<Route>> = Symbol('navi-kit route')

export function setActiveRouter(router: RouterInternals): void {
  active = router
}

/** The router created last (the app's router). */
export function useRouter(): Router {
  if (!active) throw new NavigationError('invalid', 'No router yet: call createRouter({ pages }) in main.ts before useRouter()/useRoute()')
  return active
}

/**
 * In a page's setup: THAT page's route, reactive, filled from the pending
 * navigation and then from the page's own onLoad options (so a page opened
 * from a share card or an H5 refresh reads its URL). In a component below a
 * page: the page's route. Elsewhere: the route on top of the stack.
 */
export function useRoute(): Readonly<Route> {
  const router = useRouter() as RouterInternals
  const current = router.currentRoute
  if (!getCurrentInstance())
    return new Proxy({} as Route, { get: (_, key) => current.value[key as keyof Route] })
  const inherited = inject(PAGE_ROUTE, null)
  if (inherited) return inherited
  // Shallow: a route is replaced field by field, never edited deep inside.
  const route = shallowReactive<Route>({ ...(router.pending ?? current.value) })
  const view = shallowReadonly(route)
  provide(PAGE_ROUTE, view)
  onLoad((options) => {
    Object.assign(route, router.pageRoute(undefined, options as Record<string, string>))
  })
  onShow(() => {
    // A tab page already open gets its next query by switchTab, which fires onShow, not onLoad.
    if (route.isTab && getTabQuery(route.path)) Object.assign(route, router.pageRoute(route.path.slice(1)))
    current.value = { ...toRaw(route) }
  })
  return view
}
