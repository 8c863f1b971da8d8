import { shallowRef } from 'vue'
import { NavigationError, type NavigationErrorCode } from './errors'
import { useCallbacks } from './guards'
import { putPayload, tabQueries } from './handoff'
import { interceptRawCalls, OWN_CALL, type NavigationKind } from './interceptors'
import { normalizePath } from './location'
import { isMiniProgram, seam, type PageRecord, type UniCallOptions } from './platform'
import { decodeQuery, encodeQuery, HANDOFF_ID, splitQuery } from './query'
import { closest, createRouteTable } from './routes'
import type {
  GuardResult,
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

const fail = (code: NavigationErrorCode, message: string, errMsg?: string) => new NavigationError(code, message, { errMsg })

/** uni's page stack; none before the first page exists (or outside uni). */
function pageStack(): PageRecord[] {
  try {
    // A copy: WeChat asks apps never to modify the page stack array.
    return [...seam().getCurrentPages()]
  } catch {
    return []
  }
}

/** A uni call as a Promise, marked as navi-kit's own; `fail` → 'platform' with uni's errMsg. */
const callUni = (method: UniMethod, options: UniCallOptions) =>
  new Promise((resolve, reject) => {
    seam().uni[method]({
      ...options,
      [OWN_CALL]: 1,
      success: resolve,
      fail: ({ errMsg } = {}) => reject(fail('platform', `uni.${method} failed: ${errMsg}`, errMsg)),
    })
  })

export function createRouter(options: RouterOptions): Router {
  const table = createRouteTable(options.pages)
  const before = useCallbacks<NavigationGuard>()
  const after = useCallbacks<NavigationHook>()
  const inFlight = new Set<string>()
  const find = (key: 'path' | 'name', value: string) => table.find((record) => record[key] === value)
  const near = (key: 'path' | 'name', value: string) => closest(value, table.map((record) => record[key]))

  function routeOf(path: string, query: RouteQuery): Route {
    // '/' is uni-h5's alias of the entry page (its tab bar sends switchTab with url '/').
    const record = path === '/' ? table[0] : find('path', path)
    if (!record) throw fail('not-found', `${path} is not in pages.json (did you mean ${near('path', path)}?)`)
    const search = encodeQuery(query)
    return { ...record, query, fullPath: record.path + (search && '?' + search) }
  }

  /** A page's route from its uni route and onLoad options; by default the top page's. */
  function pageRoute(route?: string, pageOptions?: Record<string, string | undefined>): Route {
    const top = pageStack().pop()
    if (route === undefined) [route, pageOptions] = [top?.route, pageOptions || top?.options]
    const path = normalizePath('/' + route)
    // A tab page opened by switchTab has no options: its query waits in the handoff store.
    return routeOf(path, pageOptions && Object.keys(pageOptions).length ? decodeQuery(pageOptions) : tabQueries.get(path) || {})
  }

  function resolve(raw: RouteLocationRaw): Route {
    const { name, path, query } = (typeof raw === 'string' ? { path: raw } : Object(raw)) as RouteLocationObject
    try {
      if (name != null) {
        if (!find('name', name)) throw fail('invalid', `no page is named '${name}' (did you mean '${near('name', name)}'?)`)
        return routeOf(find('name', name)!.path, query || {})
      }
      if (typeof path === 'string') {
        // A query written into the path reads like a URL's: strings, decoded once.
        const inPath = decodeQuery(splitQuery(path.split('?')[1] || ''), true)
        return routeOf(normalizePath(path, pageStack().pop()?.route), { ...inPath, ...query })
      }
    } catch (error) {
      // e.g. JSON.stringify's TypeError on a cycle, encodeURIComponent's on a lone surrogate
      throw error instanceof NavigationError ? error : fail('invalid', 'query is not JSON: ' + error)
    }
    throw fail('invalid', `cannot navigate to ${raw}: pass a path or { name | path, query }`)
  }

  const home = resolve(options.home || table[0]?.path)
  const currentRoute = shallowRef(home)

  function pickMethod(kind: NavigationKind, to: Route): UniMethod {
    const maxStack = options.maxStack ?? (isMiniProgram(seam().platform()) ? 10 : 1 / 0)
    const policy = options.onStackFull
    if (kind === 'relaunch') return 'reLaunch'
    if (to.isTab) return 'switchTab'
    if (kind === 'replace' || pageStack().length >= maxStack) {
      if (kind === 'push' && policy === 'error')
        throw fail('stack-full', `${maxStack} pages are open: use replace() or back(), or onStackFull 'redirect'`)
      return kind === 'push' && policy === 'relaunch' ? 'reLaunch' : 'redirectTo'
    }
    return 'navigateTo'
  }

  async function navigate(kind: NavigationKind, raw: unknown, extra?: UniCallOptions, redirects = 0): Promise<Route> {
    const to = resolve(raw as RouteLocationRaw)
    let from = currentRoute.value
    try {
      // The top page, unless currentRoute already describes it (it holds a tab page's handed-off query).
      if (normalizePath('/' + pageStack().pop()?.route) !== from.path) from = pageRoute()
    } catch {
      // no page yet, or one outside pages.json: the last known route stands in
    }
    const key = kind + to.fullPath
    if (inFlight.has(key)) throw fail('duplicated', `${to.fullPath} is already on its way`)
    inFlight.add(key)
    let failure: NavigationError | undefined
    let redirected
    try {
      let answer: GuardResult = true
      for (const guard of before.list()) if ((answer = await guard(to, from)) === false || (answer ?? true) !== true) break
      if (answer === false) throw fail('aborted', `a beforeEach guard stopped ${to.fullPath}`)
      if (answer == null) answer = true
      if (answer !== true) {
        if (redirects > 9) throw fail('invalid', `guards redirect in a loop (at ${to.fullPath})`)
        inFlight.delete(key)
        redirected = 1
        return await navigate(kind, answer, extra, redirects + 1)
      }
      const method = pickMethod(kind, to)
      const { events, animation } = Object(raw) as RouteLocationObject
      let url = to.fullPath
      // Tab pages die on reLaunch: what was waiting for them is stale.
      if (method === 'reLaunch') tabQueries.clear()
      if (to.isTab) tabQueries.set(to.path, to.query)
      if (method === 'switchTab') url = to.path // switchTab takes no query
      else if (url.length - to.path.length > (options.queryLimit || 1024)) url = to.path + `?${HANDOFF_ID}=` + putPayload(to.query)
      router.pending = to
      await callUni(method, { events, animationType: animation?.type, animationDuration: animation?.duration, ...extra, url })
      return (currentRoute.value = to)
    } catch (error) {
      throw (failure = error instanceof NavigationError ? error : fail('aborted', 'a beforeEach guard threw: ' + error))
    } finally {
      inFlight.delete(key)
      if (router.pending === to) router.pending = undefined
      if (!redirected) for (const hook of after.list()) hook(to, from, failure)
    }
  }

  let intercepting = 0
  const router: RouterInternals = {
    currentRoute,
    resolve,
    pageRoute,
    push: (to) => navigate('push', to),
    replace: (to) => navigate('replace', to),
    relaunch: (to) => navigate('relaunch', to),
    async back(delta = 1) {
      if (!(delta >= 1)) throw fail('invalid', `back(${delta}): delta must be 1 or more`)
      const below = pageStack().reverse()[delta]
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
      intercepting++ || interceptRawCalls(navigate)
    },
  }
  setActiveRouter(router)
  return router
}
