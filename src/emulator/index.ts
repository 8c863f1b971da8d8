/**
 * An emulator of the WeChat OpenAPI endpoints navi-kit's link service calls,
 * over real HTTP, faithful to the documented requests, answers, limits and
 * errcodes (see README.md here for the errcode table). Tests and the sandbox
 * run against it; real credentials point the same client code at WeChat.
 *
 * Contract:
 *   startEmulator(options?) → Promise<Emulator>   starts in milliseconds, silent
 *     options: port (0 = free), host ('127.0.0.1'), apps / officialAccounts
 *     (registered in addition to SANDBOX_APP / SANDBOX_OA; apps may be
 *     `published: false` → 85079 or `linkPermission: 'none' | 'banned'` →
 *     40002 / 40013), tokenLifetimeSeconds (7200), ratePerSecond (100
 *     generation calls per appid, counted on arrival), dailyQuota (500,000
 *     scheme + URL Link per Asia/Shanghai day), shortLinkDailyQuota
 *     (1,000,000), permanentShortLinkCap (100,000), publishedPages (when
 *     given, other page paths answer 40165 / 40066), ipAllowList (stable_token
 *     from elsewhere: 40164), now (the clock behind tokens, expiry, quotas and
 *     the rate window).
 *   Emulator: { url, close(), control }
 *   EmulatorControl: faults (delay, -1, dropped connection, forced errcode),
 *     quota remaining / exhausted, app state, IP allow-list, tokens expired /
 *     invalidated now, counters, minted-link lookup, current jsapi ticket, reset.
 *
 * Endpoints: POST /cgi-bin/stable_token, POST /wxa/generatescheme,
 * POST /wxa/generate_urllink, POST /wxa/genwxashortlink, POST /wxa/queryscheme,
 * POST /wxa/query_urllink, GET /cgi-bin/ticket/getticket?type=jsapi.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AppState, Credentials, EmulatedApp } from './accounts'
import { Emulation, GENERATION_APIS, type Arrival, type EmulatorApi, type EmulatorFaults, type Json } from './api'
import { wechatError } from './errcodes'
import type { EmulatorCounters, QuotaKind } from './limits'
import type { LinkLookup } from './links'

export type { AppState, Credentials, EmulatedApp } from './accounts'
export type { EmulatorApi, EmulatorFaults } from './api'
export type { EmulatorCounters, QuotaKind } from './limits'
export type { EmulatedEnvVersion, EmulatedLinkKind, LinkLookup, MintedLink } from './links'

/** The mini program every emulator knows (the sandbox mints with it). */
export const SANDBOX_APP: Readonly<Credentials> = { appId: 'wxsandbox000000001', secret: 'sandbox-secret' }
/** The service account every emulator knows (the sandbox signs the JS-SDK with it). */
export const SANDBOX_OA: Readonly<Credentials> = { appId: 'wxsandboxoa0000001', secret: 'sandbox-oa-secret' }

export interface EmulatorOptions {
  port?: number
  host?: string
  /** Mini programs besides SANDBOX_APP; `published: false` / `linkPermission` make their generation calls fail as documented. */
  apps?: EmulatedApp[]
  officialAccounts?: Credentials[]
  tokenLifetimeSeconds?: number
  ratePerSecond?: number
  /** Scheme + URL Link per appid per Asia/Shanghai day (500,000); queryscheme + query_urllink have a budget of the same size. */
  dailyQuota?: number
  /** Short links per appid per day, permanent ones included (1,000,000). */
  shortLinkDailyQuota?: number
  permanentShortLinkCap?: number
  /** WeChat's API IP allow-list: when set, stable_token from any other peer address answers 40164. */
  ipAllowList?: string[]
  publishedPages?: string[]
  now?: () => number
}

export interface QuotaTarget {
  /** Default: every registered mini program. */
  appId?: string
  /** Default: both generation budgets ('links' = scheme + URL Link, 'shortlinks'). */
  kind?: QuotaKind
}

export interface EmulatorControl {
  /** Replaces the current faults. */
  setFaults(faults: EmulatorFaults): void
  clearFaults(): void
  setQuotaRemaining(remaining: number, target?: QuotaTarget): void
  exhaustQuota(target?: QuotaTarget): void
  quotaRemaining(appId?: string, kind?: QuotaKind): number
  /** A mini program's publish / link-permission state: unpublished → 85079, no permission → 40002, banned → 40013. */
  setAppState(appId: string, state: Partial<AppState>): void
  /** WeChat's API IP allow-list for stable_token (40164 from elsewhere); undefined: no list. */
  setIpAllowList(addresses: string[] | undefined): void
  /** Pretend this many permanent short links exist (the cap is 100,000). */
  setPermanentShortLinkCount(count: number, appId?: string): void
  /** Live tokens expire now: the next call with one gets 42001. Default: every account. */
  expireTokens(appId?: string): void
  /** Every token is invalid now, as after a force_refresh elsewhere: 40001. Default: every account. */
  invalidateTokens(appId?: string): void
  counters(): EmulatorCounters
  /**
   * What a minted link stands for (scheme with `&cq=`, URL Link with `?cq=`,
   * short link, or bare id); `customQuery` is the decoded `cq`, when there is one.
   */
  lookupLink(link: string): LinkLookup | undefined
  /** The live jsapi ticket of a service account (default SANDBOX_OA / the first one), once one was handed out. */
  jsapiTicket(appId?: string): string | undefined
  /** Forgets tokens, tickets, links, counters, quotas, rate windows and faults; app states and the IP allow-list return to the options'. */
  reset(): void
}

export interface Emulator {
  url: string
  close(): Promise<void>
  control: EmulatorControl
}

const ROUTES: Record<string, { method: 'GET' | 'POST'; api: EmulatorApi }> = {
  '/cgi-bin/stable_token': { method: 'POST', api: 'stable_token' },
  '/wxa/generatescheme': { method: 'POST', api: 'generatescheme' },
  '/wxa/generate_urllink': { method: 'POST', api: 'generate_urllink' },
  '/wxa/genwxashortlink': { method: 'POST', api: 'genwxashortlink' },
  '/wxa/queryscheme': { method: 'POST', api: 'queryscheme' },
  '/wxa/query_urllink': { method: 'POST', api: 'query_urllink' },
  '/cgi-bin/ticket/getticket': { method: 'GET', api: 'getticket' },
}

const MAX_BODY_BYTES = 1 << 20

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulation = new Emulation({
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 7200,
    ratePerSecond: options.ratePerSecond ?? 100,
    dailyQuota: options.dailyQuota ?? 500_000,
    shortLinkDailyQuota: options.shortLinkDailyQuota ?? 1_000_000,
    permanentShortLinkCap: options.permanentShortLinkCap ?? 100_000,
    publishedPages: options.publishedPages,
    now: options.now ?? Date.now,
  })
  for (const app of [SANDBOX_APP, ...(options.apps ?? [])]) emulation.accounts.register(app, 'miniprogram')
  for (const account of [SANDBOX_OA, ...(options.officialAccounts ?? [])]) emulation.accounts.register(account, 'official')
  emulation.initialIpAllowList = options.ipAllowList && new Set(options.ipAllowList)
  emulation.accounts.ipAllowList = emulation.initialIpAllowList

  const server = createServer((request, response) => {
    serve(emulation, request, response).catch(() => response.destroy())
  })
  // Keep-alive like WeChat's front end; clients reuse connections in bursts.
  server.keepAliveTimeout = 5000
  server.headersTimeout = 10_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // A deep accept backlog: node's default (511) drops SYNs when a 1,000-call burst opens its connections at
    // once, and the retransmits (1 s, 3 s…) would look like WeChat being slow.
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: 4096 }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `http://${host}:${address.port}`,
    control: createControl(emulation),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

async function serve(emulation: Emulation, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const arrivedAt = emulation.now()
  const url = new URL(request.url ?? '/', 'http://emulator')
  const route = ROUTES[url.pathname]
  if (!route) return send(response, 404, { errcode: 404, errmsg: `emulator: no API at ${url.pathname}` })

  const { api } = route
  emulation.counters.call(api)
  if (GENERATION_APIS.has(api)) emulation.counters.generationArrived(arrivedAt)
  // Decided on arrival, from the URL alone (WeChat counts the rate on arrival, not when the body is in).
  const arrival: Arrival =
    request.method === route.method ? emulation.arrive(api, url.searchParams.get('access_token'), url.searchParams, arrivedAt) : { answer: wechatError(43002) }
  const raw = await readBody(request)

  const faults = emulation.faults
  if (emulation.faulted(api)) {
    if (Math.random() < (faults.dropRate ?? 0)) {
      emulation.counters.dropped()
      request.socket.destroy()
      return
    }
    if (faults.delayMs) await new Promise((resolve) => setTimeout(resolve, faults.delayMs))
  }

  let answer: Json
  if (arrival.answer) answer = arrival.answer
  else if (route.method === 'GET') answer = emulation.complete(api, arrival.caller, {}, request.socket.remoteAddress ?? '')
  else {
    const body = parseBody(raw)
    answer = typeof body === 'number' ? wechatError(body) : emulation.complete(api, arrival.caller, body, request.socket.remoteAddress ?? '')
  }
  emulation.counters.answer(typeof answer.errcode === 'number' ? answer.errcode : 0)
  send(response, 200, answer)
}

/** The JSON object body, or the errcode WeChat answers for an empty (44002) or unreadable (47001) one. */
function parseBody(raw: string): Json | number {
  if (raw.trim() === '') return 44002
  try {
    const body: unknown = JSON.parse(raw)
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : 47001
  } catch {
    return 47001
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) request.destroy()
      else chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
    // An oversize or aborted body never ends; settle so the handler does not hang (no-op after 'end').
    request.on('close', () => reject(new Error('request closed before its body ended')))
  })
}

function send(response: ServerResponse, status: number, body: Json): void {
  if (response.destroyed) return
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json; encoding=utf-8', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}

function createControl(emulation: Emulation): EmulatorControl {
  const appsFor = (appId?: string): string[] => (appId ? [appId] : emulation.accounts.appIds('miniprogram'))
  const kindsFor = (kind?: QuotaKind): QuotaKind[] => (kind ? [kind] : ['links', 'shortlinks'])
  const control: EmulatorControl = {
    setFaults: (faults) => {
      emulation.faults = { ...faults, forceErrcode: faults.forceErrcode && { ...faults.forceErrcode } }
    },
    clearFaults: () => {
      emulation.faults = {}
    },
    setQuotaRemaining: (remaining, target = {}) => {
      for (const appId of appsFor(target.appId)) {
        for (const kind of kindsFor(target.kind)) emulation.quota(appId, kind).setRemaining(remaining, emulation.now())
      }
    },
    exhaustQuota: (target) => control.setQuotaRemaining(0, target),
    quotaRemaining: (appId = SANDBOX_APP.appId, kind = 'links') => emulation.quota(appId, kind).remaining(emulation.now()),
    setAppState: (appId, state) => emulation.accounts.setAppState(appId, state),
    setIpAllowList: (addresses) => {
      emulation.accounts.ipAllowList = addresses && new Set(addresses)
    },
    setPermanentShortLinkCount: (count, appId) => {
      for (const id of appsFor(appId)) emulation.links.setPermanentCount(id, count)
    },
    expireTokens: (appId) => emulation.accounts.expireTokens(appId),
    invalidateTokens: (appId) => emulation.accounts.invalidateTokens(appId),
    counters: () => emulation.counters.snapshot(),
    lookupLink: (link) => emulation.lookup(link),
    jsapiTicket: (appId) => emulation.accounts.currentTicket(appId ?? SANDBOX_OA.appId),
    reset: () => emulation.reset(),
  }
  return control
}
