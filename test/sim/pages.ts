import { mount, type VueWrapper } from '@vue/test-utils'
import { defineComponent, h as render, watch, type ComponentInternalInstance } from 'vue'
import { useRoute } from '../../uni_modules/navi-kit/useApi'
import type { Route } from '../../uni_modules/navi-kit/types'
import type { SimPage, UniSimulator } from './uni-simulator'

/** What a page's setup saw: its route object, a child's, and every query it showed. */
export interface Seen {
  route: Readonly<Route>
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

/** A page that reads its route with useRoute() in setup, as app pages do. */
export const RoutePage = defineComponent({
  props: { seen: { type: Object, required: true } },
  setup(props) {
    const seen = props.seen as Seen
    seen.route = useRoute()
    watch(() => seen.route.query, (query) => seen.queries.push(query), { immediate: true })
    return () => render('div', [render(Child, { seen })])
  },
})

type Hooked = ComponentInternalInstance & Partial<Record<'onLoad' | 'onShow', ((arg?: unknown) => void)[]>>

/**
 * Mounts a RoutePage per simulated page and fires its onLoad/onShow hooks as
 * uni does (onLoad with the page's options). Returns a lookup of what each saw.
 */
export function mountPages(sim: UniSimulator): (page: SimPage) => Seen {
  const mounted = new Map<SimPage, { wrapper: VueWrapper; seen: Seen }>()
  sim.onPage = (event, page) => {
    if (event === 'load') {
      const seen = { queries: [] } as unknown as Seen
      mounted.set(page, { wrapper: mount(RoutePage, { props: { seen } }), seen })
    }
    const instance = mounted.get(page)!.wrapper.vm.$ as Hooked
    for (const hook of (event === 'load' ? instance.onLoad : instance.onShow) ?? []) hook(event === 'load' ? page.options : undefined)
  }
  return (page) => mounted.get(page)!.seen
}
