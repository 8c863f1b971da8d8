/**
 * A faithful stand-in for WeChat's page router (wx.navigateTo, redirectTo,
 * switchTab, reLaunch, navigateBack) as the compiled uni-app sees it through
 * `wx`. It keeps the page stack and applies the rules the WeChat client
 * applies, so the router under test meets the same refusals it meets on a
 * phone:
 *
 * - `onLoad` receives the query RAW, exactly as written in the URL (WeChat
 *   does not decode it; uni's mp-weixin runtime passes it through);
 * - at most 10 pages: `navigateTo:fail webview count limit exceed`;
 * - navigateTo / redirectTo refuse tab pages; switchTab refuses other pages
 *   and any query (the docs: "路径后不能带参数");
 * - tab pages live once: switchTab closes every non-tab page and shows the
 *   tab page, loading it only the first time;
 * - callbacks fire asynchronously, after the target page has loaded.
 *
 * How a page is actually created and destroyed is left to a `PageHost`, so
 * this file holds only WeChat's rules.
 */

/** A page the host created; `instance` is what getCurrentPages() lists. */
export interface HostedPage {
  route: string
  instance: Record<string, unknown>
}

/** Creates and destroys real pages (miniprogram-simulate in these tests). */
export interface PageHost {
  /** Creates the page's instance, before any lifecycle runs. */
  create(route: string): HostedPage
  /** Attaches it and runs onLoad(rawQuery), onShow, onReady. */
  load(page: HostedPage, rawQuery: Record<string, string>): void
  show(page: HostedPage): void
  hide(page: HostedPage): void
  /** Runs onUnload and destroys the page. */
  close(page: HostedPage): void
}

export interface AppConfig {
  /** Every registered page route, subpackage pages with their root prefixed. */
  pages: string[]
  /** Tab page routes, in tabBar order. */
  tabs: string[]
}

export interface WxCallOptions {
  url?: string
  delta?: number
  success?: (result: Record<string, unknown>) => void
  fail?: (result: { errMsg: string }) => void
  complete?: (result: Record<string, unknown>) => void
  [key: string]: unknown
}

/** One call as the fake saw it, for assertions on what the router asked for. */
export interface WxCallRecord {
  api: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack'
  url?: string
  delta?: number
  errMsg: string
}

type Listener = (...args: unknown[]) => void

/**
 * The two ends of WeChat's EventChannel between an opener and the page that
 * navigateTo opened: `res.eventChannel` in the opener's success callback,
 * `this.getOpenerEventChannel()` in the page. Each end's emit reaches the
 * other end's listeners; the opener's `events` option listens from the start.
 */
export class EventChannelPair {
  private readonly openerListeners = new Map<string, Listener[]>()
  private readonly pageListeners = new Map<string, Listener[]>()

  constructor(events: Record<string, Listener> | undefined) {
    for (const [name, listener] of Object.entries(events ?? {})) this.openerListeners.set(name, [listener])
  }

  private end(own: Map<string, Listener[]>, other: Map<string, Listener[]>) {
    return {
      emit: (name: string, ...args: unknown[]) => {
        for (const listener of other.get(name) ?? []) listener(...args)
      },
      on: (name: string, listener: Listener) => {
        own.set(name, [...(own.get(name) ?? []), listener])
      },
      off: (name: string, listener?: Listener) => {
        own.set(name, listener ? (own.get(name) ?? []).filter((l) => l !== listener) : [])
      },
    }
  }

  readonly opener = this.end(this.openerListeners, this.pageListeners)
  readonly page = this.end(this.pageListeners, this.openerListeners)
}

/** WeChat's page stack limit (mp-weixin). */
export const MAX_PAGES = 10

class WxFailure extends Error {}

/** Splits `a=1&b=2` into raw (undecoded) values, as WeChat hands them to onLoad. */
export function parseRawQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {}
  for (const pair of search.split('&')) {
    if (!pair) continue
    const at = pair.indexOf('=')
    if (at < 0) query[pair] = ''
    else query[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return query
}

export class WechatRouter {
  private readonly stack: HostedPage[] = []
  /** Tab pages stay alive once loaded, in or out of the stack. */
  private readonly tabPages = new Map<string, HostedPage>()
  readonly calls: WxCallRecord[] = []

  constructor(
    private readonly config: AppConfig,
    private readonly host: PageHost,
  ) {}

  /** What `getCurrentPages()` returns: bottom first, a fresh array each time. */
  currentPages(): Record<string, unknown>[] {
    return this.stack.map((page) => page.instance)
  }

  top(): HostedPage | undefined {
    return this.stack[this.stack.length - 1]
  }

  depth(): number {
    return this.stack.length
  }

  /** The app's launch: opens the entry page (first registered page unless given). */
  launch(entry?: string): void {
    const target = this.target(entry ?? `/${this.config.pages[0]}`)
    this.openInto(target.route, target.query)
  }

  /** The `wx` functions this router answers. */
  api(): Record<WxCallRecord['api'], (options: WxCallOptions) => void> {
    return {
      navigateTo: (o) => this.call('navigateTo', o, () => this.navigateTo(o.url, o.events as Record<string, Listener> | undefined)),
      redirectTo: (o) => this.call('redirectTo', o, () => this.redirectTo(o.url)),
      switchTab: (o) => this.call('switchTab', o, () => this.switchTab(o.url)),
      reLaunch: (o) => this.call('reLaunch', o, () => this.reLaunch(o.url)),
      navigateBack: (o) => this.call('navigateBack', o, () => this.navigateBack(o.delta)),
    }
  }

  /** The user taps a tab in the tab bar: WeChat switches without any JS call. WeChat draws the bar on tab pages only. */
  tapTabBar(route: string): void {
    const current = this.top()?.route ?? ''
    if (!this.isTab(current)) throw new Error(`no tab bar to tap on ${current}: WeChat shows it on tab pages only`)
    this.switchTab(`/${route}`)
  }

  private call(api: WxCallRecord['api'], options: WxCallOptions, run: () => Record<string, unknown> | void): void {
    // WeChat answers asynchronously, after the target page has loaded.
    setTimeout(() => {
      let result: Record<string, unknown>
      try {
        result = { ...(run() ?? {}), errMsg: `${api}:ok` }
        this.calls.push({ api, url: options.url, delta: options.delta, errMsg: `${api}:ok` })
        options.success?.(result)
      } catch (error) {
        if (!(error instanceof WxFailure)) throw error
        const errMsg = `${api}:fail ${error.message}`
        this.calls.push({ api, url: options.url, delta: options.delta, errMsg })
        result = { errMsg }
        options.fail?.({ errMsg })
      }
      options.complete?.(result)
    }, 0)
  }

  /** Resolves an absolute or page-relative URL against the registered pages. */
  private target(url: string | undefined): { route: string; query: Record<string, string>; hasQuery: boolean } {
    if (typeof url !== 'string' || url === '') throw new WxFailure('parameter error: parameter.url should be String')
    const at = url.indexOf('?')
    const pathPart = at < 0 ? url : url.slice(0, at)
    const search = at < 0 ? '' : url.slice(at + 1)
    let route: string
    if (pathPart.startsWith('/')) route = pathPart.slice(1)
    else {
      const current = this.top()?.route ?? ''
      const folder = current.split('/').slice(0, -1)
      for (const part of pathPart.split('/')) {
        if (part === '..') folder.pop()
        else if (part !== '.' && part !== '') folder.push(part)
      }
      route = folder.join('/')
    }
    if (!this.config.pages.includes(route)) throw new WxFailure(`page "${route}" is not found`)
    return { route, query: parseRawQuery(search), hasQuery: search !== '' }
  }

  private isTab(route: string): boolean {
    return this.config.tabs.includes(route)
  }

  private navigateTo(url: string | undefined, events: Record<string, Listener> | undefined): { eventChannel: unknown } {
    const target = this.target(url)
    if (this.isTab(target.route)) throw new WxFailure('can not navigateTo a tabbar page')
    if (this.stack.length >= MAX_PAGES) throw new WxFailure('webview count limit exceed')
    const below = this.top()
    if (below) this.host.hide(below)
    const channel = new EventChannelPair(events)
    this.openInto(target.route, target.query, channel)
    return { eventChannel: channel.opener }
  }

  private redirectTo(url: string | undefined): void {
    const target = this.target(url)
    if (this.isTab(target.route)) throw new WxFailure('can not redirectTo a tabbar page')
    const leaving = this.stack.pop()
    if (leaving) this.closePage(leaving)
    this.openInto(target.route, target.query)
  }

  private switchTab(url: string | undefined): void {
    const target = this.target(url)
    if (!this.isTab(target.route)) throw new WxFailure('can not switch to no-tabBar page')
    if (target.hasQuery) throw new WxFailure('url can not contain query')
    const current = this.top()
    if (current?.route === target.route && this.stack.length === 1) return
    // Every non-tab page closes; the tab page on the bottom (if any) is hidden.
    while (this.stack.length) {
      const page = this.stack.pop() as HostedPage
      if (this.isTab(page.route)) {
        if (page === current) this.host.hide(page)
      } else this.closePage(page)
    }
    const existing = this.tabPages.get(target.route)
    if (existing) {
      this.stack.push(existing)
      this.host.show(existing)
    } else this.openInto(target.route, {})
  }

  private reLaunch(url: string | undefined): void {
    const target = this.target(url)
    while (this.stack.length) this.closePage(this.stack.pop() as HostedPage)
    for (const tab of this.tabPages.values()) this.host.close(tab)
    this.tabPages.clear()
    this.openInto(target.route, target.query)
  }

  private navigateBack(delta: number | undefined): void {
    if (this.stack.length <= 1) throw new WxFailure('cannot navigate back at first page.')
    const steps = Math.min(Math.max(1, Math.floor(delta ?? 1)), this.stack.length - 1)
    for (let i = 0; i < steps; i++) this.closePage(this.stack.pop() as HostedPage)
    this.host.show(this.top() as HostedPage)
  }

  /**
   * Opens a page on top of the stack (the stack is empty or its top is
   * hidden). As in WeChat, the page is already in getCurrentPages() while its
   * onLoad and onShow run.
   */
  private openInto(route: string, query: Record<string, string>, channel?: EventChannelPair): void {
    const page = this.host.create(route)
    // Pages not opened by navigateTo get a channel that reaches nobody, as in WeChat.
    const pageEnd = (channel ?? new EventChannelPair(undefined)).page
    page.instance.getOpenerEventChannel = () => pageEnd
    if (this.isTab(route)) this.tabPages.set(route, page)
    this.stack.push(page)
    this.host.load(page, query)
  }

  private closePage(page: HostedPage): void {
    // A tab page is only hidden when it leaves the stack; reLaunch destroys it.
    if (this.isTab(page.route) && this.tabPages.get(page.route) === page) this.host.hide(page)
    else this.host.close(page)
  }
}
