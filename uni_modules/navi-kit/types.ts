import type { App, Ref } from 'vue'
import type { NavigationError } from './errors'

/** A value that survives JSON: what a route query may hold, type included. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

export type RouteQuery = Record<string, JsonValue>

/**
 * What a location's query may be given: JSON values, where an object's member
 * may be undefined (left out, as JSON.stringify leaves it), so `{ id: maybe?.id }` fits.
 */
export type JsonInput = string | number | boolean | null | JsonInput[] | { [key: string]: JsonInput | undefined }
export type RouteQueryInput = { [key: string]: JsonInput | undefined }

/**
 * `T` checked member by member: JSON stays as it is, a function (a method too) becomes `never`, an object is checked
 * inside, so a Date or a Map fails at its methods. Unlike RouteQueryInput it needs no index signature: a query typed by
 * an interface (`query: item`) fits, as it does at run time.
 */
export type JsonChecked<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends (...args: never[]) => unknown
    ? never
    : T extends readonly (infer Item)[]
      ? readonly JsonChecked<Item>[]
      : T extends object
        ? // A type with no known members (`object`, `{}`) could hold anything: it must be JSON by its index signature.
          [keyof T] extends [never]
          ? RouteQueryInput
          : { [K in keyof T]: JsonChecked<T[K]> }
        : never

/**
 * Route names and paths of this app. Empty here; the build helper
 * (`src/build/`) writes `navi-routes.d.ts`, which augments it from pages.json:
 * `interface RouteNamedMap { detail: '/pages/detail/detail' }`.
 * Augmented, a misspelt name is a type error; empty, any string is accepted.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RouteNamedMap {}

type Known = keyof RouteNamedMap extends never ? false : true
/** A page name from pages.json (typed when navi-routes.d.ts is present). */
export type RouteName = Known extends true ? keyof RouteNamedMap & string : string
/** An absolute page path from pages.json, e.g. '/pages/detail/detail'. */
export type RoutePath = Known extends true ? RouteNamedMap[keyof RouteNamedMap] & string : string

/** A resolved location: what guards, `resolve()` and `useRoute()` give. */
export interface Route {
  /** '/pages/detail/detail': leading '/', no query, subpackage root joined. */
  path: RoutePath
  /** Typed like RouteName, so `to.name === 'detial'` is a type error too. */
  name: RouteName
  query: RouteQuery
  /** path plus the query as navi-kit writes it into the URL. */
  fullPath: string
  isTab: boolean
}

/** What a location object carries besides its name or path; `Q`: its query's own type (an interface fits). */
export interface RouteLocationOptions<Q extends object = RouteQueryInput> {
  query?: Q & JsonChecked<Q>
  /** navigateTo's EventChannel listeners, each typed as the page that emits to it wants. */
  events?: Record<string, (...args: never[]) => void>
  /** App only: uni's animationType / animationDuration. */
  animation?: { type?: string; duration?: number }
}

/** A page by its pages.json name, or by its path (absolute, or relative to the current page's folder as uni resolves it): one of the two. */
export type RouteLocationObject<Q extends object = RouteQueryInput> = RouteLocationOptions<Q> &
  ({ name: RouteName; path?: never } | { path: RoutePath | (string & {}); name?: never })

/** A path string (absolute or relative, query allowed) or a location object. */
export type RouteLocationRaw<Q extends object = RouteQueryInput> = string | RouteLocationObject<Q>

/**
 * What a beforeEach guard may answer: nothing/true go on, false aborts, a location redirects. Not generic in the
 * query (that would cost `new Promise(…)` in a guard its inferred type): a query typed by an interface goes spread,
 * `query: { ...next }`.
 */
export type GuardResult = void | undefined | boolean | RouteLocationRaw
export type NavigationGuard = (to: Route, from: Route) => GuardResult | Promise<GuardResult>
export type NavigationHook = (to: Route, from: Route, failure?: NavigationError) => void

/** The parts of pages.json the router reads. */
export interface PageEntry {
  path: string
  name?: string
}
export interface PagesJson {
  pages?: PageEntry[]
  subPackages?: { root: string; pages?: PageEntry[] }[]
  /** uni also accepts the lower-case spelling. */
  subpackages?: { root: string; pages?: PageEntry[] }[]
  tabBar?: { list?: { pagePath: string }[] }
}

export type StackFullPolicy = 'redirect' | 'relaunch' | 'error'

export interface RouterOptions {
  pages: PagesJson
  /** Where back() goes when there is nothing below; default: the first page of pages.json. */
  home?: string
  /** Default 10 on mini-program platforms (WeChat's limit), unlimited elsewhere. */
  maxStack?: number
  /** What push() does on a full stack; default 'redirect'. */
  onStackFull?: StackFullPolicy
  /** Longest encoded query put in a URL; longer payloads travel in memory. Default 1024. */
  queryLimit?: number
}

export interface Router {
  /** The page on top, reactive. Works without an app. */
  readonly currentRoute: Ref<Route>
  push<Q extends object = RouteQueryInput>(to: RouteLocationRaw<Q>): Promise<Route>
  replace<Q extends object = RouteQueryInput>(to: RouteLocationRaw<Q>): Promise<Route>
  relaunch<Q extends object = RouteQueryInput>(to: RouteLocationRaw<Q>): Promise<Route>
  back(delta?: number): Promise<void>
  /** Throws NavigationError ('not-found' or 'invalid'). */
  resolve<Q extends object = RouteQueryInput>(to: RouteLocationRaw<Q>): Route
  /** Returns a function that removes the guard. */
  beforeEach(guard: NavigationGuard): () => void
  afterEach(hook: NavigationHook): () => void
  /** `app.use(router)`: useRouter/useRoute, and guards for raw uni calls. */
  install(app: App): void
}
