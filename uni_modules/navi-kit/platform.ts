/**
 * The one seam between navi-kit and the platform. Nothing else in the plugin
 * touches `uni`, `plus`, `location`, `navigator`, `fetch` or `getCurrentPages`.
 *
 * Why every `uni.xxx` is spelled out as a member call: on H5 the uni compiler
 * rewrites `uni.navigateTo` into an import from the uni-h5 runtime (tree
 * shaking) and leaves `window.uni` empty, so holding `uni` in a variable and
 * calling through it would fail in a production H5 build. Each call is made
 * at call time, so tests can install globals late or override any part with
 * `setPlatformSeam`.
 */

/** What uni hands to `success` / `fail`. */
export interface UniCallbackResult {
  errMsg?: string
  [key: string]: unknown
}

/** The options object of uni's callback-style APIs. */
export interface UniCallOptions {
  success?: (result: UniCallbackResult) => void
  fail?: (result: UniCallbackResult) => void
  complete?: (result: UniCallbackResult) => void
  [key: string]: unknown
}

/** An interceptor as `uni.addInterceptor` takes it. */
export interface UniInterceptor {
  invoke?: (options: UniCallOptions) => unknown
  /** `options`: the call's own, as its invoke saw them. */
  success?: (result: UniCallbackResult, options?: UniCallOptions) => unknown
  fail?: (result: UniCallbackResult, options?: UniCallOptions) => unknown
  complete?: (result: UniCallbackResult, options?: UniCallOptions) => unknown
  returnValue?: (value: unknown) => unknown
}

/** A page as `getCurrentPages()` lists it (the parts navi-kit reads). */
export interface PageRecord {
  route?: string
  options?: Record<string, string | undefined>
  /** uni-h5's and the App's record of the page (`id`: on the App its webview's). */
  $page?: { fullPath?: string; path?: string; route?: string; options?: Record<string, string | undefined>; id?: number }
  $vm?: unknown
  [key: string]: unknown
}

/** A page's component instance, as uni marks it before the page's own setup runs. */
export interface PageInstance {
  $mpType?: string
  /** The mini program's page (uni-mp), with `route`; its `options` come with onLoad. */
  $scope?: PageRecord
  /** uni-h5's (and the App's) record of the page, with `route` and the decoded `options`. */
  $page?: PageRecord
}

/**
 * A page instance's own record: on a mini program its WeChat page, on H5 (and the App) uni's `$page`, both set
 * before the page's setup; `$`-named, so no field of the page's own shadows them. None when uni set neither.
 */
export const ownRecord = (page: PageInstance): PageRecord | undefined =>
  page.$scope?.route ? page.$scope : page.$page?.route ? page.$page : undefined

/** The uni calls navi-kit makes, named as uni names them. */
export interface UniApi {
  // What uni hands back: with callbacks, nothing once the call is made, a Promise while an interceptor's Promise holds
  // it (see interceptors.ts: goesAhead).
  navigateTo(options: UniCallOptions): unknown
  redirectTo(options: UniCallOptions): unknown
  switchTab(options: UniCallOptions): unknown
  reLaunch(options: UniCallOptions): unknown
  navigateBack(options: UniCallOptions): unknown
  /**
   * H5: loads a page's code ahead; `complete` whatever the outcome. (The App's preloads an nvue page only, setting the
   * page up there and then, its onLoad included; a vue page it refuses: not for the router there.)
   */
  preloadPage?(options: UniCallOptions): void
  addInterceptor(method: string, interceptor: UniInterceptor): void
  removeInterceptor(method: string, interceptor?: UniInterceptor): void
  navigateToMiniProgram(options: UniCallOptions): void
  navigateBackMiniProgram(options: UniCallOptions): void
  /** mp-weixin only; `undefined` where the platform has no half-screen open. */
  openEmbeddedMiniProgram: ((options: UniCallOptions) => void) | undefined
}

/** The parts of HTML5+ (`plus`, App only) the launcher uses. */
export interface PlusShareService {
  id: string
  nativeClient?: boolean
  launchMiniProgram(
    options: { id: string; path?: string; type?: number; webUrl?: string },
    success?: () => void,
    error?: (e: { code?: number; message?: string }) => void,
  ): void
}
export interface PlusApi {
  share: {
    getServices(
      success: (services: PlusShareService[]) => void,
      error?: (e: { code?: number; message?: string }) => void,
    ): void
  }
  runtime: {
    openURL(url: string, error?: (e: { code?: number; message?: string }) => void, identity?: string): void
  }
}

/** The parts of `window.location` the launcher uses. */
export interface LocationLike {
  href: string
}

/** A minimal fetch-shaped request, so the link client runs on H5 and in tests. */
export interface SeamResponse {
  status: number
  json(): Promise<unknown>
}
export type RequestFn = (
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
) => Promise<SeamResponse>

export interface PlatformSeam {
  /** uni's platform id: 'h5', 'app', 'mp-weixin', 'mp-alipay', … */
  platform(): string
  uni: UniApi
  getCurrentPages(): PageRecord[]
  plus(): PlusApi | undefined
  location(): LocationLike | undefined
  userAgent(): string
  /** Whether the document is hidden (the user left for another app). */
  documentHidden(): boolean
  /**
   * Calls `listener` each time the page goes hidden (`visibilitychange` to
   * hidden, or `pagehide`); returns the unsubscribe. Mobile browsers run no
   * timers in a hidden tab, so polling documentHidden() can miss a hand-over.
   */
  onPageHide(listener: () => void): () => void
  request: RequestFn
  /** setTimeout, so tests can drive time. */
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

type GlobalBag = Record<string, unknown>
const globals = (): GlobalBag => globalThis as unknown as GlobalBag

/** The uni calls the router makes. */
export type NavigationApi = Pick<
  UniApi,
  'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack' | 'preloadPage' | 'addInterceptor'
>

// Each default is its own declaration, so a bundle that imports only the
// router carries none of the launcher's (request, plus, location, …).

/**
 * uni's compiler writes UNI_PLATFORM in as a literal. Declared here for the
 * module alone, so an app needs no @types/node to type-check the plugin.
 */
declare const process: { env: { UNI_PLATFORM?: string } }

const defaultPlatform = () => process.env.UNI_PLATFORM ?? 'h5'
const defaultCurrentPages = () => getCurrentPages() as unknown as PageRecord[]

const defaultNavigationApi: NavigationApi = {
  navigateTo: (o) => uni.navigateTo(o as unknown as UniNamespace.NavigateToOptions),
  redirectTo: (o) => uni.redirectTo(o as unknown as UniNamespace.RedirectToOptions),
  switchTab: (o) => uni.switchTab(o as unknown as UniNamespace.SwitchTabOptions),
  reLaunch: (o) => uni.reLaunch(o as unknown as UniNamespace.ReLaunchOptions),
  navigateBack: (o) => uni.navigateBack(o as unknown as UniNamespace.NavigateBackOptions),
  // Not in every uni build (nor in uni's types): without it, nothing is loaded ahead.
  preloadPage: (o) => {
    const preload = (uni as unknown as Partial<Pick<UniApi, 'preloadPage'>>).preloadPage
    preload ? preload(o) : o.complete?.({})
  },
  addInterceptor: (m, i) => uni.addInterceptor(m, i as UniNamespace.InterceptorOptions),
}

/** The rest of the seam's uni calls (the router removes no interceptor). */
const launcherApi: Omit<UniApi, keyof NavigationApi> = {
  // uni's types omit the second argument, which the runtime accepts: it removes
  // just that interceptor instead of every one on the method.
  removeInterceptor: (m, i) =>
    (uni.removeInterceptor as (m: string, i?: UniInterceptor) => void)(m, i),
  navigateToMiniProgram: (o) =>
    uni.navigateToMiniProgram(o as unknown as UniNamespace.NavigateToMiniProgramOptions),
  navigateBackMiniProgram: (o) =>
    uni.navigateBackMiniProgram(o as unknown as UniNamespace.NavigateBackMiniProgramOptions),
  get openEmbeddedMiniProgram() {
    const open = (uni as unknown as GlobalBag).openEmbeddedMiniProgram
    return typeof open === 'function'
      ? (o: UniCallOptions) => (open as (o: UniCallOptions) => void).call(uni, o)
      : undefined
  },
}

// Object.assign keeps the getter above live (a spread would read it once);
// marked pure so that a bundle without the launcher drops both objects.
const defaultUni: UniApi = /* @__PURE__ */ Object.assign(launcherApi, defaultNavigationApi)

const defaultSeam: PlatformSeam = {
  platform: defaultPlatform,
  uni: defaultUni,
  getCurrentPages: defaultCurrentPages,
  plus: () => globals().plus as PlusApi | undefined,
  location: () => globals().location as LocationLike | undefined,
  userAgent: () => {
    const nav = globals().navigator as { userAgent?: string } | undefined
    return nav?.userAgent ?? ''
  },
  documentHidden: () => {
    const doc = globals().document as { hidden?: boolean } | undefined
    return doc?.hidden === true
  },
  onPageHide: (listener) => {
    const doc = globals().document as Document | undefined
    // Mini programs and the App have no document: nothing to hear.
    if (!doc) return () => {}
    const onChange = () => doc.hidden && listener()
    doc.addEventListener('visibilitychange', onChange)
    addEventListener('pagehide', listener)
    return () => {
      doc.removeEventListener('visibilitychange', onChange)
      removeEventListener('pagehide', listener)
    }
  },
  request: (url, init) => {
    const fetchFn = globals().fetch as RequestFn | undefined
    if (fetchFn) return fetchFn(url, init)
    // Mini programs and the App have no fetch: go through uni.request.
    return new Promise((resolve, reject) => {
      uni.request({
        url,
        method: init.method,
        header: init.headers,
        data: init.body,
        dataType: 'text',
        success: (res) => {
          const text = typeof res.data === 'string' ? res.data : JSON.stringify(res.data)
          resolve({ status: res.statusCode, json: async () => JSON.parse(text) as unknown })
        },
        fail: (err) => reject(new Error(err.errMsg)),
      })
    })
  },
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

let overrides: Partial<PlatformSeam> = {}

/** The seam in force: defaults read from the globals, with any override on top. */
export function seam(): PlatformSeam {
  return { ...defaultSeam, ...overrides }
}

/**
 * Replaces parts of the seam (tests, or hosts with unusual globals).
 * Returns a function that restores what was there before.
 */
export function setPlatformSeam(parts: Partial<PlatformSeam>): () => void {
  const before = overrides
  overrides = { ...overrides, ...parts }
  return () => {
    overrides = before
  }
}

// The router's parts of the seam, one accessor each: same answers as
// `seam().x`, without building the whole seam on every navigation.

/** uni's platform id, as `seam().platform()`. */
export const currentPlatform = (): string => (overrides.platform ?? defaultPlatform)()

/** The page stack, as `seam().getCurrentPages()`; read it, never change it (WeChat's rule). */
export const currentPages = (): readonly PageRecord[] => (overrides.getCurrentPages ?? defaultCurrentPages)()

/** uni's navigation calls, as `seam().uni`. */
export const navigationApi = (): NavigationApi => overrides.uni ?? defaultNavigationApi

/** The platforms whose page stack WeChat-style limits apply to. */
export const isMiniProgram = (platform: string): boolean => platform.startsWith('mp-') || platform === 'quickapp-webview'
