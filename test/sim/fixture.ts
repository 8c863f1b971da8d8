import { createApp } from 'vue'
import { createRouter } from '../../uni_modules/navi-kit/router'
import type { PagesJson, RouteName, Router, RouterOptions } from '../../uni_modules/navi-kit/types'
import type { UniCallOptions } from '../../uni_modules/navi-kit/platform'
import { createUniSimulator, type Semantics, type UniSimulator } from './uni-simulator'

/** A small app: two tabs, plain pages, a named page, a subpackage. */
export const pages: PagesJson = {
  pages: [
    { path: 'pages/home/home' },
    { path: 'pages/mine/mine' },
    { path: 'pages/detail/detail' },
    { path: 'pages/user/profile' },
    { path: 'pages/user/settings', name: 'settings' },
  ],
  subPackages: [{ root: 'pkg', pages: [{ path: 'pages/report/report' }] }],
  tabBar: { list: [{ pagePath: 'pages/home/home' }, { pagePath: 'pages/mine/mine' }] },
}

export const SEMANTICS: Semantics[] = ['h5', 'mp-weixin']

export interface Harness {
  sim: UniSimulator
  router: Router
  /** Calls that reached uni's API, as `method url`. */
  calls: string[]
  restore(): void
}

/**
 * A simulator installed as the globals, opened on `launchUrl`, and a router
 * for it; `withApp` also runs `app.use(router)` (interceptors on).
 */
export function harness(
  platform: Semantics,
  options: Partial<RouterOptions> & { launchUrl?: string; withApp?: boolean; nvue?: string[] } = {},
): Harness {
  const sim = createUniSimulator({ pages, platform, nvue: options.nvue })
  const restore = sim.install()
  sim.launch(options.launchUrl ?? '/pages/home/home')
  const calls: string[] = []
  sim.onCall = (method: string, o: UniCallOptions) =>
    calls.push(method === 'navigateBack' ? `navigateBack ${String(o.delta)}` : `${method} ${String(o.url)}`)
  const router = createRouter({ pages, ...options })
  if (options.withApp) createApp({}).use(router)
  return { sim, router, calls, restore }
}

/** The top page's route ('/pages/x/x'). */
export const topPath = (sim: UniSimulator) => '/' + sim.getCurrentPages().slice(-1)[0].route

/**
 * A name of this fixture's pages. Route names are typed from the demo's
 * pages.json (navi-routes.d.ts); the fixture's own names go through here.
 */
export const n = (name: string) => name as RouteName
