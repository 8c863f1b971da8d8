import type { NavigationError } from './errors'
import { isOutsideUrl } from './location'
import { navigationApi, type UniCallOptions, type UniCallbackResult } from './platform'
import type { Route } from './types'

/** Set on navi-kit's own uni calls, so its interceptors let them through. */
export const OWN_CALL = '__naviKit'

/** What a navigation asks for, named as uni names it: push, replace, relaunch. */
export type NavigationMethod = 'navigateTo' | 'redirectTo' | 'reLaunch'
/** The uni calls navi-kit makes and intercepts. */
export type UniMethod = NavigationMethod | 'switchTab' | 'navigateBack'

/** A call's callbacks: uni wraps them, and uni-h5 takes them off, as the call goes ahead. */
const CALLBACKS = ['success', 'fail', 'complete'] as const
const callbacksOf = (options: UniCallOptions) => CALLBACKS.map((name) => options[name])
const stillHolds = (options: UniCallOptions, before: unknown[]) => CALLBACKS.every((name, i) => options[name] === before[i])

/**
 * navi-kit's own calls as uni's invoke hooks saw them (a copy of the caller's options: uni-api's promisify), with
 * their callbacks as navi-kit's invoke saw them, by the call's own OWN_CALL token (a new object each call, copied with
 * the options), so a call made within another keeps its own. Not by its `fail`: uni's queue hands every invoke hook
 * the same copy, and one before navi-kit's may put its own wrapper in place of the fail (an error reporter).
 */
const copies = new WeakMap<object, { copy: UniCallOptions; callbacks: unknown[] }>()
const witness = (options: UniCallOptions) => {
  const token = options[OWN_CALL]
  if (typeof token == 'object' && token) copies.set(token, { copy: options, callbacks: callbacksOf(options) })
}

/** How many calls of each method navi-kit's returnValue hooks have seen: uni runs them as each call returns. */
const returns: Partial<Record<UniMethod, number>> = {}
const returned = (method: UniMethod) => (returns[method] = (returns[method] ?? 0) + 1)

/**
 * Makes navi-kit's own uni call `options` (by `call`) and tells whether uni goes ahead with it. Another interceptor
 * whose invoke returns false cancels it, and uni then answers it never: the router would wait for good, its target
 * claimed. uni-api's invokeApi (every runtime's) hands the copy its invoke hooks saw to the API only once every hook
 * has let it through, wrapping the copy's callbacks in the interceptors' hooks (wrapperOptions; uni-h5 then takes them
 * off it); while an invoke's Promise holds the call, uni hands back a Promise; when one cancels it, nothing. Where
 * navi-kit's hooks are not on the method (never installed, or the app's `uni.removeInterceptor(method)` took every
 * hook off it: then navi-kit's returnValue does not run either) it cannot see the copy: it takes the call as made.
 */
export function goesAhead(method: UniMethod, options: UniCallOptions, call: () => unknown): boolean {
  const before = returns[method]
  const token = {}
  options[OWN_CALL] = token
  const handedBack = call()
  const seen = copies.get(token)
  return (
    returns[method] === before ||
    (!!seen && !stillHolds(seen.copy, seen.callbacks)) ||
    typeof (handedBack as PromiseLike<unknown> | undefined)?.then == 'function'
  )
}

/** A raw uni call handed to the router: the caller's other options, and what uni answered the re-issued call. */
export interface RawCall {
  options: UniCallOptions
  result?: UniCallbackResult
  /**
   * The caller listens on the eventChannel (`events`), which only a navigateTo gives. (A `success` tells nothing: uni
   * hands one to every call made without callbacks, a `<navigator>` tap's included, for its Promise.)
   */
  listens?: boolean
}

/**
 * Makes raw `uni.navigateTo/redirectTo/switchTab/reLaunch` calls (and H5/App
 * `<navigator>` taps, which call them) pass the router's guards. uni awaits
 * an interceptor's Promise but a Promise cannot cancel cleanly (its value
 * becomes the options: false navigates with none, or, once an interceptor has
 * a success/fail hook, throws within uni and the call is lost), so the hook
 * cancels every raw call synchronously, runs
 * it through the router, and the router re-issues the uni call marked with
 * OWN_CALL, with the caller's own query text. What uni answers the re-issued
 * call (a navigateTo's eventChannel) goes back to the caller's `success`.
 * A mini program's `<navigator>` is native: no interceptor sees it. URLs with a
 * scheme (WeChat plugin pages) go to uni untouched: they are not in pages.json.
 */
export function interceptRawCalls(
  navigate: (method: NavigationMethod, to: unknown, call: RawCall) => Promise<Route>,
  wentBack: () => (ok: boolean | undefined) => void,
): void {
  /** Tells the router what uni answered each raw navigateBack, by its options (uni hands a hook the call's own). */
  const answers = new WeakMap<object, (ok: boolean | undefined) => void>()
  /**
   * Whether the page's onBackPress has just refused a navigateBack (see returnValue). uni refuses within the call, so
   * the next navigateBack returnValue is that call's: one made within it (the page's onBackPress may make its own)
   * returns before it is refused. Any call navi-kit's invoke sees starts afresh, so a refusal never outlives its call.
   */
  let refused = false
  // A raw navigateBack passes no guards (the system back button asks none either) and goes out as it is; the router
  // only hears of it, so what comes next is not undone by it.
  navigationApi().addInterceptor('navigateBack', {
    invoke(options) {
      refused = false
      if (options[OWN_CALL]) return void witness(options)
      const answer = wentBack()
      answers.set(options, answer)
      // A hook after this one may cancel the call: uni then answers it never, and the router would wait for that
      // answer. One uni goes ahead with has its fail wrapped by the end of this task (uni-h5 then takes every callback
      // off it; see goesAhead): within the call, or in the then of a hook's Promise that is already settled (`async
      // invoke(o) { return o }`, `Promise.resolve(o)`), which runs after a queueMicrotask queued here, so the look is
      // a task later. One that a Promise holds longer (a dialog) is not waited for.
      const callbacks = callbacksOf(options)
      setTimeout(() => stillHolds(options, callbacks) && answer(undefined))
    },
    // Whether a page left: uni-h5 fails a back the page's onBackPress refuses; the App answers it ok, page and all.
    success(_result, options) {
      if (options) answers.get(options)?.(true)
    },
    fail({ errMsg } = {}, options) {
      if (options) answers.get(options)?.(false)
      if (errMsg?.endsWith('fail onBackPress')) refused = true
    },
    // The page's own "no" (an "unsaved changes" prompt) is no error to report, as a guard's is not: uni-h5's
    // <navigator open-type="navigateBack"> calls navigateBack without callbacks (before uni 5.01, which passes a fail
    // that logs), and nobody handles the Promise it refuses. uni-h5 refuses within the call, before it hands back that Promise: it is marked handled here, and
    // code that awaits it still hears the refusal. Any other failure is left as uni leaves it.
    returnValue(value) {
      returned('navigateBack')
      if (refused) (value as Promise<unknown> | undefined)?.catch?.(() => {})
      refused = false
    },
  })
  for (const method of ['navigateTo', 'redirectTo', 'switchTab', 'reLaunch'] as const)
    navigationApi().addInterceptor(method, {
      invoke(options) {
        if (options[OWN_CALL]) return void witness(options)
        // A plugin page (plugin-private://…) is none of pages.json: uni opens it, unguarded.
        if (typeof options.url === 'string' && isOutsideUrl(options.url)) return
        const { url, success, fail, complete, ...extra } = options
        const call: RawCall = { options: extra, listens: !!extra.events }
        const answer = (callback: typeof success, result: UniCallbackResult) => {
          callback?.(result)
          complete?.(result)
        }
        // A raw switchTab is a push: the router picks switchTab for a tab page (and the
        // stack policy for any other), handing the tab its query.
        navigate(method === 'switchTab' ? 'navigateTo' : method, url, call).then(
          () => answer(success, { ...call.result, errMsg: method + ':ok' }),
          // uni stays silent when an interceptor cancels a call; so does a guard's "no" (an abort with no errMsg), and
          // so does a double tap's second call (duplicated): a <navigator> tap's Promise, which nobody awaits, must not
          // reject. An abort the caller hears is named by the caller's method (a raw switchTab is carried out as a push).
          (error: NavigationError) =>
            error.code !== 'duplicated' &&
            (error.code !== 'aborted' || error.errMsg) &&
            answer(fail, { errMsg: (error.code !== 'aborted' && error.errMsg) || `${method}:fail ${error.message}` }),
        )
        return false
      },
      // Nothing to do but be there: uni wraps a call's fail in it once the call goes ahead (see goesAhead).
      fail() {},
      // That navi-kit's hooks are still on the method (see goesAhead).
      returnValue() {
        returned(method)
      },
    })
}
