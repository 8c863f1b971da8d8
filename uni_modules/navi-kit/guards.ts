import type { NavigationGuard, Route, RouteLocationRaw } from './types'

/** A list of callbacks where adding one returns the function that removes it (vue-router's useCallbacks). */
export function useCallbacks<T>() {
  const list: T[] = []
  return {
    add(callback: T): () => void {
      list.push(callback)
      return () => {
        const at = list.indexOf(callback)
        if (at > -1) list.splice(at, 1)
      }
    },
    /** A copy, so a guard that unregisters itself does not skip the next one. */
    list: () => list.slice(),
  }
}

/**
 * Runs beforeEach guards one after another. Resolves to `true` (go on),
 * `false` (a guard aborted) or the location a guard redirected to.
 */
export async function runGuards(guards: NavigationGuard[], to: Route, from: Route): Promise<boolean | RouteLocationRaw> {
  for (const guard of guards) {
    const answer = await guard(to, from)
    if (answer === false || (answer != null && answer !== true)) return answer
  }
  return true
}
