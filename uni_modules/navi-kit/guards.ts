/**
 * A list of callbacks where adding one returns the function that removes it
 * (vue-router's useCallbacks). `list()` is a copy, so a guard that removes
 * itself does not make the next one skipped.
 */
export function useCallbacks<T>() {
  const list: T[] = []
  return {
    // -1 >>> 0 is past the end: removing twice removes nothing.
    add: (callback: T) => (list.push(callback), () => void list.splice(list.indexOf(callback) >>> 0, 1)),
    list: () => list.slice(),
  }
}
