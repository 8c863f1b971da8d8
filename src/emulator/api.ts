/**
 * What each emulated endpoint answers, in two steps: on arrival, from the URL
 * alone — forced errcodes and "system busy" first, then the token, the
 * account's kind and permission, the rate window — and, once the body is
 * read, the request checks, caps and quotas, and finally the mint: the order
 * in which WeChat's own answers make the most sense to a client.
 */
import { Accounts, type TokenOwner } from './accounts'
import { wechatError, type Checked } from './errcodes'
import { ArrivalWindow, Counters, DailyQuota, type QuotaKind } from './limits'
import type { WechatApi } from '../wechat/client'
import {
  checkSchemeRequest,
  checkShortLinkRequest,
  checkUrlLinkRequest,
  customQueryOf,
  LinkRegistry,
  openingQuery,
  parsePlaintextScheme,
  type LinkLookup,
  type LinkSpec,
  type ValidationContext,
} from './links'

/** The WeChat APIs the emulator answers: exactly the ones the client calls. */
export type EmulatorApi = WechatApi

export const GENERATION_APIS: ReadonlySet<EmulatorApi> = new Set(['generatescheme', 'generate_urllink', 'genwxashortlink'])

export interface EmulatorFaults {
  /** Every answer waits this long. */
  delayMs?: number
  /** Share of calls (0–1) answered errcode -1 "system error". */
  systemBusyRate?: number
  /** Share of calls (0–1) whose connection is destroyed without an answer. */
  dropRate?: number
  /** The next `times` calls of `api` answer `errcode` (any errcode; for the ones the emulator cannot provoke). */
  forceErrcode?: { api: EmulatorApi; errcode: number; times: number }
  /** The APIs delay / busy / drop apply to; default every API. */
  apis?: EmulatorApi[]
}

export type Json = Record<string, unknown>

/** What `arrive` settled: the answer, or who is calling (absent for stable_token) so `complete` can go on. */
export type Arrival = { answer: Json; caller?: undefined } | { answer?: undefined; caller?: TokenOwner }

export interface EmulationOptions {
  tokenLifetimeSeconds: number
  ratePerSecond: number
  dailyQuota: number
  shortLinkDailyQuota: number
  permanentShortLinkCap: number
  publishedPages?: string[]
  now: () => number
}

type Spec = (body: Json, context: ValidationContext) => Checked<LinkSpec>

const GENERATION: Record<string, { check: Spec; quotaErrcode: number; quota: QuotaKind; field: string }> = {
  generatescheme: { check: checkSchemeRequest, quotaErrcode: 44993, quota: 'links', field: 'openlink' },
  generate_urllink: { check: checkUrlLinkRequest, quotaErrcode: 45009, quota: 'links', field: 'url_link' },
  genwxashortlink: { check: checkShortLinkRequest, quotaErrcode: 45009, quota: 'shortlinks', field: 'link' },
}

/** Daily visits a link may still receive; the emulator has no visitors, so this is the documented ceiling. */
const VISIT_QUOTA = 3_000_000

export class Emulation {
  readonly accounts: Accounts
  readonly links = new LinkRegistry()
  readonly counters = new Counters()
  faults: EmulatorFaults = {}
  /** The IP allow-list the emulator was started with; reset() restores it. */
  initialIpAllowList?: ReadonlySet<string>
  private readonly windows = new Map<string, ArrivalWindow>()
  private readonly quotas = new Map<string, DailyQuota>()
  private readonly publishedPages?: ReadonlySet<string>

  constructor(private readonly options: EmulationOptions) {
    this.accounts = new Accounts(options.tokenLifetimeSeconds * 1000, options.now)
    this.publishedPages = options.publishedPages ? new Set(options.publishedPages) : undefined
  }

  now(): number {
    return this.options.now()
  }

  /** Whether delay / busy / drop apply to this API. */
  faulted(api: EmulatorApi): boolean {
    return !this.faults.apis || this.faults.apis.includes(api)
  }

  quota(appId: string, kind: QuotaKind): DailyQuota {
    const key = `${kind}:${appId}`
    let quota = this.quotas.get(key)
    if (!quota) {
      quota = new DailyQuota(kind === 'shortlinks' ? this.options.shortLinkDailyQuota : this.options.dailyQuota)
      this.quotas.set(key, quota)
    }
    return quota
  }

  /**
   * Everything a call's URL alone decides, settled the moment it arrives —
   * before its body is read, before any delay fault — because WeChat counts
   * the rate on arrival: forced errcode, system busy, the token, the account's
   * kind and link permission, and the per-appid rate window. Returns the
   * answer, or the caller (none for stable_token) to `complete` with the body.
   */
  arrive(api: EmulatorApi, token: string | null, query: URLSearchParams, arrivedAt: number): Arrival {
    const forced = this.faults.forceErrcode
    if (forced && forced.api === api && forced.times > 0) {
      forced.times--
      return { answer: wechatError(forced.errcode) }
    }
    if (this.faulted(api) && Math.random() < (this.faults.systemBusyRate ?? 0)) return { answer: wechatError(-1) }
    if (api === 'stable_token') return {}

    const owner = this.accounts.check(token)
    if (!owner.ok) return { answer: wechatError(owner.errcode) }
    const caller = owner.value
    if (api === 'getticket') {
      if (caller.kind !== 'official') return { answer: wechatError(48001) }
      if (query.get('type') !== 'jsapi') return { answer: wechatError(40097) }
      return { answer: { ...wechatError(0), ...this.accounts.jsapiTicket(caller.appId) } }
    }
    if (caller.kind !== 'miniprogram') return { answer: wechatError(48001) }
    if (GENERATION_APIS.has(api)) {
      const refusal = this.accounts.generationRefusal(caller.appId)
      if (refusal !== 0) return { answer: wechatError(refusal) }
      if (!this.window(caller.appId).admit(arrivedAt)) return { answer: wechatError(44990) }
    }
    return { caller }
  }

  /** The answer to a call that `arrive` let through, given its parsed JSON body. */
  complete(api: EmulatorApi, caller: TokenOwner | undefined, body: Json, remoteAddress: string): Json {
    if (api === 'stable_token' || !caller) {
      const grant = this.accounts.stableToken(body, remoteAddress)
      if (!grant.ok) return wechatError(grant.errcode)
      this.counters.tokenFetched()
      return { ...grant.value }
    }
    if (api === 'queryscheme' || api === 'query_urllink') return this.queryLink(api, caller.appId, body)
    return this.generate(api, caller.appId, body)
  }

  private window(appId: string): ArrivalWindow {
    let window = this.windows.get(appId)
    if (!window) {
      window = new ArrivalWindow(this.options.ratePerSecond)
      this.windows.set(appId, window)
    }
    return window
  }

  private generate(api: EmulatorApi, appId: string, body: Json): Json {
    const now = this.now()
    const generation = GENERATION[api]
    const spec = generation.check(body, { now, publishedPages: this.publishedPages })
    if (!spec.ok) return wechatError(spec.errcode)
    if (spec.value.expiresAt === null && this.links.permanentCount(appId) >= this.options.permanentShortLinkCap) {
      return wechatError(85400)
    }
    if (!this.quota(appId, generation.quota).take(now)) return wechatError(generation.quotaErrcode)

    const link = this.links.mint(appId, spec.value, now)
    this.counters.minted()
    return { ...wechatError(0), [generation.field]: link.url }
  }

  private queryLink(api: 'queryscheme' | 'query_urllink', appId: string, body: Json): Json {
    const now = this.now()
    const field = api === 'queryscheme' ? 'scheme' : 'url_link'
    const asked = body[field]
    const queryType = body.query_type ?? 0
    if (queryType !== 0 && queryType !== 1) return wechatError(40097)
    if (!this.quota(appId, 'queries').take(now)) return wechatError(85406)
    const quotaInfo = { remain_visit_quota: VISIT_QUOTA }
    if (queryType === 1) return { ...wechatError(0), quota_info: quotaInfo }
    if (typeof asked !== 'string' || !asked) return wechatError(40097)

    const plaintext = api === 'queryscheme' ? parsePlaintextScheme(asked) : undefined
    if (plaintext) {
      // Plaintext schemes are not minted, so WeChat has no create or expire time for them: 0, like a permanent link.
      if (plaintext.appId !== appId) return wechatError(85403)
      const info = { appid: appId, path: plaintext.path, query: plaintext.query, create_time: 0, expire_time: 0, env_version: plaintext.envVersion }
      return { ...wechatError(0), scheme_info: info, visit_openid: '', quota_info: quotaInfo }
    }
    const link = this.links.lookup(asked, api === 'queryscheme' ? 'scheme' : 'urllink')
    // Another app's link reads as unknown: WeChat tells an app nothing about others' links.
    if (!link || link.appId !== appId) return wechatError(85403)
    const info: Json = {
      appid: link.appId,
      path: link.path,
      query: openingQuery(link, customQueryOf(asked.trim())),
      create_time: Math.floor(link.createdAt / 1000),
      expire_time: link.expiresAt === null ? 0 : Math.floor(link.expiresAt / 1000),
      env_version: link.envVersion,
    }
    if (api === 'queryscheme') return { ...wechatError(0), scheme_info: info, visit_openid: '', quota_info: quotaInfo }
    const cloudBase = { env: '', domain: '', path: '', query: '', resource_appid: '' }
    return { ...wechatError(0), url_link_info: { ...info, cloud_base: cloudBase }, visit_openid: '', quota_info: quotaInfo }
  }

  /** The minted link behind `link`, with the `cq` appended to it, if any. */
  lookup(link: string): LinkLookup | undefined {
    const found = this.links.lookup(link)
    if (!found) return undefined
    const customQuery = customQueryOf(link.trim())
    return customQuery === undefined ? { ...found } : { ...found, customQuery }
  }

  reset(): void {
    this.accounts.reset()
    this.accounts.ipAllowList = this.initialIpAllowList
    this.links.reset()
    this.counters.reset()
    this.windows.clear()
    this.quotas.clear()
    this.faults = {}
  }
}
