/**
 * Registered accounts, their access tokens (`/cgi-bin/stable_token` semantics)
 * and service-account jsapi tickets.
 *
 * Normal mode hands out the current token while it has more than 5 minutes
 * left; in its last 5 minutes it issues a new one and the old one keeps working
 * until its own expiry (the overlap that lets every instance switch over
 * without a failed call). force_refresh issues a new token and kills every
 * older one at once.
 */
import { randomBytes } from 'node:crypto'
import { fail, pass, type Checked } from './errcodes'
import { shanghaiDay } from './limits'

export interface Credentials {
  appId: string
  secret: string
}

/**
 * The state of a mini program that decides whether WeChat lets it mint links
 * at all: the documented 40002 (no permission: individual or non-mainland
 * subjects), 40013 (permission banned) and 85079 (no published version).
 */
export interface AppState {
  /** Default true. false: every generation call answers 85079. */
  published: boolean
  /** Default 'granted'. 'none': 40002; 'banned': 40013. */
  linkPermission: 'granted' | 'none' | 'banned'
}

/** A mini program as the emulator registers it. */
export interface EmulatedApp extends Credentials, Partial<AppState> {}

/** Mini programs mint links; service accounts (公众号) sign the JS-SDK. */
export type AccountKind = 'miniprogram' | 'official'

export interface TokenGrant {
  access_token: string
  expires_in: number
}

export interface TokenOwner {
  appId: string
  kind: AccountKind
}

interface TokenRecord extends TokenOwner {
  expiresAt: number
  revoked: boolean
}

interface Account extends AppState {
  secret: string
  kind: AccountKind
  /** The state it was registered with; reset() returns to it. */
  registered: AppState
  /** force_refresh bookkeeping: the Shanghai day, refreshes that day, the last one's time. */
  forceDay: string
  forcedToday: number
  lastForcedAt: number
}

const OVERLAP_MS = 5 * 60_000
/** force_refresh: at most 20 a day, and one within 30 s of the last does not refresh (the docs). */
const FORCE_REFRESH_PER_DAY = 20
const FORCE_REFRESH_SPACING_MS = 30_000
const TICKET_LIFETIME_MS = 7200_000
/** Forgotten this long after expiry: then it reads as unknown (40001), as an ancient token would. */
const FORGET_AFTER_MS = 24 * 3600_000
/** What a token looks like; anything else is malformed (40014) rather than unknown (40001). */
const TOKEN_SHAPE = /^[0-9A-Za-z_-]{32,512}$/

export class Accounts {
  private readonly accounts = new Map<string, Account>()
  /** When set, stable_token from any other address answers 40164 (WeChat's API IP allow-list). */
  ipAllowList?: ReadonlySet<string>
  private readonly tokens = new Map<string, TokenRecord>()
  private readonly currentToken = new Map<string, string>()
  private readonly tickets = new Map<string, { ticket: string; expiresAt: number }>()
  private generation = 80

  constructor(
    private readonly tokenLifetimeMs: number,
    private readonly now: () => number,
  ) {}

  register(app: EmulatedApp, kind: AccountKind): void {
    const registered: AppState = { published: app.published ?? true, linkPermission: app.linkPermission ?? 'granted' }
    this.accounts.set(app.appId, {
      secret: app.secret,
      kind,
      ...registered,
      registered,
      forceDay: '',
      forcedToday: 0,
      lastForcedAt: -Infinity,
    })
  }

  /** Changes a registered mini program's publish / permission state (unknown appid: an error, a test mistake). */
  setAppState(appId: string, state: Partial<AppState>): void {
    const account = this.accounts.get(appId)
    if (!account) throw new Error(`emulator: no account ${appId} is registered`)
    if (state.published !== undefined) account.published = state.published
    if (state.linkPermission !== undefined) account.linkPermission = state.linkPermission
  }

  /** 0 when `appId` may mint links, else the errcode WeChat answers its generation calls. */
  generationRefusal(appId: string): number {
    const account = this.accounts.get(appId)
    if (!account || account.linkPermission === 'none') return 40002
    if (account.linkPermission === 'banned') return 40013
    return account.published ? 0 : 85079
  }

  appIds(kind?: AccountKind): string[] {
    return [...this.accounts].filter(([, account]) => !kind || account.kind === kind).map(([appId]) => appId)
  }

  /** POST /cgi-bin/stable_token from `remoteAddress`. */
  stableToken(body: Record<string, unknown>, remoteAddress = ''): Checked<TokenGrant> {
    const { grant_type: grantType, appid, secret, force_refresh: forceRefresh } = body
    if (grantType !== 'client_credential') return fail(40002)
    if (typeof appid !== 'string' || !appid) return fail(41002)
    if (typeof secret !== 'string' || !secret) return fail(41004)
    if (forceRefresh !== undefined && typeof forceRefresh !== 'boolean') return fail(47001)
    const account = this.accounts.get(appid)
    if (!account) return fail(40013)
    if (account.secret !== secret) return fail(40125)
    if (this.ipAllowList && !this.ipAllowList.has(plainAddress(remoteAddress))) return fail(40164)

    const now = this.now()
    const currentToken = this.currentToken.get(appid)
    const current = this.record(currentToken)
    const live = current && !current.revoked && current.expiresAt > now ? { token: currentToken as string, record: current } : undefined
    if (forceRefresh) {
      const today = shanghaiDay(now)
      if (account.forceDay !== today) {
        account.forceDay = today
        account.forcedToday = 0
      }
      // Within 30 s of the last forced refresh WeChat does not refresh again: the live token comes back.
      if (live && now - account.lastForcedAt < FORCE_REFRESH_SPACING_MS) {
        return pass({ access_token: live.token, expires_in: secondsLeft(live.record.expiresAt, now) })
      }
      if (account.forcedToday >= FORCE_REFRESH_PER_DAY) return fail(45009)
      account.forcedToday++
      account.lastForcedAt = now
      for (const record of this.tokens.values()) if (record.appId === appid) record.revoked = true
    } else if (live && live.record.expiresAt - now > OVERLAP_MS) {
      return pass({ access_token: live.token, expires_in: secondsLeft(live.record.expiresAt, now) })
    }
    return pass(this.issue(appid, account.kind, now))
  }

  /** Who an `access_token` query parameter belongs to, or the errcode WeChat answers. */
  check(token: string | null): Checked<TokenOwner> {
    if (token === null || token === '') return fail(41001)
    if (!TOKEN_SHAPE.test(token)) return fail(40014)
    const record = this.tokens.get(token)
    if (!record || record.revoked) return fail(40001)
    if (this.now() >= record.expiresAt) return fail(42001)
    return pass({ appId: record.appId, kind: record.kind })
  }

  /** Every live token of `appId` (or of all accounts) expires now: the next call gets 42001. */
  expireTokens(appId?: string): void {
    const now = this.now()
    for (const record of this.tokens.values()) {
      if ((!appId || record.appId === appId) && record.expiresAt > now) record.expiresAt = now
    }
  }

  /** Every token of `appId` (or of all accounts) is invalid now, as after a force_refresh elsewhere: 40001. */
  invalidateTokens(appId?: string): void {
    for (const record of this.tokens.values()) if (!appId || record.appId === appId) record.revoked = true
  }

  /** GET /cgi-bin/ticket/getticket?type=jsapi for a service account; the same ticket until it expires. */
  jsapiTicket(appId: string): { ticket: string; expires_in: number } {
    const now = this.now()
    let entry = this.tickets.get(appId)
    if (!entry || entry.expiresAt <= now) {
      entry = { ticket: randomBytes(64).toString('base64url'), expiresAt: now + TICKET_LIFETIME_MS }
      this.tickets.set(appId, entry)
    }
    return { ticket: entry.ticket, expires_in: secondsLeft(entry.expiresAt, now) }
  }

  /** The live jsapi ticket of `appId` (default: the first service account), if one was handed out. */
  currentTicket(appId?: string): string | undefined {
    const id = appId ?? this.appIds('official')[0]
    const entry = id ? this.tickets.get(id) : undefined
    return entry && entry.expiresAt > this.now() ? entry.ticket : undefined
  }

  /** Forgets tokens, tickets and force_refresh counts; app states return to how they were registered. */
  reset(): void {
    this.tokens.clear()
    this.currentToken.clear()
    this.tickets.clear()
    for (const account of this.accounts.values()) {
      Object.assign(account, account.registered)
      account.forceDay = ''
      account.forcedToday = 0
      account.lastForcedAt = -Infinity
    }
  }

  private record(token: string | undefined): TokenRecord | undefined {
    return token ? this.tokens.get(token) : undefined
  }

  private issue(appId: string, kind: AccountKind, now: number): TokenGrant {
    for (const [token, record] of this.tokens) if (record.expiresAt + FORGET_AFTER_MS < now) this.tokens.delete(token)
    // Real tokens start with a small generation number and an underscore.
    const token = `${this.generation++}_${randomBytes(96).toString('base64url')}`
    this.tokens.set(token, { appId, kind, expiresAt: now + this.tokenLifetimeMs, revoked: false })
    this.currentToken.set(appId, token)
    return { access_token: token, expires_in: Math.round(this.tokenLifetimeMs / 1000) }
  }
}

/** '::ffff:127.0.0.1' (an IPv4 peer on a dual-stack socket) → '127.0.0.1'. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address
}

function secondsLeft(expiresAt: number, now: number): number {
  return Math.max(0, Math.floor((expiresAt - now) / 1000))
}
