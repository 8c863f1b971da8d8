/**
 * A short-lived credential WeChat hands out with `expires_in` (access token,
 * jsapi_ticket): cached in the process and in the store, renewed once less
 * than `renewBeforeMs` remains, fetched by one caller at a time — per process
 * (single-flight promise) and across instances (a store lock; the others poll
 * the shared value until the holder has written it).
 */
import { randomUUID } from 'node:crypto'
import { ServiceError, type PartHealth } from '../service/types'
import type { Store } from '../stores/store'
import { sleep } from './client'

export interface Fetched {
  value: string
  expiresInSeconds: number
}

export interface CredentialOptions {
  /** Store key, e.g. `token:<appid>`. */
  key: string
  /** Human name for messages: 'access token', 'jsapi_ticket'. */
  name: string
  store: Store
  fetch: () => Promise<Fetched>
  now: () => number
  /** Renew once less than this remains (WeChat: 5 minutes, when stable_token starts handing out the next token). */
  renewBeforeMs?: number
  /** How long a fetch may take before other instances stop waiting for its holder. */
  fetchTimeoutMs: number
  onFetch?: (outcome: 'ok' | 'error') => void
}

interface Held {
  value: string
  expiresAt: number
  /** When to fetch the next one (normally expiresAt − renewBeforeMs). */
  renewAt: number
}

const POLL_MS = 25
/**
 * How long a transient failure (WeChat busy, slow or unreachable: a 503) keeps a part `down`; after it the part is
 * `degraded` until a call succeeds. Nothing asks for a credential while a load balancer keeps the instance out of
 * rotation, so a failure that never aged would keep it out for good.
 */
export const TRANSIENT_DOWN_MS = 60_000

export class SharedCredential {
  private held: Held | null = null
  private inflight: Promise<string> | null = null
  private lastError: { at: number; error: unknown } | null = null
  private readonly renewBeforeMs: number
  private readonly lockKey: string

  constructor(private readonly options: CredentialOptions) {
    this.renewBeforeMs = options.renewBeforeMs ?? 5 * 60_000
    this.lockKey = `${options.key}:lock`
  }

  /** Not a type guard: a held credential that is not fresh may still be usable. */
  private fresh(held: Held): boolean {
    return this.options.now() < held.renewAt && held.expiresAt > this.options.now()
  }

  private usable(held: Held | null): held is Held {
    return !!held && held.expiresAt > this.options.now()
  }

  /** A valid credential; renews it once under `renewBeforeMs` remains, waiting for that only when nothing usable is held. */
  async get(): Promise<string> {
    let held = this.held
    if (held && this.fresh(held)) return held.value
    if (!this.usable(held) && !this.inflight) {
      // Nothing usable in hand (just started, or what it held expired): the store may hold one another instance is
      // using in its last minutes. Served as the held one is, instead of every request of this instance waiting for
      // (or failing with) a renewal that another instance may be making already. Once a renewal is on its way it
      // reads the store itself (obtain): the requests that wait for it read it no more.
      const shared = parse(await this.options.store.get(this.options.key))
      if (this.usable(shared) && !this.usable(this.held)) this.held = shared
      held = this.held
      if (held && this.fresh(held)) return held.value
    }
    const renewal = (this.inflight ??= this.obtain().finally(() => {
      this.inflight = null
    }))
    // The held one still works (its last minutes, while WeChat already hands out the next): serve it now and let the
    // renewal finish behind, so a slow or failing renewal delays no caller. Its failure is kept for health().
    if (this.usable(held)) {
      renewal.catch(() => {})
      return held.value
    }
    return renewal
  }

  /**
   * WeChat refused `rejected` (40001/42001/40014): drop it here and in the
   * store (only if nobody replaced it yet) and get another. Callers holding an
   * older value than the current one just get the current one.
   */
  async replace(rejected: string): Promise<string> {
    const held = this.held
    if (held && held.value !== rejected && held.expiresAt > this.options.now()) return held.value
    if (held?.value === rejected) this.held = null
    const shared = parse(await this.options.store.get(this.options.key))
    if (shared?.value === rejected) await this.options.store.del(this.options.key)
    return this.get()
  }

  private async obtain(): Promise<string> {
    const { store, key, now, fetchTimeoutMs } = this.options
    const deadline = now() + fetchTimeoutMs * 2 + 1000
    const owner = randomUUID()
    for (;;) {
      const shared = parse(await store.get(key))
      if (shared && this.fresh(shared)) {
        this.held = shared
        return shared.value
      }
      if (await store.acquireLock(this.lockKey, owner, fetchTimeoutMs + 1000)) {
        try {
          // Someone may have written it between our read and our lock.
          const again = parse(await store.get(key))
          if (again && this.fresh(again)) {
            this.held = again
            return again.value
          }
          return await this.fetchAndShare()
        } finally {
          await store.releaseLock(this.lockKey, owner).catch(() => false)
        }
      }
      if (now() > deadline) {
        throw new ServiceError('token-unavailable', 503, `No ${this.options.name} could be obtained in time; retry shortly.`, 2)
      }
      await sleep(POLL_MS)
    }
  }

  private async fetchAndShare(): Promise<string> {
    let fetched: Fetched
    try {
      fetched = await this.options.fetch()
      this.lastError = null
      this.options.onFetch?.('ok')
    } catch (error) {
      this.lastError = { at: this.options.now(), error }
      this.options.onFetch?.('error')
      throw error
    }
    const ttlMs = fetched.expiresInSeconds * 1000
    const now = this.options.now()
    // A credential handed out with less than renewBeforeMs left (WeChat renews only in the last 5
    // minutes) is used for half its remaining life before asking again, instead of asking on every call.
    const renewAt = ttlMs > this.renewBeforeMs ? now + ttlMs - this.renewBeforeMs : now + Math.min(30_000, ttlMs / 2)
    const held = { value: fetched.value, expiresAt: now + ttlMs, renewAt }
    this.held = held
    await this.options.store.set(this.options.key, JSON.stringify(held), ttlMs)
    return held.value
  }

  health(): PartHealth {
    const last = this.lastError
    if (!last) return 'ok'
    if (this.usable(this.held)) return 'degraded'
    // A wrong secret or a missing IP whitelist entry stays down: no retry mends it.
    const transient = last.error instanceof ServiceError && last.error.status === 503
    return transient && this.options.now() - last.at >= TRANSIENT_DOWN_MS ? 'degraded' : 'down'
  }
}

function parse(raw: string | null): Held | null {
  if (!raw) return null
  try {
    const held = JSON.parse(raw) as Held
    return typeof held.value === 'string' && typeof held.expiresAt === 'number' && typeof held.renewAt === 'number'
      ? held
      : null
  } catch {
    return null
  }
}
