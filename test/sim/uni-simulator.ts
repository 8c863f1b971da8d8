/**
 * A uni runtime in memory, faithful to uni-h5 and WeChat where navi-kit can
 * tell the difference: page stack and its 10-page limit on mini programs
 * (WeChat's errMsg), tab rules, navigateBack clamping, `getCurrentPages()`
 * entries, how `onLoad` options arrive (H5: uni's encode → parse → decode
 * pipeline, decoded once; mp: the raw text; the App: encode → parse, so the
 * text as written, '+' read as a space), `uni.addInterceptor` exactly as
 * uni-h5 runs it, and callbacks that fire later, like the real thing. The App
 * (uni-app-plus 3.0.0-5000720260410001, read in its source, dist/uni.runtime.esm.js: no device here) is modelled
 * where the router can tell: options, back order, tab-page reuse, onBackPress, the back key and the tab bar (both
 * uni calls there), and its one navigation at a time.
 *
 * Fast path for benchmarks: no logging; observe calls through `onCall`.
 */
import { setPlatformSeam, type UniCallOptions, type UniCallbackResult, type UniInterceptor } from '../../uni_modules/navi-kit/platform'
import type { PagesJson } from '../../uni_modules/navi-kit/types'

export type Semantics = 'h5' | 'mp-weixin' | 'app'
type Method = 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack'

export interface SimPage {
  /** 'pages/detail/detail': no leading '/', as uni lists it. */
  route: string
  options: Record<string, string>
  /**
   * uni's page record; the App lists a page's options only here, and its id is the page's webview's: 1 for the page
   * the app was opened on (uni-app-plus createWebview hands the first page the launch webview), more for the rest.
   */
  $page: { fullPath: string; options?: Record<string, string>; id?: number; openType?: string }
  isTab: boolean
}

export interface SimulatorOptions {
  pages: PagesJson
  platform: Semantics
  /** 'macrotask' (default, like the real runtimes) or 'microtask' (benchmarks). */
  callbacks?: 'macrotask' | 'microtask'
  /** The App's nvue pages ('/pages/x/x'), the only ones its uni.preloadPage takes. */
  nvue?: string[]
}

export interface UniSimulator {
  readonly platform: Semantics
  readonly uni: Record<Method, (options: UniCallOptions) => Promise<UniCallbackResult> | void> & {
    preloadPage(options: UniCallOptions): void
    /** uni's: by method, or (an interceptor alone) for every API: uni runs those first. */
    addInterceptor(method: string | UniInterceptor, interceptor?: UniInterceptor): void
    removeInterceptor(method: string | UniInterceptor, interceptor?: UniInterceptor): void
  }
  getCurrentPages(): SimPage[]
  /** Sees every call that reaches the API (after interceptors); null by default. */
  onCall: ((method: Method, options: UniCallOptions) => void) | null
  /** Sees pages load and show; null by default. */
  onPage: ((event: 'load' | 'show', page: SimPage) => void) | null
  /**
   * The top page's onBackPress, which uni-h5 and the App ask before a uni.navigateBack (not the browser's back, which
   * cannot be refused; the App's back key is a uni.navigateBack); true refuses it: uni-h5 answers
   * "navigateBack:fail onBackPress", the App ok. Mini programs have no such hook. Null by default.
   */
  onBackPress: ((page: SimPage) => boolean | void) | null
  /**
   * A tap on the native tab bar. Mini programs: switches tabs with no uni call, so no interceptor sees it. The App:
   * uni-app-plus's tab bar calls uni.switchTab (openType 'switchTab', from 'tabBar'; initTabBar), the tab on screen
   * included.
   */
  tapTabBar(path: string): void
  /**
   * The system back button (H5: the browser's back): goes back one page with no uni call, so no interceptor sees it.
   * The App's back key calls uni.navigateBack({ from: 'backbutton' }) (backbuttonListener), which asks onBackPress.
   */
  systemBack(): void
  /** The app back from the background (or an H5 tab shown again): the top page shows again, nothing else. */
  returnToForeground(): void
  /**
   * Opens the app on a URL as a share card, a scan or the H5 address bar holds it (the App: a scheme, a push, or a
   * link, as plus hands it the path and query): a stack of one page.
   */
  launch(url: string): SimPage
  /**
   * H5: holds `path`'s code as if it were still loading (uni-h5 loads each page as a chunk of its own). A
   * preloadPage of it answers, and a navigateTo to it (without one) succeeds at once but the page joins the
   * stack, loads and shows, when `release` is called.
   */
  holdPageCode(path: string): () => void
  /** Installs `uni`, `getCurrentPages` and the platform on the globals; returns the undo. */
  install(): () => void
  /** Resolves once every callback scheduled so far has fired. */
  settle(): Promise<void>
}

const MP_STACK_LIMIT = 10

// ——— uni-shared / uni-h5 query helpers, as uni-h5 3.0.0-5000720260410001 has them ———
const safeDecode = (text: unknown) => {
  try {
    return decodeURIComponent('' + text)
  } catch {
    return '' + text
  }
}
/** uni-h5 encodeQueryString: '+' → ' ', then each value percent-encoded once more. */
function encodeQueryString(url: string): string {
  const at = url.indexOf('?')
  if (at === -1) return url
  const query = url.slice(at + 1).trim().replace(/^(\?|#|&)/, '')
  if (!query) return url
  const params = query.split('&').map((param) => {
    const parts = param.replace(/\+/g, ' ').split('=')
    const key = parts.shift()
    return key + '=' + encodeURIComponent(parts.length > 0 ? parts.join('=') : '')
  })
  return url.slice(0, at) + '?' + params.join('&')
}
/**
 * uni-shared parseQuery (vue-router's): '+' → ' ', key and value decoded, into a
 * plain object (so `key in query` sees inherited names: 'constructor' arrives
 * garbled, as in uni), a repeated key becomes an array, no '=' gives null.
 */
function parseQuery(search: string): Record<string, unknown> {
  const query: Record<string, unknown> = {}
  if (search === '' || search === '?') return query
  for (const raw of (search[0] === '?' ? search.slice(1) : search).split('&')) {
    const param = raw.replace(/\+/g, ' ')
    const eq = param.indexOf('=')
    const key = safeDecode(eq < 0 ? param : param.slice(0, eq))
    const value = eq < 0 ? null : safeDecode(param.slice(eq + 1))
    if (key in query) {
      let current = query[key]
      if (!Array.isArray(current)) current = query[key] = [current]
      ;(current as unknown[]).push(value)
    } else query[key] = value
  }
  return query
}
/** uni-shared decodedQuery: each value decoded once more, assigned into a plain object. */
function decodedQuery(query: Record<string, unknown>): Record<string, string> {
  const decoded: Record<string, string> = {}
  for (const name of Object.keys(query)) decoded[name] = safeDecode(query[name] as string)
  return decoded
}
/** uni-h5's onLoad options: the route's query decoded once more (decodedQuery). */
const h5Options = (url: string): Record<string, string> => {
  const encoded = encodeQueryString(url)
  const at = encoded.indexOf('?')
  return decodedQuery(parseQuery(at < 0 ? '' : encoded.slice(at + 1)))
}
/**
 * uni-h5 on a URL from outside (address bar, share link, refresh): vue-router
 * parses the query (decoded once) and uni's decodedQuery decodes it again; no
 * encodeQueryString first, so a value decodes twice. (After a navigateTo the
 * address bar holds the encodeQueryString form, so a refresh reads that page's
 * values decoded once.)
 */
const h5AddressBarOptions = (url: string): Record<string, string> => {
  const at = url.indexOf('?')
  return decodedQuery(parseQuery(at < 0 ? '' : url.slice(at + 1)))
}
/**
 * The App (uni-app-plus): its route protocol encodes the URL's query once more (encodeQueryString) and parseUrl
 * decodes it once (parseQuery); no decodedQuery after, so onLoad gets the text as written, '+' read as a space (a
 * repeated key an array).
 */
const appOptions = (url: string): Record<string, string> => {
  const encoded = encodeQueryString(url)
  const at = encoded.indexOf('?')
  return parseQuery(at < 0 ? '' : encoded.slice(at + 1)) as Record<string, string>
}
/**
 * The App's first page, opened on the path and query plus hands it (a scheme, a push): uni-app-plus calls its own
 * $navigateTo with that URL (onLaunchWebviewReady), past the API's formatArgs, so no encodeQueryString first: parseUrl
 * decodes each value once.
 */
const appLaunchOptions = (url: string): Record<string, string> =>
  // uni-shared parseUrl: url.split('?', 2), so the text after a second '?' is dropped.
  parseQuery(url.split('?', 2)[1] ?? '') as Record<string, string>
/** WeChat: the query text, split, untouched. */
const mpOptions = (url: string): Record<string, string> => {
  const at = url.indexOf('?')
  if (at < 0) return {}
  return Object.fromEntries(
    url
      .slice(at + 1)
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf('=')
        return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]
      }),
  )
}

/** uni-h5 getRealRoute: relative to the current page's folder. */
function realRoute(fromRoute: string, toRoute: string): string {
  if (toRoute.indexOf('/') === 0) return toRoute
  if (toRoute.indexOf('./') === 0) return realRoute(fromRoute, toRoute.slice(2))
  const toParts = toRoute.split('/')
  let ups = 0
  while (ups < toParts.length && toParts[ups] === '..') ups++
  toParts.splice(0, ups)
  const fromParts = fromRoute.length > 0 ? fromRoute.split('/') : []
  fromParts.splice(fromParts.length - ups - 1, ups + 1)
  return '/' + fromParts.concat(toParts).join('/')
}

/** The channel a navigateTo's success hands over (uni-h5 and WeChat both): here it records what is emitted. */
export interface SimEventChannel {
  emitted: [event: string, args: unknown[]][]
  emit(event: string, ...args: unknown[]): void
  on(event: string, listener: (...args: unknown[]) => void): void
}
const createEventChannel = (): SimEventChannel => {
  const emitted: SimEventChannel['emitted'] = []
  return { emitted, emit: (event, ...args) => void emitted.push([event, args]), on: () => {} }
}

const isPromise = (value: unknown): value is Promise<unknown> =>
  !!value && typeof (value as { then?: unknown }).then === 'function'

export function createUniSimulator(options: SimulatorOptions): UniSimulator {
  const { platform } = options
  const nvue = new Set(options.nvue)
  const web = platform === 'h5'
  const app = platform === 'app'
  const mp = !web && !app
  const routes = new Map<string, boolean>() // '/path' → isTab
  const tabs = new Set((options.pages.tabBar?.list ?? []).map((item) => '/' + item.pagePath.replace(/^\//, '')))
  const add = (root: string, path: string) => {
    const full = '/' + [root, path].filter(Boolean).join('/').replace(/^\/+/, '')
    routes.set(full, tabs.has(full))
  }
  for (const page of options.pages.pages ?? []) add('', page.path)
  for (const sub of options.pages.subPackages ?? options.pages.subpackages ?? []) for (const page of sub.pages ?? []) add(sub.root, page.path)

  let stack: SimPage[] = []
  /** Tab pages stay alive once opened (until reLaunch). */
  let tabInstances = new Map<string, SimPage>()
  /** Pages whose code is held (holdPageCode), with the navigations waiting for it. */
  const held = new Map<string, (() => void)[]>()
  const interceptors = new Map<string, UniInterceptor[]>()
  /** uni's globalInterceptors: every API's, run before the method's own (getApiInterceptorHooks). */
  let globalInterceptors: UniInterceptor[] = []
  const hooksFor = (method: string) => [...globalInterceptors, ...(interceptors.get(method) ?? [])]
  let pendingCallbacks = 0
  let idle: (() => void)[] = []

  const later = (fn: () => void) => {
    pendingCallbacks++
    const run = () => {
      try {
        fn()
      } finally {
        if (--pendingCallbacks === 0) for (const resolve of idle.splice(0)) resolve()
      }
    }
    if (options.callbacks === 'microtask') queueMicrotask(run)
    else setTimeout(run, 0)
  }

  /** The App: webviews made so far, the last one's id. */
  let webviews = 0
  /**
   * The App's preloaded nvue pages, by the URL preloaded: set up (onLoad), unlisted until a call to that URL opens one
   * (uni-app-plus registerPage reuses its webview, addCurrentPage, while it is not on the stack already).
   */
  const preloaded = new Map<string, SimPage>()
  const makePage = (path: string, url: string, fromOutside = false): SimPage => {
    const options = mp ? mpOptions(url) : app ? (fromOutside ? appLaunchOptions : appOptions)(url) : fromOutside ? h5AddressBarOptions(url) : h5Options(url)
    const $page = { fullPath: url, options, ...(app && { id: fromOutside ? (webviews = 1) : ++webviews }) }
    return { route: path.slice(1), options, $page, isTab: routes.get(path) === true }
  }
  /** The App lists its page vms, which carry `route` and `$page` but no `options` of their own (uni-app-plus initPageVm). */
  const appRecords = new WeakMap<SimPage, SimPage>()
  const appRecord = (page: SimPage): SimPage => {
    let record = appRecords.get(page)
    if (!record) appRecords.set(page, (record = { route: page.route, $page: page.$page, isTab: page.isTab } as SimPage))
    return record
  }
  const load = (page: SimPage) => {
    sim.onPage?.('load', page)
    sim.onPage?.('show', page)
    return page
  }

  /** The entry page (the first of pages.json). */
  const entry = [...routes.keys()][0]
  /**
   * The App was opened on a page other than the entry page, not a tab page (uni-app-plus initEntry sets
   * __uniConfig.realEntryPagePath): a back from the first page relaunches the entry page (isDirectPage), unless it is
   * a tab page (isQuit, asked first).
   */
  let realEntry = false
  /**
   * The App's preload webview, the next page's (uni-app-plus navigate()): used by a page that opens, created anew
   * once that page has shown (navigateFinish), ready a moment later. A navigation asked for meanwhile waits for it
   * (setPendingNavigator); one asked for while another waits is dropped, answered neither ok nor fail
   * ("do not operate continuously").
   */
  let preload: 'ready' | 'used' | 'loading' = 'ready'
  let waitingNavigation: (() => void) | undefined
  function appNavigate(go: () => void, appLaunch: boolean): void {
    if (!appLaunch && waitingNavigation) return
    if (preload === 'ready') go()
    else waitingNavigation = go
  }
  /** uni-app-plus navigateFinish, once a page has shown: a new preload webview, and the navigation waiting for it. */
  function navigateFinish(): void {
    if (preload !== 'used') return
    preload = 'loading'
    later(() => {
      preload = 'ready'
      const go = waitingNavigation
      waitingNavigation = undefined
      go?.()
    })
  }

  /** Why uni refuses a call to a page at once (its formatArgs, WeChat's checks); undefined when it goes ahead. */
  function refusal(method: Exclude<Method, 'navigateBack'>, args: UniCallOptions): string | undefined {
    if (typeof args.url !== 'string' || !args.url) return `${method}:fail Missing required args: "url"`
    const url = realRoute(stack[stack.length - 1]?.route ?? '', args.url)
    const path = url.split('?')[0]
    const isTab = routes.get(path)
    if (isTab === undefined) return mp ? `${method}:fail page "${path.slice(1)}" is not found` : `${method}:fail page \`${url}\` is not found`
    if ((method === 'navigateTo' || method === 'redirectTo') && isTab) return `${method}:fail can not ${method} a tabbar page`
    if (method === 'switchTab' && !isTab) return 'switchTab:fail can not switch to no-tabBar page'
    // WeChat refuses a query on switchTab; uni-h5 and the App drop it.
    if (method === 'switchTab' && mp && url.includes('?')) return 'switchTab:fail url not support query'
    if (method === 'navigateTo' && mp && stack.length >= MP_STACK_LIMIT) return 'navigateTo:fail webview count limit exceed'
  }

  /** Carries out a call to a page that uni goes ahead with; returns whether a new page opened (a webview shows). */
  function carryOut(method: Exclude<Method, 'navigateBack'>, args: UniCallOptions): boolean {
    const top = stack[stack.length - 1]
    const url = realRoute(top?.route ?? '', String(args.url))
    const path = url.split('?')[0]
    if (method === 'switchTab') {
      const alive = tabInstances.get(path)
      // uni-h5 strips a switchTab's query (unless openType is 'appLaunch', its own launch), then takes a tab page for
      // its own URL only (isSamePage: url === $page.fullPath): one opened at '/pages/mine/mine?from=link' is not the
      // one '/pages/mine/mine' names, so a new one opens (the old one lingers).
      // The entry page is written '/' (uni-h5's alias), and '/' alone is the entry page, whatever URL it was opened at.
      const isEntry = path === entry
      const asked = (args.openType === 'appLaunch' ? url : path).replace(isEntry ? path : /$^/, '/')
      // WeChat and the App take the tab page by its path (uni-app-plus _switchTab: page.route).
      const existing = alive && (!web || asked === alive.$page.fullPath || (isEntry && asked === '/')) ? alive : undefined
      // Like the real runtimes, a page is on the stack by the time its onLoad runs.
      stack = [existing ?? makePage(path, path)]
      tabInstances.set(path, stack[0])
      // uni-h5 shows the tab page already on screen again without an onShow (it fires its onHide); the App with
      // neither (_switchTab: callOnShow only for a tab page not shown, or one reached from a page that is no tab page).
      if (existing && !(existing === top && !mp)) sim.onPage?.('show', existing)
      else if (!existing) load(stack[0])
      return !existing
    }
    const kept = app && preloaded.get(url)
    const reused = kept && !stack.includes(kept) ? kept : undefined
    const page = reused ?? makePage(path, url)
    if (method === 'reLaunch') {
      stack = []
      tabInstances = new Map()
    }
    if (method === 'redirectTo') stack.pop()
    const arrive = () => {
      stack.push(page)
      if (page.isTab) tabInstances.set(path, page)
      // A preloaded page has loaded already: its webview's show event fires its onShow (createNVuePage).
      if (reused) sim.onPage?.('show', page)
      else load(page)
    }
    const waiting = held.get(path)
    if (waiting && method === 'navigateTo' && web) waiting.push(arrive)
    else arrive()
    return true
  }

  /** Runs one API call (`byApi`: by a uni call, not the system back button); returns an errMsg for a failure, or undefined. */
  function apply(method: Method, args: UniCallOptions, byApi = true): string | undefined {
    if (method === 'navigateBack') {
      const delta = typeof args.delta === 'number' ? args.delta : 1
      // uni-h5 refuses; the App answers ok, and the page stays.
      if (byApi && !mp && sim.onBackPress?.(stack[stack.length - 1]) === true) return app ? undefined : 'navigateBack:fail onBackPress'
      if (app && stack.length <= 1) {
        // The App answers a back from its first page ok (its formatArgs makes the delta 0). A tab page offers to quit
        // (meta.isQuit: a toast) and stays; so does any first page of an app opened on its entry page. Opened on
        // another page, it relaunches the entry page by uni.reLaunch, which interceptors see (reLaunchEntryPage).
        if (realEntry && !stack[0]?.isTab) {
          realEntry = false
          void sim.uni.reLaunch({ url: entry, success() {} })
        }
        return
      }
      if (stack.length <= 1) return 'navigateBack:fail cannot navigate back at first page.'
      const pop = () => {
        // Asking for more than the stack holds lands on the first page.
        stack = stack.slice(0, Math.max(1, stack.length - delta))
        // uni-h5 pops its pages in vue-router's popstate listener, before any listener added later hears it.
        if (web && typeof dispatchEvent == 'function') dispatchEvent(new Event('popstate'))
        sim.onPage?.('show', stack[stack.length - 1])
      }
      // uni-h5 answers first ($router.go(-delta); resolve()) and the page leaves on popstate, a task later;
      // WeChat and the App pop the page, then answer.
      if (!web) pop()
      else later(() => later(pop))
      return
    }
    const refused = refusal(method, args)
    if (!refused) carryOut(method, args)
    return refused
  }

  function api(method: Method) {
    return (callerArgs: UniCallOptions = {}) => {
      const hasCallback = ['success', 'fail', 'complete'].some((name) => typeof callerArgs[name] === 'function')
      let settle: { resolve: (r: UniCallbackResult) => void; reject: (r: UniCallbackResult) => void } | undefined
      const promise = hasCallback
        ? undefined
        : new Promise<UniCallbackResult>((resolve, reject) => (settle = { resolve, reject }))
      const args: UniCallOptions = { ...callerArgs }
      if (settle) Object.assign(args, { success: settle.resolve, fail: settle.reject })
      const run = (finalArgs: UniCallOptions): Promise<void> | undefined => {
        sim.onCall?.(method, finalArgs)
        const hooks = hooksFor(method)
        const callbacks = { success: finalArgs.success, fail: finalArgs.fail, complete: finalArgs.complete }
        const wrap = (name: 'success' | 'fail' | 'complete', result: UniCallbackResult) => {
          // uni's wrapperOptions: queue(hooks, res, options), the options the invoke hooks saw.
          for (const hook of hooks) hook[name]?.(result, finalArgs)
          ;(callbacks[name] as ((r: UniCallbackResult) => void) | undefined)?.(result)
        }
        // As the call goes ahead, uni's wrapperOptions puts a wrapper in place of each callback an interceptor has
        // a hook for, on the very options the invoke hooks saw; uni-h5's API then takes the callbacks off them
        // (getApiCallbacks).
        for (const name of ['success', 'fail', 'complete'] as const)
          if (hooks.some((hook) => hook[name])) finalArgs[name] = (result: UniCallbackResult) => wrap(name, result)
        if (web) for (const name of ['success', 'fail', 'complete'] as const) delete finalArgs[name]
        const answer = (errMsg: string | undefined) => {
          const result: UniCallbackResult = { errMsg: errMsg ?? `${method}:ok` }
          if (method === 'navigateTo' && !errMsg) result.eventChannel = createEventChannel()
          wrap(errMsg ? 'fail' : 'success', result)
          wrap('complete', result)
        }
        // WeChat routes a task after the call (getCurrentPages() lists no new page before), then answers at once;
        // uni-h5 routes at once and answers a task later.
        if (mp) later(() => answer(apply(method, finalArgs)))
        else if (app && method !== 'navigateBack') {
          // uni-app-plus: formatArgs refuses at once; a call it goes ahead with takes its turn (navigate()), opens its
          // page at once, and answers once that page's webview has shown (showWebview), then readies the next webview.
          const refused = refusal(method, finalArgs)
          if (refused) later(() => answer(refused))
          else
            appNavigate(() => {
              const opened = carryOut(method, finalArgs)
              if (opened) preload = 'used'
              later(() => (answer(undefined), opened && navigateFinish()))
            }, finalArgs.openType === 'appLaunch')
        } else {
          const errMsg = apply(method, finalArgs)
          // uni-h5 answers a navigateBack within the call ($router.go, then resolve; or reject for onBackPress), the
          // others once navigate() has routed; and hands back navigate()'s Promise (`navigate(…).then(resolve)`) for a
          // call it routes, nothing for one its protocol refuses (invokeFail).
          if (method === 'navigateBack') answer(errMsg)
          else if (errMsg) later(() => answer(errMsg))
          else return new Promise<void>((routed) => later(() => (answer(errMsg), routed())))
        }
        return undefined
      }
      // uni-h5 `queue`: a sync false cancels (no callback at all); a Promise's
      // value becomes the options (false included: it does not cancel; uni's wrapperOptions then throws setting a
      // callback on it, as run() does here); hooks
      // after a Promise-returning one are not called with the data.
      const invokes = hooksFor(method).map((hook) => hook.invoke).filter(Boolean) as ((
        o: UniCallOptions,
      ) => unknown)[]
      // uni's wrapperReturnValue: each returnValue hook may replace what the call hands back, once the call is made.
      const handBack = (handed: unknown = promise) => {
        let value = handed
        for (const hook of hooksFor(method)) value = hook.returnValue?.(value) || value
        return value as Promise<UniCallbackResult> | undefined
      }
      let chained: Promise<unknown> | undefined
      for (const invoke of invokes) {
        if (chained) {
          chained = Promise.resolve((data: unknown) => invoke(data as UniCallOptions) || data)
          continue
        }
        const answer = invoke(args)
        if (isPromise(answer)) chained = Promise.resolve(answer)
        if (answer === false) return handBack()
      }
      // With callbacks uni hands back nothing once the call is made, or the chain while a Promise holds it.
      if (chained) {
        const going = chained.then((value) => run(value as UniCallOptions))
        return handBack(promise ?? going)
      }
      const handed = run(args)
      return handBack(promise ?? handed)
    }
  }

  const sim: UniSimulator = {
    platform,
    uni: {
      navigateTo: api('navigateTo'),
      redirectTo: api('redirectTo'),
      switchTab: api('switchTab'),
      reLaunch: api('reLaunch'),
      navigateBack: api('navigateBack'),
      // uni-h5's: loads the page's code (route.loader()); fails for a path it has no route for, the entry
      // page's own path included (its route is '/'). The App's refuses a vue page (formatArgs); an nvue page it sets up
      // in a webview of its own (createNVuePage): its onLoad runs, its onShow not (initHooks: openType 'preloadPage'),
      // and it is not listed. A URL preloaded already it leaves as it is, and answers nothing.
      preloadPage(options) {
        if (app) {
          const url = String(options.url)
          if (!nvue.has(url.split('?')[0])) return void later(() => options.fail?.({ errMsg: 'preloadPage:fail can not preload vue page' }))
          if (preloaded.has(url)) return
          const page = makePage(url.split('?')[0], url)
          page.$page.openType = 'preloadPage'
          preloaded.set(url, page)
          later(() => options.success?.({ errMsg: 'preloadPage:ok' }))
          // The page's code runs in its webview, after the API has answered.
          return void later(() => sim.onPage?.('load', page))
        }
        const url = String(options.url).split('?')[0]
        const path = url === '/' ? entry : url
        const known = routes.has(path) && url !== entry
        const answer = () => {
          const result = { errMsg: known ? 'preloadPage:ok' : `preloadPage:fail ${options.url}` }
          ;(known ? options.success : options.fail)?.(result)
          options.complete?.(result)
        }
        const waiting = held.get(path)
        if (waiting && web) waiting.push(() => later(answer))
        else later(answer)
      },
      addInterceptor(method, interceptor) {
        if (typeof method != 'string') return void (globalInterceptors = [...globalInterceptors, method])
        interceptors.set(method, [...(interceptors.get(method) ?? []), interceptor!])
      },
      removeInterceptor(method, interceptor) {
        if (typeof method != 'string') return void (globalInterceptors = globalInterceptors.filter((i) => i !== method))
        interceptors.set(method, interceptor ? (interceptors.get(method) ?? []).filter((i) => i !== interceptor) : [])
      },
    },
    getCurrentPages: () => (app ? stack.map(appRecord) : stack.slice()),
    holdPageCode(path) {
      const waiting: (() => void)[] = []
      held.set(path, waiting)
      return () => {
        held.delete(path)
        for (const arrive of waiting) arrive()
      }
    },
    tapTabBar(path) {
      // uni-app-plus initTabBar: the tab bar's click handler.
      if (app) return void sim.uni.switchTab({ url: path, openType: 'switchTab', from: 'tabBar', success() {} })
      const errMsg = apply('switchTab', { url: path })
      if (errMsg) throw new Error('simulator: ' + errMsg)
    },
    systemBack() {
      // uni-app-plus backbuttonListener ("an empty success, so no Promise: onBackPress may make it fail").
      if (app) return void sim.uni.navigateBack({ from: 'backbutton', success() {} })
      const errMsg = apply('navigateBack', { delta: 1 }, false)
      if (errMsg) throw new Error('simulator: ' + errMsg)
    },
    returnToForeground() {
      sim.onPage?.('show', stack[stack.length - 1])
    },
    onCall: null,
    onPage: null,
    onBackPress: null,
    launch(url) {
      const path = url.split('?')[0]
      if (!routes.has(path)) throw new Error(`simulator: ${path} is not in the pages table`)
      tabInstances = new Map()
      // The App once opened: its next webview is ready, no navigation waits.
      preload = 'ready'
      waitingNavigation = undefined
      realEntry = path !== entry && !routes.get(path)
      stack = [makePage(path, url, true)]
      if (stack[0].isTab) tabInstances.set(path, stack[0])
      return load(stack[0])
    },
    install() {
      const bag = globalThis as Record<string, unknown>
      const before = { uni: bag.uni, getCurrentPages: bag.getCurrentPages }
      bag.uni = sim.uni
      bag.getCurrentPages = sim.getCurrentPages
      const restoreSeam = setPlatformSeam({ platform: () => platform })
      return () => {
        bag.uni = before.uni
        bag.getCurrentPages = before.getCurrentPages
        restoreSeam()
      }
    },
    settle: () => (pendingCallbacks === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve))),
  }
  return sim
}
