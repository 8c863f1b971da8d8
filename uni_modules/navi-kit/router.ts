import { shallowRef } from 'vue'
import { NavigationError, type NavigationErrorCode } from './errors'
import { useCallbacks } from './guards'
import { putPayload, tabQueries } from './handoff'
import { goesAhead, interceptRawCalls, type NavigationMethod, type RawCall, type UniMethod } from './interceptors'
import { ARRIVE_MS, DEFAULT_QUERY_LIMIT, LEAVE_MS, MAX_REDIRECTS, MINI_PROGRAM_MAX_STACK } from './limits'
import { isOutsideUrl, normalizePath } from './location'
import { currentPages, currentPlatform, isMiniProgram, navigationApi, ownRecord, type PageInstance, type PageRecord, type UniCallbackResult, type UniCallOptions } from './platform'
import { decodeQuery, encodeQuery, HANDOFF_ID, splitQuery } from './query'
import { closest, createRouteTable, type RouteRecord } from './routes'
import type {
  GuardResult,
  NavigationGuard,
  NavigationHook,
  Route,
  RouteLocationObject,
  RouteLocationRaw,
  RouteQuery,
  RouteQueryInput,
  RouterOptions,
  Router,
} from './types'
import { keptShows, setActiveRouter, shownAgain, type RouterInternals } from './useApi'

/**
 * Puts `hook` first among a page's `name` hooks: uni keeps them on the page's Vue instance, in the array its
 * injectHook (uni's Vue's, which uni's onShow() and an app mixin's onShow go through) adds to, and calls them in order.
 */
function prependPageHook(page: { $: object }, name: 'onLoad' | 'onShow', hook: (...args: never[]) => void): void {
  const instance = page.$ as Record<string, unknown[] | undefined>
  ;(instance[name] ??= []).unshift(hook)
}

const fail = (code: NavigationErrorCode, message: string, errMsg?: string) => new NavigationError(code, message, { errMsg })

/** Runs the afterEach hooks. One that throws must not fail a navigation that is done, nor silence the hooks after it. */
function report(hooks: readonly NavigationHook[], to: Route, from: Route, failure?: NavigationError): void {
  for (const hook of hooks) {
    try {
      hook(to, from, failure)
    } catch (error) {
      console.error('navi-kit: an afterEach hook threw', error)
    }
  }
}

/**
 * Whether `page` is the one the App was opened on (a scheme, a push, a link): uni-app-plus opens it with its own
 * $navigateTo on the path and query plus hands it, past the API's encodeQueryString, so its options come decoded once,
 * unlike those of every page a uni call opens. It is the page of the launch webview, id 1 (createWebview).
 */
const openedOnApp = (page: PageRecord | undefined) => currentPlatform() === 'app' && (page?.$page ?? page)?.id === 1

/** uni's page stack, bottom first; none before the first page exists (or outside uni). */
function pageStack(): readonly PageRecord[] {
  try {
    return currentPages()
  } catch {
    return []
  }
}

/**
 * A listed page's onLoad options: its `$page`'s (uni-h5, the App), else its own (WeChat). uni-h5 and the App list page
 * vms, so `options` there is whatever the page's own code names so (a picker's list, say); the App sets none itself.
 */
const optionsOf = (page: PageRecord | undefined) => page?.$page?.options ?? page?.options

function topPage(): PageRecord | undefined {
  const stack = pageStack()
  return stack[stack.length - 1]
}

/** Hears the browser's next popstate (the back button, or uni-h5's own history.go); returns the undo. */
function onPopstate(listener: () => void): () => void {
  if (typeof addEventListener != 'function') return () => {}
  // The undo takes the listener off the window it was put on, whatever the global names by the time it runs.
  const remove = removeEventListener
  addEventListener('popstate', listener, { once: true })
  return () => remove('popstate', listener)
}

/**
 * Settles once uni-h5 has popped the page a navigateBack leaves: it answers first ($router.go) and pops the page
 * on the browser's popstate, which undoes a navigation made in between. WeChat pops, then answers: none to wait for.
 */
function pageLeft(): Promise<unknown> | undefined {
  // No popstate to hear outside a browser (a server render, a test in Node): nothing to wait for.
  if (currentPlatform() === 'h5' && typeof addEventListener == 'function')
    return new Promise<void>((done) => {
      // Heard: no timer is left behind (one per back, else).
      const stop = onPopstate(() => (clearTimeout(timer), done()))
      const timer = setTimeout(() => (stop(), done()), LEAVE_MS)
    })
}

/**
 * Loads a page's code on H5 before the URL changes, as vue-router loads a lazy page first: uni-h5 loads each page
 * as a chunk of its own, and a page whose code comes after the URL changed sets up with whatever route is current
 * by then, or is dropped by a browser back meanwhile. `url`: uni-h5 knows the entry page as '/'. 'loaded' (uni's
 * answer was ok), 'left' (the browser went back first), or 'late' (failed, or no answer within ARRIVE_MS: go on).
 */
function loadPage(url: string): Promise<'loaded' | 'left' | 'late'> {
  return new Promise((done) => {
    const preload = navigationApi().preloadPage
    if (!preload) return done('late')
    const stop = onPopstate(() => done('left'))
    const end = (outcome: 'loaded' | 'late') => (stop(), done(outcome))
    setTimeout(end, ARRIVE_MS, 'late')
    try {
      preload({ url, complete: ({ errMsg } = {}) => end(errMsg?.endsWith(':ok') ? 'loaded' : 'late') })
    } catch {
      end('late')
    }
  })
}

/**
 * A uni call as a Promise of what uni answers, marked as navi-kit's own (goesAhead's token); `fail` →
 * 'platform' with uni's errMsg. A throw (uni, or another plugin's interceptor) is the
 * platform failing too, not a guard; another interceptor's "no" (an app's login check) is aborted, as a guard's is.
 */
const callUni = (method: UniMethod, options: UniCallOptions) =>
  new Promise<UniCallbackResult>((resolve, reject) => {
    options.success = resolve
    options.fail = ({ errMsg } = {}) => reject(fail('platform', `uni.${method} failed: ${errMsg}`, errMsg))
    try {
      if (!goesAhead(method, options, () => navigationApi()[method](options)))
        reject(fail('aborted', `another interceptor cancelled uni.${method} (its invoke returned false)`))
    } catch (error) {
      reject(fail('platform', `uni.${method} threw: ${error}`))
    }
  })

/**
 * Whether uni-h5 hands `url` on unchanged (its encodeQueryString encodes each value once, and reads '+' as a space):
 * only then can it match the URL a page was opened at. Each pair must be key=value, the value as encodeURIComponent
 * writes it.
 */
const keptByUniH5 = (url: string) =>
  url
    .slice(url.indexOf('?') + 1)
    .split('&')
    .every((pair) => /^[^+=]+=/.test(pair) && encodeURIComponent(pair.slice(pair.indexOf('=') + 1)) === pair.slice(pair.indexOf('=') + 1))

/** A copy of a location's query without its undefined members: what the target page reads, the route says too. */
function definedMembers(query: RouteQueryInput | undefined): RouteQuery {
  // Spread, not assignment: a '__proto__' key stays a key, for encodeQuery to refuse.
  const defined = { ...query }
  for (const key in defined) if (defined[key] === undefined) delete defined[key]
  return defined as RouteQuery
}

/** One navigation, across the redirects its guards make: its id, and the targets it holds claimed. */
interface Navigation {
  id: number
  keys: string[]
  /** The page it was made on, and the pages shown so far (`shows`) then. */
  route?: string
  shows: number
}

export function createRouter(options: RouterOptions): Router {
  const table = createRouteTable(options.pages)
  /** The entry page, the first of pages.json: uni-h5 knows it as '/'. */
  const entryPath = table[0]?.path
  // A new router is a new app: what an earlier one handed its tab pages is not this one's.
  tabQueries.clear()
  const guards = useCallbacks<NavigationGuard>()
  const hooks = useCallbacks<NavigationHook>()
  const inFlight = new Set<string>()
  /**
   * Marks `key` ('navigateTo /pages/a/a', 'navigateBack 1') as on its way; an identical one already
   * is (a double tap): duplicated.
   */
  function claim(key: string): string {
    if (inFlight.has(key)) throw fail('duplicated', `${key} is already on its way`)
    inFlight.add(key)
    return key
  }

  /** The page whose path (or name) is `value`; else `code`, naming the closest one there is. */
  function find(key: 'path' | 'name', value: string, code: NavigationErrorCode): RouteRecord {
    const record = table.find((page) => page[key] === value)
    if (record) return record
    throw fail(code, `${key} '${value}' is not in pages.json (did you mean '${closest(value, table.map((page) => page[key]))}'?)`)
  }

  /** `handed`: the query a page was handed, not one to send (an outside link's keys are whatever it says). */
  function routeOf(path: string, query: RouteQuery, handed?: boolean): Route {
    // '/' is uni-h5's alias of the entry page (its tab bar sends switchTab with url '/').
    const record = path === '/' ? table[0] : find('path', path, 'not-found')
    const search = encodeQuery(query, !handed)
    // A query sent is read as it was sent, as from a URL: a tab page (the handoff) and an oversize payload get it in
    // memory, so they get a copy, not the caller's own arrays and objects (a reactive form's, which it goes on
    // editing; a page editing its query would edit the caller's). JSON's copy, as the URL's reading is (-0 is 0):
    // encodeQuery has checked every value is JSON. `query` is resolve()'s own copy already: only the values that can
    // be shared (objects, arrays) are copied, which keeps a push of plain values as fast as before (npm run bench).
    if (!handed)
      for (const key in query) {
        const value = query[key]
        if (typeof value == 'object' && value) query[key] = JSON.parse(JSON.stringify(value)) as RouteQuery[string]
        else if (value === 0) query[key] = 0
      }
    // Named one by one, not spread: a spread record made push + back several µs slower (npm run bench).
    return { path: record.path, name: record.name, isTab: record.isTab, query, fullPath: search ? record.path + '?' + search : record.path }
  }

  /** A page's route from its uni route and onLoad options; by default the top page's. */
  function pageRoute(page = topPage(), pageOptions = optionsOf(page)): Route {
    const path = normalizePath('/' + page?.route)
    // A tab page reads the query the router handed it last, from the handoff store: switchTab carries none, so one
    // opened by it has no options, and one opened from a link keeps that link's for good.
    const handed = tabQueries.get(path)
    // Its options as the platform hands them, but the App's first page has them decoded already.
    const decoded = openedOnApp(page) ? false : undefined
    // No options (none, or {}) decode to an empty query.
    return routeOf(path, handed || decodeQuery(pageOptions, decoded), true)
  }

  // Takes anything: push and resolve check their callers' types; a raw call's URL or a guard's answer comes untyped.
  function resolve(raw: unknown): Route {
    const { name, path, query } = (typeof raw === 'string' ? { path: raw } : Object(raw)) as RouteLocationObject
    try {
      if (name != null) return routeOf(find('name', name, 'invalid').path, definedMembers(query))
      if (typeof path === 'string') {
        if (isOutsideUrl(path)) {
          throw fail('invalid', `${path} is not a page of pages.json (a plugin page or a URL): call uni.navigateTo for it`)
        }
        // A query written into the path reads like a URL's: strings, decoded once.
        // Most paths carry none: skip the split.
        // Everything after the first '?' (a value may hold another: redirect=/pages/a/a?id=1).
        const inPath = path.includes('?') && decodeQuery(splitQuery(path.slice(path.indexOf('?') + 1)), true)
        // Only a relative path needs the current page.
        return routeOf(normalizePath(path, path[0] === '/' ? '' : topPage()?.route), { ...inPath, ...definedMembers(query) })
      }
    } catch (error) {
      // e.g. JSON.stringify's TypeError on a cycle, encodeURIComponent's on a lone surrogate
      throw error instanceof NavigationError ? error : fail('invalid', 'query is not JSON: ' + error)
    }
    throw fail('invalid', `cannot navigate to ${raw}: pass a path or { name | path, query }`)
  }

  const home = resolve(options.home || entryPath)
  const currentRoute = shallowRef(home)

  /** Where a navigation starts: currentRoute when it describes the top page (it holds a tab page's handed-off query), else the top page's own route. */
  function fromRoute(): Route {
    const top = topPage()
    try {
      if (top && normalizePath('/' + top.route) !== currentRoute.value.path) return pageRoute(top)
    } catch {
      // a page outside pages.json: the last known route stands in
    }
    return currentRoute.value
  }

  /** Whether a page still open reads the oversize payload `id` (its URL carries the id). */
  const isOpenPayload = (id: string): boolean => pageStack().some((page) => optionsOf(page)?.[HANDOFF_ID] === id)

  /**
   * The uni call that carries out `method` to `to`: switchTab for a tab page, the stack policy for a push.
   * `call`: a raw call that listens on the eventChannel stays a navigateTo, the one call that gives one, and hears at
   * a full stack what uni says, as without the router.
   */
  function uniMethodFor(method: NavigationMethod, to: Route, call?: RawCall): UniMethod {
    if (method === 'reLaunch') return method
    if (to.isTab) return 'switchTab'
    if (call?.listens) return method
    // Mini programs cap the stack; elsewhere it is unlimited unless maxStack is set.
    const mini = isMiniProgram(currentPlatform())
    const maxStack = options.maxStack ?? (mini ? MINI_PROGRAM_MAX_STACK : Infinity)
    // A push still routing counts on a mini program: WeChat lists its page only once it has routed, but counts it
    // toward the limit. uni-h5 lists it at once. One whose page has loaded is listed (a push from that page's onLoad).
    const unlisted = mini ? opening.filter((call) => call.push && !call.listed).length : 0
    if (method === 'redirectTo' || pageStack().length + unlisted < maxStack) return method
    if (options.onStackFull === 'error')
      throw fail('stack-full', `${maxStack} pages are open: use replace() or back(), or onStackFull 'redirect'`)
    return options.onStackFull === 'relaunch' ? 'reLaunch' : 'redirectTo'
  }

  /**
   * Carries out one navigation: guards, the uni call, afterEach. `call`: a raw uni call the
   * interceptors handed over. `resolved`: `raw` already resolved (a guard's redirect).
   * `chain`: the navigation a redirect continues.
   */
  async function navigate(
    method: NavigationMethod,
    raw: unknown,
    call?: RawCall,
    redirects = 0,
    resolved?: Route,
    chain?: Navigation,
  ): Promise<Route> {
    const to = resolved ?? resolve(raw as RouteLocationRaw)
    // uni-h5's tab bar asks for a tab by path alone: the page shows as it is, with the query it was handed, as a mini
    // program's native tab bar shows it.
    const tabBarTap = !resolved && to.isTab && call?.options.from === 'tabBar'
    // Only guards and hooks read `from`: without them the page stack is left unread.
    const from = guards.list().length || hooks.list().length ? fromRoute() : currentRoute.value
    const key = method + ' ' + to.fullPath
    // A redirect continues its navigation; anything else starts a new one, which supersedes any still
    // in its guards. Counted once claimed: a double tap's second call (duplicated) supersedes nothing.
    let navigation: Navigation
    if (chain) navigation = chain
    else {
      // Nothing on its way: no navigation is left to ask about the backs so far.
      if (!inFlight.size) backs.clear()
      claim(key)
      navigation = { id: ++started, keys: [key], route: topPage()?.route, shows }
    }
    let failure: NavigationError | undefined
    let redirected = false
    /** Ends this navigation's turn on the App. */
    let endTurn: (() => void) | undefined
    try {
      // Every target of a redirect chain stays claimed until the chain ends, so a second tap on the same button is
      // duplicated whichever step the first has reached. Claimed in here, so afterEach hears when another holds it.
      if (chain && !chain.keys.includes(key)) {
        claim(key)
        chain.keys.push(key)
      }
      // Without guards nothing is awaited here. true, undefined and null say "go on".
      for (const guard of guards.list()) {
        let answer: GuardResult
        try {
          answer = await guard(to, from)
        } catch (error) {
          // A bug in a guard, not its "no": said on the console too, since callers (and a raw uni call) take aborted quietly.
          console.error('navi-kit: a beforeEach guard threw', error)
          throw new NavigationError('aborted', 'a beforeEach guard threw: ' + error, { cause: error })
        }
        // As in vue-router: the last navigation asked for wins, not the one whose guards finish last.
        if (superseded(navigation)) throw fail('aborted', `${to.fullPath} was superseded by a newer navigation`)
        if (answer === false) throw fail('aborted', `a beforeEach guard stopped ${to.fullPath}`)
        if (answer != null && answer !== true) {
          if (redirects >= MAX_REDIRECTS) throw fail('invalid', `guards redirect in a loop (at ${to.fullPath})`)
          // Resolved here, so a redirect to a page that does not exist fails this navigation, and afterEach hears it.
          const next = resolve(answer as RouteLocationRaw)
          redirected = true
          return await navigate(method, answer, call, redirects + 1, next, navigation)
        }
      }
      // A back() still leaving its page: uni-h5 would pop this navigation's page with it.
      if (departing) await departing
      if (currentPlatform() === 'h5' && !loadedPages.has(to.path)) {
        const loaded = await loadPage(to.path === entryPath ? '/' : to.path)
        // uni would not stop these: a raw call that made them hears fail (errMsg), unlike a guard's "no".
        const stopped = (why: string) => fail('aborted', why, `${method}:fail ${why}`)
        if (loaded === 'left') throw stopped(`the browser went back while ${to.fullPath} loaded`)
        // Loaded once, loaded for good.
        if (loaded === 'loaded') loadedPages.add(to.path)
        if (superseded(navigation)) throw stopped(`${to.fullPath} was superseded by a newer navigation`)
      }
      if (currentPlatform() === 'app') {
        const turn = appTurn()
        endTurn = turn.end
        if (turn.wait) await turn.wait
        // The user may have gone elsewhere meanwhile (the back key); the navigations asked for meanwhile follow it.
        if (superseded(navigation, true)) throw fail('aborted', `${to.fullPath} was superseded by a newer navigation`)
      }
      const uniMethod = uniMethodFor(method, to, call)
      const { events, animation } = Object(raw) as RouteLocationObject
      // Tab pages die on reLaunch: what was waiting for them is stale.
      if (uniMethod === 'reLaunch') tabQueries.clear(), tabUrls.clear()
      const handedOff = tabQueries.get(to.path)
      // The tab page on screen: uni shows it again without an onShow.
      const onScreen = uniMethod === 'switchTab' && '/' + topPage()?.route === to.path
      const asWritten = call && !redirects && typeof raw === 'string'
      let url = to.fullPath
      // switchTab takes no query, and uni's docs allow none on a reLaunch to a tab page: it waits in the handoff.
      if (uniMethod === 'switchTab' || (to.isTab && !asWritten)) url = to.path
      // A raw call keeps its own query text, so a page that reads its onLoad options gets what was sent.
      else if (asWritten) url = to.path + (raw.includes('?') ? raw.slice(raw.indexOf('?')) : '')
      // queryLimit counts the encoded query, without its '?'.
      else if (url.length - to.path.length - 1 > (options.queryLimit ?? DEFAULT_QUERY_LIMIT)) url = `${to.path}?${HANDOFF_ID}=${putPayload(to.query, isOpenPayload)}`
      // (A raw reLaunch's query rides in its URL, as uni parses it.)
      if (to.isTab && !tabBarTap && url === to.path) tabQueries.set(to.path, to.query)
      router.pending = to
      const mark = shows
      const turn = callingUni()
      // Only the options given: uni copies this object on every call.
      const uniOptions: UniCallOptions = { ...call?.options, url }
      if (events) uniOptions.events = events
      if (animation) Object.assign(uniOptions, { animationType: animation.type, animationDuration: animation.duration })
      // uni-h5 switches to an open tab page only by the very URL it was opened at, and strips a switchTab's query
      // unless openType is 'appLaunch' (its own launch): a tab page opened from a link with a query would be opened
      // again, empty, by a switchTab, the first left behind. Given back its URL, it is shown as it is. Not the entry
      // page: uni-h5 writes it '/', which alone always finds it.
      const opened = uniMethod === 'switchTab' && to.path !== entryPath && tabUrls.get(to.path)
      if (opened && opened !== url && keptByUniH5(opened)) Object.assign(uniOptions, { url: opened, openType: 'appLaunch' })
      let result: UniCallbackResult
      // A redirectTo or reLaunch too, though it adds no page: its page may load while a push to the same page is on
      // its way (WeChat carries them out in order), and must not be taken for the push's. (A tab page is never pushed.)
      const opens = uniMethod !== 'switchTab' && { path: to.path, push: uniMethod === 'navigateTo', listed: false }
      if (opens) opening.push(opens)
      try {
        result = await callUni(uniMethod, uniOptions)
      } catch (error) {
        // The tab page did not open: it keeps what it was handed before.
        if (to.isTab) handedOff ? tabQueries.set(to.path, handedOff) : tabQueries.delete(to.path)
        throw error
      } finally {
        if (opens) opening.splice(opening.indexOf(opens), 1)
      }
      if (call) call.result = result
      // The tab page on screen gets no onShow from uni: it is handed its query here.
      if (onScreen) shownAgain.get(to.path)?.()
      // uni-h5 answers once the URL has changed. A page whose code is still loading sets up later, with whatever
      // route is current by then: a navigation right after this one would give it its own URL and query. So this
      // one ends when its page shows (the router's onShow below), as vue-router waits for a lazy page's code, or
      // when another uni call starts.
      // Only once the router's onShow has heard a page (else none would end the wait).
      else if (shows && !shownSince(to.path, mark) && currentPlatform() === 'h5') {
        let waiter!: { path: string; done: () => void }
        await new Promise<void>((done) => {
          waiters.add((waiter = { path: to.path, done }))
          setTimeout(done, ARRIVE_MS)
        })
        waiters.delete(waiter)
        // Not shown (still loading, or left already): not where the app is; its onShow will say when it is.
        if (!shownSince(to.path, mark)) return to
      }
      // Only the latest uni call says where the app is. A raw call's own query text reaches its page as the platform
      // parses it (uni-h5: '+' is a space, a repeated key joins): what the page reads is the route. (A switchTab
      // carries no text: its query went by the handoff, and `to` holds it.)
      // A tab page shown by the tab bar has said so in its onShow, with its query. The App's tab bar asks for the tab
      // on screen too (uni-h5's does not), which stays as it is, query and all: its route stands.
      if (turn === uniCalls && !(tabBarTap && (onScreen || shownSince(to.path, mark))))
        currentRoute.value = asWritten && uniMethod !== 'switchTab' ? pageRoute() : to
      return to
    } catch (error) {
      // Every failure is a NavigationError; anything else (a tab page's own code run on its new query) aborts.
      throw (failure = error instanceof NavigationError ? error : new NavigationError('aborted', 'navigation failed: ' + error, { cause: error }))
    } finally {
      endTurn?.()
      if (!chain) for (const claimed of navigation.keys) inFlight.delete(claimed)
      if (router.pending === to) router.pending = undefined
      // A redirect chain is one navigation: its last step reports it.
      if (!redirected) report(hooks.list(), to, from, failure)
    }
  }

  let installs = 0
  /** Navigations started so far: the id of the newest. */
  let started = 0
  /** Settles once the page the running back() leaves is gone. */
  let departing: Promise<unknown> | undefined
  /** The pages whose code is loaded (H5). */
  const loadedPages = new Set<string>()
  /** H5: the URL each open page was opened at, by path (switchTab reads a tab page's). */
  const tabUrls = new Map<string, string>()
  /** The last page shown by no router call, and when (the `shows` count). */
  let strayShow = { at: 0, route: undefined as string | undefined }
  /** The backs among them, by id: true, or false once it left no page after all (it supersedes nothing). */
  const backs = new Map<number, boolean>()
  /**
   * Whether a newer navigation (`byBack`: a back only), or the user going to another page, has taken over from
   * `navigation`.
   */
  function superseded(navigation: Navigation, byBack?: boolean): boolean {
    for (let id = navigation.id + 1; id <= started; id++) if (backs.get(id) ?? !byBack) return true
    return strayShow.at > navigation.shows && strayShow.route !== navigation.route
  }
  /** The page that showed last. */
  let lastShown: PageRecord | undefined
  /** Pages shown so far, and when (that count) each path showed last. */
  let shows = 0
  const shownAt = new Map<string, number>()
  const shownSince = (path: string, mark: number) => (shownAt.get(path) ?? 0) > mark
  /** The navigations waiting for their page to show. */
  const waiters = new Set<{ path: string; done: () => void }>()
  /**
   * The router's uni calls that open a page, not answered yet, in the order made: a navigateTo's (`push`) page is about
   * to join the stack, or (`listed`, its page loaded) just joined.
   */
  const opening: { path: string; push: boolean; listed: boolean }[] = []
  /** The App: the turn of the router's last navigation there, until it ends (uni has answered it); see appTurn. */
  let lastTurn: Promise<void> | undefined
  /**
   * uni-app-plus carries out one navigation at a time (its navigate()): one asked for while another waits for its
   * page's webview is dropped with a console error, answered neither ok nor fail, so it would never end and its target
   * would stay claimed for good. So on the App the router makes one such call at a time: each waits for the one before
   * to be answered (at most ARRIVE_MS: one uni never answers holds up none after it). Returns that wait (none when
   * nothing is on its way: the call goes out at once, as without the router) and the end of this turn.
   */
  function appTurn(): { wait?: Promise<void>; end: () => void } {
    const before = lastTurn
    let end!: () => void
    const turn = (lastTurn = new Promise<void>((done) => (end = done)))
    void turn.then(() => lastTurn === turn && (lastTurn = undefined))
    const wait =
      before &&
      new Promise<void>((go) => {
        const timer = setTimeout(go, ARRIVE_MS)
        void before.then(() => (clearTimeout(timer), go()))
      })
    return { wait, end }
  }
  /** uni calls made so far; a new one ends every wait for a page. */
  let uniCalls = 0
  function callingUni(): number {
    for (const waiter of waiters) waiter.done()
    return ++uniCalls
  }
  /**
   * A raw uni.navigateBack (page code, `<navigator open-type="navigateBack">`, the App's back key) is on its way: as
   * with back(), a navigation after it waits until the page has left (uni-h5 pops it on popstate; WeChat and the App
   * pop, then answer), and one still in its guards is superseded. Returns what to call with uni's answer (`ok`): a
   * back that left no page supersedes nothing after all, and ends that wait. uni-h5 fails one the page's
   * onBackPress refuses; the App answers it ok, the page still there (a popup the page closes on the back key, or
   * the first page's "press again to quit").
   */
  function wentBack(): (ok: boolean | undefined) => void {
    const id = startBack()
    const top = topPage()
    let answered = () => {}
    const answer = new Promise<void>((done) => (answered = done))
    const popped = pageLeft()
    // Not only on H5: a push right after the back (nothing awaited) is decided while the page leaving is still in
    // the stack, and at a full one it would redirect over the page the back shows (WeChat carries them out in order).
    // At most LEAVE_MS: an answer that never comes (another plugin's interceptor cancelling the call, which the
    // interceptor sees at once but for one an interceptor before navi-kit's cancels) holds none up longer.
    departUntil(Promise.race([popped ?? new Promise<void>((done) => setTimeout(done, LEAVE_MS)), answer]))
    // uni answers a call once (ok or fail), and only one that went ahead: `undefined` (not gone ahead, see
    // interceptRawCalls) comes before any, and is followed by none if the call was cancelled, by a late one if a
    // Promise held it.
    return (ok) => {
      // uni-h5 answers ok before it pops the page: its popstate ends the wait. A late ok left a page after all: it
      // supersedes again. (Once the backs are cleared, no navigation still on its way is older than this one.)
      if (ok && !keptOnApp(top)) return void (backs.set(id, true), popped || answered())
      // Refused, or not gone ahead: it left no page (so far), and supersedes nothing still in its guards.
      answered()
      stayed(id)
    }
  }
  /** A back starts: a navigation (its id returned) that supersedes those before it, unless it leaves no page. */
  function startBack(): number {
    const id = ++started
    backs.set(id, true)
    return id
  }
  /**
   * Whether a back uni answered ok left no page after all: only the App answers ok one the page's onBackPress keeps,
   * and it pops before it answers, so the page `top` before it still on top is none left. Not so elsewhere: WeChat
   * routes a push a task late, and a back right after it closes that page, leaving the same page on top.
   */
  const keptOnApp = (top: PageRecord | undefined) => currentPlatform() === 'app' && topPage() === top
  /** A back (navigation `id`) that left no page supersedes nothing. */
  const stayed = (id: number) => void backs.set(id, false)
  /** A back is leaving its page until `left` settles: navigations wait for it (unless a newer back took over). */
  function departUntil(left: Promise<unknown>): void {
    const gone = (departing = left.then(() => {}, () => {}))
    void gone.then(() => departing === gone && (departing = undefined))
  }
  /** A page loads (before its own onLoad): it is where the app is, with the options it was opened with. */
  function loaded(page: PageInstance, pageOptions?: Record<string, string | undefined>): void {
    const own = ownRecord(page)
    // Not an nvue page the App's uni.preloadPage sets up: it runs the page's onLoad there and then, but not its onShow
    // (uni-app-plus initHooks, openType 'preloadPage'), and lists it only once a call opens it, which shows it.
    if (!own || own.openType === 'preloadPage') return
    const path = '/' + own.route
    // The call that opened it is the first on its way to it: WeChat carries them out in the order made. A push's page
    // is listed now.
    const call = opening.find((call) => call.path === path && !call.listed)
    if (call) call.listed = true
    try {
      currentRoute.value = pageRoute(own, pageOptions)
    } catch {
      // a page outside pages.json: the last known route stands
    }
  }
  /** A page shows (before its own onShow). */
  function shown(page: PageInstance): void {
    const own = ownRecord(page)
    if (own) {
      const path = '/' + own.route
      shownAt.set(path, ++shows)
      for (const waiter of waiters) if (waiter.path === path) waiter.done()
      // Another page, shown by no uni call of the router's (the system back button, the browser's back, a native
      // tab bar): the user went elsewhere, which supersedes a navigation still in its guards made on another page,
      // as a newer one does. Not one this page makes in its own onShow (after this hook), nor the same page shown
      // again (the app back from the background).
      if (lastShown && own !== lastShown && !router.pending && !departing) strayShow = { at: shows, route: own.route }
      lastShown = own
      // uni-h5's page record knows the URL it was opened at (a mini program's does not, and takes no query).
      if (currentPlatform() === 'h5' && typeof own.fullPath == 'string') tabUrls.set(path, own.fullPath)
    }
    // A page that keeps its own route (useRoute) is where that route says, a tab page's handed-off query and all.
    const keptShow = keptShows.get(page)
    if (keptShow) return keptShow()
    try {
      // The page's own record, not the top of getCurrentPages(): a browser back while the page left is still
      // loading makes uni-h5 drop the page shown from that list.
      currentRoute.value = pageRoute(own)
    } catch {
      // a page outside pages.json (or no page yet): the last known route stands
    }
  }
  const router: RouterInternals = {
    currentRoute,
    resolve,
    pageRoute,
    push: (to) => navigate('navigateTo', to),
    replace: (to) => navigate('redirectTo', to),
    relaunch: (to) => navigate('reLaunch', to),
    async back(delta = 1) {
      if (!Number.isInteger(delta) || delta < 1) throw fail('invalid', `back(${delta}): delta must be a whole number, 1 or more`)
      const stack = pageStack()
      const below = stack[stack.length - 1 - delta]
      // Opened from a share card or refreshed on H5: nothing to go back to, so go home (with its query).
      if (!below) return void (await navigate('reLaunch', home.fullPath))
      // A double tap on a back button closes one page, not two: claimed until the page is gone.
      const key = claim('navigateBack ' + delta)
      // Once claimed, a back supersedes a push still in its guards, as a newer navigation does (if a page leaves).
      const id = startBack()
      const top = stack[stack.length - 1]
      // A page outside pages.json has no route: go back all the same; its onShow says where we are.
      const routeIfKnown = (page: PageRecord | undefined) => {
        try {
          return pageRoute(page)
        } catch {
          return undefined
        }
      }
      let target = routeIfKnown(below)
      const before = currentRoute.value
      // Listening before the call: the popstate must not slip by.
      const popped = pageLeft()
      callingUni()
      const answered = callUni('navigateBack', { delta })
      departUntil(answered.then(() => popped))
      let failure: NavigationError | undefined
      try {
        await answered
        await popped
        if (keptOnApp(top)) stayed(id)
        // Where the app is now: a push still on its way at the tap (WeChat routes it first) lands above the page
        // that was below, and the back closes that one instead.
        target = routeIfKnown(topPage())
        // The page's own onShow may have set it already, with the query it was handed: that one stands, and is the
        // `to` afterEach hears. (A tab page's handed query came by the handoff, taken when it showed first: its
        // options lack it, so its route read anew from them says the bare path.)
        if (target && currentRoute.value === before) currentRoute.value = target
        else if (target?.path === currentRoute.value.path) target = currentRoute.value
      } catch (error) {
        failure = error as NavigationError
        stayed(id)
        // The page kept itself open (an "unsaved changes" prompt in its onBackPress): its "no", as a guard's.
        if (failure.errMsg?.endsWith('fail onBackPress'))
          failure = fail('aborted', "the page's onBackPress kept it open", failure.errMsg)
        throw failure
      } finally {
        inFlight.delete(key)
        // Guards cannot stop a back (the system back button never asks), but afterEach hears it, as a push's
        // hooks do: with currentRoute already where the navigation went.
        if (target) report(hooks.list(), target, before, failure)
      }
    },
    beforeEach: guards.add,
    afterEach: hooks.add,
    install(app) {
      setActiveRouter(router)
      // One set of interceptors however many apps use the router.
      if (!installs++) interceptRawCalls(navigate, wentBack)
      // The system back button, the H5 browser's back and a native tab-bar tap change
      // the top page without a uni call: every page's onShow brings currentRoute along.
      // uni runs the hooks a page's setup registers (its own onLoad and onShow, useRoute's) before an app mixin's:
      // navi-kit's go first, put in front as the page is created, so the page's own read currentRoute as that page.
      app.mixin({
        beforeCreate(this: PageInstance & { $: object }) {
          if (this.$mpType !== 'page') return
          prependPageHook(this, 'onLoad', (pageOptions?: Record<string, string | undefined>) => loaded(this, pageOptions))
          prependPageHook(this, 'onShow', () => shown(this))
        },
        onUnload(this: PageInstance) {
          const own = this.$mpType === 'page' && ownRecord(this)
          if (!own) return
          const path = '/' + own.route
          // A tab page uni-h5 has closed (a browser back past it) opens anew, at its bare path: the URL of the closed
          // one would hand the new one that URL's old query.
          if (tabUrls.get(path) === own.fullPath) tabUrls.delete(path)
          // What a closed tab page was handed goes with it (WeChat's own reLaunch for a share card on a hot start, the
          // browser's back past it): a tab page that never calls useRoute() never takes its query, and the new one,
          // opened at a URL of its own, would read the old one instead. Not what the navigation closing it hands on
          // (a reLaunch to it).
          if (router.pending?.path !== path) tabQueries.delete(path)
        },
      })
    },
  }
  setActiveRouter(router)
  return router
}
