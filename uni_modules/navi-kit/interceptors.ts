import type { NavigationError } from './errors'
import { seam, type UniCallOptions, type UniCallbackResult } from './platform'
import type { Route } from './types'

/** Set on navi-kit's own uni calls, so its interceptors let them through. */
export const OWN_CALL = '__naviKit'

export type NavigationKind = 'push' | 'replace' | 'relaunch'

/**
 * Raw calls get router semantics: a tab target goes through switchTab with
 * its query handed off, and the stack policy applies to navigateTo.
 */
const KINDS: Record<string, NavigationKind> = {
  navigateTo: 'push',
  redirectTo: 'replace',
  switchTab: 'push',
  reLaunch: 'relaunch',
}

/**
 * Makes raw `uni.navigateTo/redirectTo/switchTab/reLaunch` calls (and H5/App
 * `<navigator>` taps, which call them) pass the router's guards. uni awaits
 * an interceptor's Promise but cannot be cancelled by one (a Promise of false
 * still navigates), so the hook cancels every raw call synchronously, runs
 * the navigation through the router, and the router re-issues the uni call,
 * marked with OWN_CALL. Mini-program `<navigator>` is native: no interceptor
 * sees it.
 */
export function interceptRawCalls(
  navigate: (kind: NavigationKind, to: unknown, extra: UniCallOptions) => Promise<Route>,
): void {
  for (const method in KINDS)
    seam().uni.addInterceptor(method, {
      invoke(options) {
        if (options[OWN_CALL]) return
        const { url, success, fail, complete, ...extra } = options
        const answer = (callback: typeof success, result: UniCallbackResult) => {
          callback?.(result)
          complete?.(result)
        }
        navigate(KINDS[method], url, extra).then(
          () => answer(success, { errMsg: method + ':ok' }),
          (error: NavigationError) => {
            // uni stays silent when an interceptor cancels a call; so does a guard's "no".
            if (error.code !== 'aborted') answer(fail, { errMsg: error.errMsg ?? `${method}:fail ${error.message}` })
          },
        )
        return false
      },
    })
}
