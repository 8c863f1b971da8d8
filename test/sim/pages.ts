import { mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent, getCurrentInstance, h as render, watch, type ComponentInternalInstance } from 'vue'
import { useRoute } from '../../uni_modules/navi-kit/useApi'
import type { Route, Router } from '../../uni_modules/navi-kit/types'
import type { SimPage, UniSimulator } from './uni-simulator'

/** What a page's setup saw: its route object, a child's, and every query it showed. */
export interface Seen {
  route: Readonly<Route>
  /** A second useRoute() in the same setup (a composable's). */
  second?: Readonly<Route>
  child?: Readonly<Route>
  queries: unknown[]
}

const Child = defineComponent({
  props: { seen: { type: Object, required: true } },
  setup(props) {
    ;(props.seen as Seen).child = useRoute()
    return () => render('span')
  },
})

/**
 * A page that reads its route with useRoute() in setup, as app pages do. Like
 * uni (uni-h5 initPage, uni-mp onBeforeSetup) it is marked `$mpType: 'page'`
 * before its own setup code runs.
 */
export const RoutePage = defineComponent({
  props: { seen: { type: Object, required: true } },
  setup(props) {
    ;(getCurrentInstance() as unknown as { ctx: Record<string, unknown> }).ctx.$mpType = 'page'
    const seen = props.seen as Seen
    seen.route = useRoute()
    seen.second = useRoute()
    watch(() => seen.route.query, (query) => seen.queries.push(query), { immediate: true })
    return () => render('div', [render(Child, { seen })])
  },
})

type UniHook = 'onLoad' | 'onShow'
type Hooked = ComponentInternalInstance & Partial<Record<UniHook, ((arg?: unknown) => void)[]>>

/**
 * uni's initHooks (its `$applyOptions`, which its Vue runtime calls at the end of
 * applyOptions, after setup): the option-API uni hooks of the app's mixins (the
 * router's onShow) join the page's hooks after those its setup registered.
 */
function applyUniOptions(instance: Hooked): void {
  for (const mixin of instance.appContext.mixins as Partial<Record<UniHook, (arg?: unknown) => void>>[])
    for (const name of ['onLoad', 'onShow'] as const) {
      const hook = mixin[name]
      if (hook) (instance[name] ??= []).push(hook.bind(instance.proxy))
    }
}

/**
 * Mounts a RoutePage per simulated page in an app that uses `router` (its
 * mixin applied as uni applies it) and fires its onLoad/onShow hooks as uni
 * does (onLoad with the page's options). Returns a lookup of what each saw.
 */
export function mountPages(sim: UniSimulator, router: Router): (page: SimPage) => Seen {
  const mounted = new Map<SimPage, { wrapper: VueWrapper; seen: Seen }>()
  sim.onPage = (event, page) => {
    if (event === 'load') {
      const seen = { queries: [] } as unknown as Seen
      const wrapper = mount(RoutePage, { props: { seen }, global: { plugins: [router] } })
      applyUniOptions(wrapper.vm.$ as Hooked)
      mounted.set(page, { wrapper, seen })
    }
    const instance = mounted.get(page)!.wrapper.vm.$ as Hooked
    for (const hook of (event === 'load' ? instance.onLoad : instance.onShow) ?? []) hook(event === 'load' ? page.options : undefined)
  }
  return (page) => mounted.get(page)!.seen
}
