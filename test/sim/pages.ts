import { mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent, getCurrentInstance, h as render, watch, type ComponentInternalInstance } from 'vue'
import { useRoute } from '../../uni_modules/navi-kit/useApi'
import type { Route, Router } from '../../uni_modules/navi-kit/types'
import type { SimPage, UniSimulator } from './uni-simulator'

/** What a page's setup saw: its route object, a child's, and every query it showed. */
export interface Seen {
  route: Readonly<Route>
  /** A copy of the route as setup read it, before any onLoad. */
  atSetup: Route
  /** A second useRoute() in the same setup (a composable's). */
  second?: Readonly<Route>
  child?: Readonly<Route>
  childAtSetup?: Route
  /** Each child's route, in render order (with `child: 2`, two siblings). */
  children?: Readonly<Route>[]
  queries: unknown[]
}

type UniHook = 'onLoad' | 'onShow'
type Hooked = ComponentInternalInstance & Partial<Record<UniHook, ((arg?: unknown) => void)[]>>

/**
 * A component in a page: its page hooks (onLoad, onShow) run as uni runs them. The simulator runs on uni-h5's Vue,
 * whose injectHook hands them to the page and also calls them at once, with the page's options: uni-h5 has run the
 * page's own onLoad and onShow by then (its initHooks, in applyOptions, before the page renders its components), so
 * the component's onLoad runs that once and never again (the page loads once). uni-mp's Vue hands them to the page
 * (the root) only: WeChat attaches the page's components before its onLoad, which runs them with the page's.
 */
const Child = defineComponent({
  props: { seen: { type: Object, required: true }, miniProgram: Boolean },
  setup(props) {
    const seen = props.seen as Seen
    const instance = getCurrentInstance() as Hooked & { $pageInstance?: Hooked }
    const page = instance.$pageInstance!
    const loads = page.onLoad?.length ?? 0
    // A mini program: none at once (without a page instance uni-h5's injectHook keeps them on the component), then
    // handed to the page, after the hooks it has (its own and the app's mixins': uni applies those before rendering).
    if (props.miniProgram) instance.$pageInstance = undefined
    seen.child = useRoute()
    if (props.miniProgram) {
      instance.$pageInstance = page
      for (const name of ['onLoad', 'onShow'] as const) (page[name] ??= []).push(...(instance[name]?.splice(0) ?? []))
    } else page.onLoad?.splice(loads)
    seen.childAtSetup = { ...seen.child }
    ;(seen.children ??= []).push(seen.child)
    return () => render('span')
  },
})

/**
 * Marks the component being set up as uni marks a page before the page's own
 * setup code runs (uni-h5 initPage and setupPage, uni-mp onBeforeSetup):
 * `$mpType: 'page'`, and the page's own record: on a mini program the WeChat
 * page as `$scope` (its options come with onLoad), on H5 `$page` with `route`,
 * the decoded `options` and the `fullPath` it was opened at (uni-h5 also sets
 * the first two on the instance itself; the App only the route).
 */
function markAsPage(page: SimPage, miniProgram: boolean, app: boolean): void {
  const instance = getCurrentInstance() as unknown as { ctx: Record<string, unknown>; $pageInstance: unknown }
  const ctx = instance.ctx
  // uni's runtime hands a component's page hooks (onLoad, onShow) to its page.
  instance.$pageInstance = instance
  ctx.$mpType = 'page'
  // (`$page` on a mini program too: uni-h5's Vue runtime, which the simulator runs on, reads its options for
  // a component's onLoad; a mini program has none to give before onLoad.)
  if (miniProgram) Object.assign(ctx, { $scope: { route: page.route }, $page: {} })
  else {
    Object.assign(ctx, {
      route: page.route,
      $page: { route: page.route, options: page.options, fullPath: page.$page.fullPath, id: page.$page.id, openType: page.$page.openType },
    })
    // uni-h5 sets the options on the instance too; the App only in $page.
    if (!app) ctx.options = page.options
  }
}

const pageProps = { page: { type: Object, required: true }, miniProgram: Boolean, app: Boolean, own: Object } as const

/** A page's own onLoad and onShow, as its setup registers them (uni's onLoad() / onShow()), with its uni route. */
export interface OwnHooks {
  onLoad?: (route: string, options: unknown) => void
  onShow?: (route: string) => void
}

/** Registers the page's own hooks, as uni's onLoad() / onShow() in its setup do (uni's Vue injectHook: pushed). */
function registerOwnHooks(page: SimPage, own: OwnHooks | undefined): void {
  const instance = getCurrentInstance() as Hooked
  if (own?.onLoad) (instance.onLoad ??= []).push((options) => own.onLoad!(page.route, options))
  if (own?.onShow) (instance.onShow ??= []).push(() => own.onShow!(page.route))
}

/** A page that reads its route with useRoute() in setup, as app pages do. */
export const RoutePage = defineComponent({
  props: { seen: { type: Object, required: true }, ...pageProps },
  setup(props) {
    markAsPage(props.page as SimPage, props.miniProgram, props.app)
    const seen = props.seen as Seen
    seen.route = useRoute()
    seen.atSetup = { ...seen.route }
    seen.second = useRoute()
    watch(() => seen.route.query, (query) => seen.queries.push(query), { immediate: true })
    registerOwnHooks(props.page as SimPage, props.own as OwnHooks | undefined)
    applyUniOptions(getCurrentInstance() as Hooked)
    return () => render('div', [render(Child, { seen, miniProgram: props.miniProgram })])
  },
})

/**
 * A page that never calls useRoute() itself; with `seen`, a component in it does. With `ownRoute`, the page has a
 * field of its own named `route` (a map page's, say), which shadows what uni set on the instance.
 */
const PlainPage = defineComponent({
  props: { ...pageProps, seen: Object, ownRoute: Boolean, children: { type: Number, default: 1 } },
  setup(props) {
    markAsPage(props.page as SimPage, props.miniProgram, props.app)
    if (props.ownRoute) (getCurrentInstance() as unknown as { ctx: Record<string, unknown> }).ctx.route = { zoom: 12 }
    registerOwnHooks(props.page as SimPage, props.own as OwnHooks | undefined)
    applyUniOptions(getCurrentInstance() as Hooked)
    const child = () => render(Child, { seen: props.seen!, miniProgram: props.miniProgram })
    return () => render('div', props.seen ? Array.from({ length: props.children }, child) : [])
  },
})

/**
 * uni's initHooks (its `$applyOptions`, which its Vue runtime calls at the end of
 * applyOptions, after setup, before the page renders its components): the option-API uni hooks of the app's mixins
 * (the router's onShow) join the page's hooks after those its setup registered. Called at the end of a page's setup.
 */
function applyUniOptions(instance: Hooked): void {
  for (const mixin of instance.appContext.mixins as Partial<Record<UniHook, (arg?: unknown) => void>>[])
    for (const name of ['onLoad', 'onShow'] as const) {
      const hook = mixin[name]
      if (hook) (instance[name] ??= []).push(hook.bind(instance.proxy))
    }
}

/**
 * Mounts a RoutePage (with `plain`: a PlainPage, `child` and `ownRoute` as it
 * takes them; `onLoad` and `onShow` as every page's own hooks) per simulated page in an app that uses `router` (its mixin
 * applied as uni applies it) and fires its onLoad/onShow hooks as uni does
 * (onLoad with the page's options). Returns a lookup of what each page saw.
 */
export function mountPages(
  sim: UniSimulator,
  router: Router,
  {
    plain = false,
    child = false,
    ownRoute = false,
    onLoad,
    onShow,
  }: { plain?: boolean; child?: boolean | number; ownRoute?: boolean } & OwnHooks = {},
): (page: SimPage) => Seen {
  const mounted = new Map<SimPage, { wrapper: VueWrapper; seen: Seen }>()
  sim.onPage = (event, page) => {
    if (event === 'load') {
      const seen = { queries: [] } as unknown as Seen
      const global = { plugins: [router] }
      const props = { page, miniProgram: sim.platform.startsWith('mp-'), app: sim.platform === 'app', own: { onLoad, onShow } }
      const wrapper = plain
        ? mount(PlainPage, { props: { ...props, ownRoute, seen: child ? seen : undefined, children: +child }, global })
        : mount(RoutePage, { props: { seen, ...props }, global })
      mounted.set(page, { wrapper, seen })
    }
    const instance = mounted.get(page)!.wrapper.vm.$ as Hooked
    // uni-mp's page onLoad: `this.options = query` on the WeChat page, then the Vue hooks.
    const scope = (instance.proxy as { $scope?: { options?: unknown } } | null)?.$scope
    if (scope && event === 'load') scope.options = page.options
    for (const hook of (event === 'load' ? instance.onLoad : instance.onShow) ?? []) hook(event === 'load' ? page.options : undefined)
  }
  // By the page's $page too: the App's getCurrentPages() lists records of its own for the same pages.
  return (page) => (mounted.get(page) ?? [...mounted].find(([known]) => known.$page === page.$page)![1]).seen
}
