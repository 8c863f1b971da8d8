/**
 * A list of callbacks where adding one returns the function that removes it
 * (vue-router's useCallbacks). Copy on write: `list()` hands out the current
 * array without copying it, and a navigation keeps the array it started
 * with, so a guard that removes itself does not make the next one skipped.
 */
export function useCallbacks<T>() {
  let list: readonly T[] = []
  return {
    add(callback: T): () => void {
      list = [...list, callback]
      return () => {
        const at = list.indexOf(callback)
        // Removing twice removes nothing more.
        if (at >= 0) list = list.filter((_, index) => index !== at)
      }
    },
    list: () => list,
  }
}
