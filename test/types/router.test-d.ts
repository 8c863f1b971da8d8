import { describe, expectTypeOf, it } from 'vitest'
import {
  createRouter,
  decodeQuery,
  useRoute,
  useRouter,
  type JsonValue,
  type NavigationError,
  type Route,
  type RouteLocationRaw,
  type RouteName,
  type RoutePath,
  type Router,
} from '@/uni_modules/navi-kit'
// What a plugin-market user without the build plugin writes (uni strips the comments and #ifdef blocks at build time).
import appPages from '@/pages.json'

const router = createRouter({ pages: { pages: [{ path: 'pages/home/home' }] } })

describe('createRouter', () => {
  it("takes the app's pages.json imported as it is", () => {
    expectTypeOf(createRouter({ pages: appPages })).toEqualTypeOf<Router>()
    // @ts-expect-error pages.json's own `pages` list alone is not a pages.json
    createRouter({ pages: appPages.pages })
  })
})

describe('route names from pages.json (navi-routes.d.ts)', () => {
  it('accepts the names the generator wrote and rejects a typo', () => {
    expectTypeOf<'detail'>().toMatchTypeOf<RouteName>()
    expectTypeOf<'pkg/report'>().toMatchTypeOf<RouteName>()
    expectTypeOf<'detial'>().not.toMatchTypeOf<RouteName>()
    expectTypeOf<'/pages/detail/detail'>().toMatchTypeOf<RoutePath>()
    void router.push({ name: 'detail', query: { id: 42 } })
    void router.replace({ name: 'pkg/report' })
    // @ts-expect-error a misspelt route name is a type error
    void router.push({ name: 'detial' })
  })

  it('takes JSON queries only', () => {
    void router.push({ path: '/pages/detail/detail', query: { id: 1, tags: ['a'], deep: { ok: true, none: null } } })
    // @ts-expect-error a function is not JSON
    void router.push({ name: 'detail', query: { f: () => 1 } })
    // @ts-expect-error a Date is not JSON
    void router.push({ name: 'detail', query: { when: new Date() } })
    // @ts-expect-error a number is not a location
    void router.push(123)
  })

  it('takes a query typed by an interface, and still refuses one whose members are not JSON', () => {
    interface Item {
      id: number
      title: string
      tags?: string[]
      seller: { name: string; verified: boolean | null }
    }
    const item: Item = { id: 1, title: 'a', seller: { name: 'b', verified: null } }
    void router.push({ name: 'detail', query: item })
    void router.replace({ path: '/pages/detail/detail', query: item })
    expectTypeOf(router.resolve({ name: 'detail', query: item })).toEqualTypeOf<Route>()
    interface WithMethod {
      id: number
      load(): void
    }
    const withMethod: WithMethod = { id: 1, load() {} }
    // @ts-expect-error a method is not JSON
    void router.push({ name: 'detail', query: withMethod })
    interface WithDate {
      id: number
      nested: { when: Date }
    }
    const withDate: WithDate = { id: 1, nested: { when: new Date() } }
    // @ts-expect-error a Date, however deep, is not JSON
    void router.relaunch({ name: 'detail', query: withDate })
    // @ts-expect-error nor is a Map
    void router.push({ name: 'detail', query: { seen: new Map<string, number>() } })
    // A value typed only `object` could hold anything (a Date here): it must be JSON by its type.
    const anything: object = { when: new Date() }
    // @ts-expect-error an object with no known members is not known to be JSON
    void router.push({ name: 'detail', query: anything })
    // @ts-expect-error nor is a member typed object
    void router.push({ name: 'detail', query: { meta: anything } })
  })

  it('lets a guard redirect with a query typed by an interface once spread, and still refuses one that is not JSON', () => {
    interface Next {
      next: string
      step: number
    }
    const next: Next = { next: '/pages/secret/secret', step: 1 }
    router.beforeEach(() => ({ name: 'login', query: { ...next } }))
    router.beforeEach(async () => ({ path: '/pages/login/login', query: { ...next } }))
    // A guard may still wait on a Promise it makes itself.
    router.beforeEach(() => new Promise((resolve) => setTimeout(resolve, 1)))
    // @ts-expect-error a Date is not JSON, in a redirect either
    router.beforeEach(() => ({ name: 'login', query: { at: new Date() } }))
  })

  it("takes a location kept in a variable, and a route's own query", () => {
    const kept: RouteLocationRaw = { name: 'detail', query: { id: 1 } }
    void router.push(kept)
    router.beforeEach((to) => void router.replace({ path: to.path, query: to.query }))
  })

  it('takes optional fields (undefined is left out, as at run time) and typed event listeners', () => {
    const maybe: { id?: number } = {}
    void router.push({ name: 'detail', query: { id: maybe.id, note: undefined } })
    void router.push({ name: 'detail', events: { accept: (data: { id: number }) => void data.id } })
  })

  it('takes a name or a path, not both and not neither', () => {
    // @ts-expect-error a location needs a name or a path
    void router.push({ query: { id: 1 } })
    // @ts-expect-error name and path together: which one is meant?
    void router.push({ name: 'detail', path: '/pages/home/home' })
  })
})

describe('the router API', () => {
  it('returns Promises of routes, and unregister functions', () => {
    expectTypeOf(router.push('/pages/home/home')).toEqualTypeOf<Promise<Route>>()
    expectTypeOf(router.relaunch('/pages/home/home')).toEqualTypeOf<Promise<Route>>()
    expectTypeOf(router.back()).toEqualTypeOf<Promise<void>>()
    expectTypeOf(router.beforeEach(() => true)).toEqualTypeOf<() => void>()
    expectTypeOf(router.currentRoute.value).toEqualTypeOf<Route>()
    expectTypeOf(useRouter()).toEqualTypeOf<Router>()
    expectTypeOf(useRoute()).toEqualTypeOf<Readonly<Route>>()
    expectTypeOf(decodeQuery({ id: '1' })).toEqualTypeOf<Record<string, JsonValue>>()
  })

  it('lets guards answer with nothing, a boolean, a location or a Promise of those', () => {
    router.beforeEach(() => {})
    router.beforeEach(() => false)
    router.beforeEach((to) => (to.isTab ? { name: 'home' } : '/pages/login/login'))
    router.beforeEach(async () => ({ path: '/pages/login/login', query: { next: 1 } }))
    // @ts-expect-error a guard cannot answer with a number
    router.beforeEach(() => 1)
    router.afterEach((to, from, failure) => {
      expectTypeOf(failure).toEqualTypeOf<NavigationError | undefined>()
      expectTypeOf(to.query).toEqualTypeOf<Record<string, JsonValue>>()
    })
  })

  it("types a route's name and path from pages.json too, so comparing with a typo is an error", () => {
    router.beforeEach((to) => {
      expectTypeOf(to.name).toEqualTypeOf<RouteName>()
      expectTypeOf(to.path).toEqualTypeOf<RoutePath>()
      if (to.name === 'secret') return { name: 'login' }
      // @ts-expect-error 'detial' is no page name: the comparison can never be true
      if (to.name === 'detial') return false
      // @ts-expect-error nor is this a page path
      return to.path !== '/pages/detial/detial'
    })
  })
})
