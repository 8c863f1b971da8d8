/**
 * Runs the compiled dist/build/mp-weixin app headless: miniprogram-simulate
 * renders each page with the official `wcc` compiler, and the fake WeChat
 * router (wechat-router.ts) answers `wx.navigateTo` & co.
 *
 * Order matters (TOOLCHAIN.md): the globals App, getApp, getCurrentPages,
 * Page and the fake `wx` must exist before common/vendor.js loads, because
 * uni's runtime captures `Page`/`Component` and the `wx` object at load time.
 *
 * One mini program per test file: vendor.js and the plugin's modules are
 * Node-required and stay cached, like the single JS context of a real client.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { type HostedPage, type PageHost, WechatRouter, type WxCallRecord } from './wechat-router'

const nodeRequire = createRequire(__filename)

/** The part of miniprogram-simulate's RootComponent these tests use. */
export interface SimulatedNode {
  dom: HTMLElement
  instance: Record<string, unknown> & { route?: string }
  querySelector(selector: string): SimulatedNode | null
  querySelectorAll(selector: string): SimulatedNode[]
  dispatchEvent(eventName: string, options?: Record<string, unknown>): void
  detach(): void
}
interface Simulate {
  load(componentPath: string, options: { rootPath: string; compiler: 'official' }): string
  render(id: string): SimulatedNode
  sleep(ms: number): Promise<void>
}
interface ExparserElement {
  childNodes: ExparserElement[]
  shadowRoot?: ExparserElement
  triggerLifeTime(name: string, args?: unknown[]): void
}
interface Exparser {
  Component: abstract new () => unknown
  Element: (abstract new () => unknown) & { pretendAttached(node: unknown): void }
}

interface AppJson {
  pages: string[]
  subPackages?: { root: string; pages: string[] }[]
  subpackages?: { root: string; pages: string[] }[]
  tabBar?: { list: { pagePath: string }[] }
}

/** The wcc binary ships in the npm package; install scripts do not run here, so make sure it may execute. */
export function ensureWccExecutable(): void {
  const wcc = path.join(path.dirname(nodeRequire.resolve('miniprogram-compiler/package.json')), 'bin', 'linux', 'wcc')
  const mode = fs.statSync(wcc).mode
  if ((mode & 0o111) !== 0o111) fs.chmodSync(wcc, mode | 0o755)
}

/** A page of the running app, with the lookups tests need. */
export class MpPage {
  constructor(
    readonly route: string,
    readonly node: SimulatedNode,
  ) {}

  find(selector: string): SimulatedNode | null {
    return this.node.querySelector(selector)
  }

  /** The text inside the first element matching `selector`; throws if absent. */
  text(selector: string): string {
    const found = this.find(selector)
    if (!found) throw new Error(`${this.route}: nothing matches ${selector}`)
    return (found.dom.textContent ?? '').trim()
  }

  /** The JSON shown in `selector`, parsed. */
  json(selector: string): unknown {
    return JSON.parse(this.text(selector))
  }

  /** The custom component at `selector` (e.g. `#badge`), whose own elements its page's lookups do not reach. */
  component(selector: string): MpPage {
    const found = this.find(selector)
    if (!found) throw new Error(`${this.route}: no component at ${selector}`)
    return new MpPage(`${this.route} ${selector}`, found)
  }

  /** Taps an element as a finger would (uni handles `tap` events). */
  tap(selector: string): void {
    const found = this.find(selector)
    if (!found) throw new Error(`${this.route}: nothing to tap at ${selector}`)
    found.dispatchEvent('tap')
  }
}

export interface MiniProgram {
  router: WechatRouter
  /** The page on top of the stack. */
  current(): MpPage
  /** getCurrentPages().length, as the app sees it. */
  depth(): number
  /** Taps `selector` on `page` and waits for `route` to be on top. */
  tapTo(page: MpPage, selector: string, route: string): Promise<MpPage>
  /** The wx router calls made since `mark` (an index into `router.calls`). */
  callsSince(mark: number): WxCallRecord[]
  /** Waits until the top page is `route` (and settled), or throws after `timeoutMs`. */
  waitForPage(route: string, timeoutMs?: number): Promise<MpPage>
  /** Waits until `check` passes, or throws its last error after `timeoutMs`. */
  waitFor<T>(check: () => T, timeoutMs?: number): Promise<T>
  /** Lets uni's deferred handlers and the fake router's callbacks run. */
  settle(ms?: number): Promise<void>
  /**
   * Restarts on `url` the way WeChat does for a share card or a scan: a
   * reLaunch that no app code asked for, so no interceptor sees it.
   */
  relaunch(url: string): Promise<MpPage>
  /** The system back button (or a swipe): WeChat pops the page without any uni call. */
  systemBack(): Promise<MpPage>
}

function readAppConfig(root: string): { pages: string[]; tabs: string[] } {
  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8')) as AppJson
  const packages = app.subPackages ?? app.subpackages ?? []
  return {
    pages: [...app.pages, ...packages.flatMap((pkg) => pkg.pages.map((page) => `${pkg.root.replace(/\/$/, '')}/${page}`))],
    tabs: (app.tabBar?.list ?? []).map((tab) => tab.pagePath),
  }
}

let booted: MiniProgram | undefined

/**
 * Boots the compiled app once per test file and launches `entry` (a URL such
 * as `/pages/detail/detail?id=1`, default the first page of app.json).
 */
export function bootMiniProgram(root: string, entry?: string): MiniProgram {
  if (booted) throw new Error('bootMiniProgram: one mini program per test file (vendor.js stays cached)')
  ensureWccExecutable()

  // miniprogram-simulate installs its own global Component and a mock `wx`.
  const simulate = nodeRequire('miniprogram-simulate') as Simulate
  const exparser = nodeRequire(nodeRequire.resolve('miniprogram-exparser', {
    paths: [path.dirname(nodeRequire.resolve('j-component'))],
  })) as Exparser

  const config = readAppConfig(root)
  const mount = document.createElement('div')
  mount.id = 'mini-program'
  document.body.appendChild(mount)
  const nodes = new Map<Record<string, unknown>, SimulatedNode>()

  const readyDeep = (node: ExparserElement): void => {
    // What j-component's attach() does after attaching, run after onLoad as
    // WeChat orders a page's lifecycle: attached → onLoad → onShow → ready.
    if (node instanceof exparser.Component) {
      node.triggerLifeTime('ready')
      const shadow = node.shadowRoot
      if (shadow && shadow instanceof exparser.Element) readyDeep(shadow)
    }
    for (const child of node.childNodes) if (child instanceof exparser.Element) readyDeep(child)
  }

  const host: PageHost = {
    create(route) {
      const id = simulate.load(path.join(root, route), { rootPath: root, compiler: 'official' })
      const node = simulate.render(id)
      // uni tells pages from components by `route` (isPage), read in `attached`.
      node.instance.route = route
      node.instance.__route__ = route
      nodes.set(node.instance, node)
      return { route, instance: node.instance }
    },
    load(page, rawQuery) {
      const node = nodes.get(page.instance) as SimulatedNode
      mount.appendChild(node.dom)
      const exparserNode = (node as unknown as { _exparserNode: ExparserElement })._exparserNode
      exparser.Element.pretendAttached(exparserNode)
      const call = (hook: string, ...args: unknown[]) =>
        (node.instance[hook] as ((...a: unknown[]) => unknown) | undefined)?.apply(node.instance, args)
      call('onLoad', rawQuery)
      call('onShow')
      readyDeep(exparserNode)
    },
    show(page) {
      ;(page.instance.onShow as (() => void) | undefined)?.call(page.instance)
      const node = nodes.get(page.instance)
      if (node) node.dom.style.display = ''
    },
    hide(page) {
      ;(page.instance.onHide as (() => void) | undefined)?.call(page.instance)
      const node = nodes.get(page.instance)
      if (node) node.dom.style.display = 'none'
    },
    close(page: HostedPage) {
      ;(page.instance.onUnload as (() => void) | undefined)?.call(page.instance)
      const node = nodes.get(page.instance)
      node?.detach()
      nodes.delete(page.instance)
    },
  }

  const router = new WechatRouter(config, host)
  const memoryStorage = new Map<string, unknown>()
  const simulatedWx = (globalThis as unknown as { wx: Record<string, unknown> }).wx
  const fakeWx: Record<string, unknown> = {
    ...simulatedWx,
    ...router.api(),
    getStorageSync: (key: string) => memoryStorage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void memoryStorage.set(key, value),
    removeStorageSync: (key: string) => void memoryStorage.delete(key),
  }

  let appOptions: Record<string, unknown> | undefined
  Object.assign(globalThis, {
    wx: fakeWx,
    App: (options: Record<string, unknown>) => {
      appOptions = options
    },
    getApp: () => appOptions,
    getCurrentPages: () => router.currentPages(),
    // uni wraps Page; the compiled pages use Component, so this only has to exist.
    Page: (options: Record<string, unknown>) => {
      throw new Error(`Page() is not supported by this harness: ${Object.keys(options).join(',')}`)
    },
  })

  nodeRequire(path.join(root, 'app.js'))
  if (!appOptions) throw new Error('app.js did not call App()')
  const app = appOptions
  const launchRoute = (entry ?? `/${config.pages[0]}`).replace(/^\//, '').split('?')[0]
  const launchOptions = { path: launchRoute, query: {}, scene: 1001 }
  ;(app.onLaunch as (o: unknown) => void).call(app, launchOptions)
  ;(app.onShow as ((o: unknown) => void) | undefined)?.call(app, launchOptions)
  router.launch(entry)

  const settle = (ms = 30) => simulate.sleep(ms)
  const current = (): MpPage => {
    const top = router.top()
    if (!top) throw new Error('the page stack is empty')
    const node = nodes.get(top.instance)
    if (!node) throw new Error(`${top.route} has no rendered node`)
    return new MpPage(top.route, node)
  }
  const waitFor = async <T>(check: () => T, timeoutMs = 2000): Promise<T> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      try {
        return check()
      } catch (error) {
        if (Date.now() > deadline) throw error
      }
      await settle(10)
    }
  }

  const waitForPage = (route: string, timeoutMs?: number) =>
    waitFor(() => {
      const page = current()
      if (page.route !== route) throw new Error(`expected top page ${route}, it is ${page.route}`)
      return page
    }, timeoutMs)

  booted = {
    router,
    current,
    depth: () => router.depth(),
    waitFor,
    waitForPage,
    tapTo: (page, selector, route) => {
      page.tap(selector)
      return waitForPage(route)
    },
    callsSince: (mark) => router.calls.slice(mark),
    settle,
    relaunch: async (url) => {
      const outcome = await new Promise<{ errMsg?: unknown }>((resolve) => {
        router.api().reLaunch({ url, complete: resolve })
      })
      if (outcome.errMsg !== 'reLaunch:ok') throw new Error(`relaunch ${url}: ${String(outcome.errMsg)}`)
      return current()
    },
    systemBack: async () => {
      const outcome = await new Promise<{ errMsg?: unknown }>((resolve) => {
        router.api().navigateBack({ complete: resolve })
      })
      if (outcome.errMsg !== 'navigateBack:ok') throw new Error(`system back: ${String(outcome.errMsg)}`)
      return current()
    },
  }
  return booted
}
