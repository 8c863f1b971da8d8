import { shallowRef } from 'vue'
import { NavigationError } from './errors'
import { runGuards, useCallbacks } from './guards'
import { getTabQuery, putPayload, setTabQuery } from './handoff'
import { interceptRawCalls, OWN_CALL, type NavigationKind } from './interceptors'
import { normalizePath } from './location'
import { isMiniProgram, seam, type PageRecord, type UniCallOptions } from './platform'
import { decodeQuery, encodeQuery, HANDOFF_ID, splitQuery } from './query'
import { closest, createRouteTable } from './routes'
import type {
  NavigationGuard,
  NavigationHook,
  Route,
  RouteLocationObject,
  RouteLocationRaw,
  RouteQuery,
  RouterOptions,
  Router,
} from './types'
import { setActiveRouter, type RouterInternals } from './useApi'

type UniMethod = 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack'

const invalid = (message: string) => new NavigationError('invalid', message)

/** uni's page stack, or none before the first page exists (or outside uni). */
function pageStack(): PageRecord[] {
  try {
    return seam().getCurrentPages() ?? []
  } catch {
    return []
  }
}

/** A uni call as a Promise; `fail` becomes NavigationError 'platform' with uni's errMsg. */
const callUni = (method: UniMethod, options: UniCallOptions) =>
  new Promise((resolve, reject) => {
    seam().uni[method]({
      ...options,
      [OWN_CALL]: true,
      success: resolve,
      fail: (result) =>
        reject(new NavigationError('platform', `uni.${method} failed: ${result?.errMsg}`, { errMsg: result?.errMsg })),
    })
  })

export function createRouter(options: RouterOptions): Router {
  const table = createRouteTable(options.pages)
  const paths = [...table.byPath.keys()]
  const before = useCallbacks<NavigationGuard>()
  const after = useCallbacks<NavigationHook>()
  const inFlight = new Set<string>()
  const topRoute = () => pageStack().slice(-1)[0]?.route ?? ''

  function routeOf(path: string, query: RouteQuery): Route {
    const record = table.byPath.get(path)
    if (!record)
      throw new NavigationError('not-found', `${path} is not in pages.json. Did you mean ${closest(path, paths)}?`)
    const search = encodeQuery(query)
    return { path, name: record.name, query, fullPath: search ? path + '?' + search : path, isTab: record.isTab }
  }

  /** A page's route from its uni route and onLoad options; by default the top page's. */
  function pageRoute(route?: string, pageOptions?: Record<string, string | undefined>): Route {
    const top = pageStack().slice(-1)[0]
    if (route === undefined) [route, pageOptions] = [top?.route ?? '', pageOptions ?? top?.options]
    const path = normalizePath('/' + route)
    const hasQuery = pageOptions && Object.keys(pageOptions).length
    return routeOf(path, hasQuery ? decodeQuery(pageOptions) : getTabQuery(path) ?? {})
  }

  function resolve(raw: RouteLocationRaw): Route {
    try {
      const location = typeof raw === 'string' ? { path: raw } : raw
      if (location && typeof location === 'object') {
        const { name, path, query } = location
        if (name != null) {
          const record = table.byName.get(name)
          if (!record) throw invalid(`No page is named '${name}'. Did you mean '${closest(name, table.byName.keys())}'?`)
          return routeOf(record.path, query ?? {})
        }
        if (typeof path === 'string') {
          const at = path.indexOf('?')
          // A query written into the path is read like a URL's: strings, decoded once.
          const inPath = at < 0 ? {} : decodeQuery(splitQuery(path.slice(at + 1)), true)
          return routeOf(normalizePath(path, path[0] === '/' ? '' : topRoute()), { ...inPath, ...query })
        }
      }
    } catch (error) {
      // encodeURIComponent's URIError (a lone surrogate) and the like are the caller's input too.
      throw error instanceof NavigationError ? error : invalid(`Cannot navigate there: ${String(error)}`)
    }
    throw invalid(
      `Cannot navigate to ${String(raw)}: pass a path ('/pages/detail/detail?id=1'), { name, query } or { path, query }`,
    )
  }

  const home = resolve(options.home ?? paths[0])
  const currentRoute = shallowRef<Route>(home)

  function pickMethod(kind: NavigationKind, to: Route): UniMethod {
    if (kind === 'relaunch') return 'reLaunch'
    if (to.isTab) return 'switchTab'
    if (kind === 'replace') return 'redirectTo'
    const maxStack = options.maxStack ?? (isMiniProgram(seam().platform()) ? 10 : Infinity)
    if (pageStack().length < maxStack) return 'navigateTo'
    const policy = options.onStackFull ?? 'redirect'
    if (policy === 'error')
      throw new NavigationError(
        'stack-full',
        `The page stack already holds ${maxStack} pages: use replace() or back(), or set onStackFull to 'redirect' or 'relaunch'`,
        { to },
      )
    return policy === 'redirect' ? 'redirectTo' : 'reLaunch'
  }

  async function navigate(kind: NavigationKind, raw: unknown, extra: UniCallOptions = {}, redirects = 0): Promise<Route> {
    const to = resolve(raw as RouteLocationRaw)
    let from = currentRoute.value
    try {
      from = pageRoute()
    } catch {
      // no page yet, or one outside pages.json: the last known route stands in
    }
    const key = kind + to.fullPath
    if (inFlight.has(key))
      throw new NavigationError('duplicated', `Already navigating to ${to.fullPath}; this repeated call was dropped`, { to, from })
    inFlight.add(key)
    let failure: NavigationError | undefined
    let redirected = false
    try {
      const answer = await runGuards(before.list(), to, from)
      if (answer === false) throw new NavigationError('aborted', `A beforeEach guard stopped the navigation to ${to.fullPath}`, { to, from })
      if (answer !== true) {
        if (redirects > 9) throw invalid(`Guards redirected 10 times in a row (last to ${to.fullPath}); look for a loop`)
        inFlight.delete(key)
        redirected = true
        return await navigate(kind, answer, extra, redirects + 1)
      }
      const method = pickMethod(kind, to)
      let url = to.fullPath
      // switchTab takes no query; the tab page reads it from the handoff store.
      if (to.isTab) setTabQuery(to.path, to.query)
      if (method === 'switchTab') url = to.path
      else if (url.length - to.path.length - 1 > (options.queryLimit ?? 1024)) url = `${to.path}?${HANDOFF_ID}=${putPayload(to.query)}`
      const { events, animation } = (typeof raw === 'object' ? raw : {}) as RouteLocationObject
      if (events) extra = { events, ...extra }
      if (animation) extra = { animationType: animation.type, animationDuration: animation.duration, ...extra }
      router.pending = to
      await callUni(method, { ...extra, url })
      currentRoute.value = to
      return to
    } catch (error) {
      failure = error instanceof NavigationError ? error : new NavigationError('aborted', `A beforeEach guard threw: ${String(error)}`, { to, from })
      throw failure
    } finally {
      inFlight.delete(key)
      if (router.pending === to) router.pending = undefined
      if (!redirected) for (const hook of after.list()) hook(to, from, failure)
    }
  }

  let intercepting = false
  const router: RouterInternals = {
    currentRoute,
    resolve,
    pageRoute,
    push: (to) => navigate('push', to),
    replace: (to) => navigate('replace', to),
    relaunch: (to) => navigate('relaunch', to),
    async back(delta = 1) {
      if (!(delta >= 1)) throw invalid(`back(${String(delta)}): delta must be a number of pages, 1 or more`)
      const stack = pageStack()
      const below = stack[stack.length - 1 - delta]
      // Opened from a share card or refreshed on H5: nothing to go back to, so go home.
      if (!below) return void (await navigate('relaunch', home.path))
      const target = pageRoute(below.route, below.options)
      await callUni('navigateBack', { delta })
      currentRoute.value = target
    },
    beforeEach: before.add,
    afterEach: after.add,
    install() {
      setActiveRouter(router)
      if (!intercepting) interceptRawCalls(navigate)
      intercepting = true
    },
  }
  setActiveRouter(router)
  return router
}
