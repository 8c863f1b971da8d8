/**
 * In-process store: the default for one instance, and what the Redis store
 * falls back to while Redis is unreachable. Expiry is checked lazily against
 * the injected clock, so tests can move time without timers — except throttle
 * slots, which measure real elapsed time (WeChat's 1-second window is real).
 */
import type { PartHealth } from '../service/types'
import type { Store } from './store'

interface Entry {
  value: string
  expiresAt: number
}

export interface MemoryStoreOptions {
  now?: () => number
}

export class MemoryStore implements Store {
  readonly kind = 'memory' as const
  private readonly entries = new Map<string, Entry>()
  private readonly counters = new Map<string, Entry>()
  /** throttle key → slot id → time the slot frees */
  private readonly slots = new Map<string, Map<string, number>>()
  private readonly now: () => number
  private sweeps = 0

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now
  }

  private live(map: Map<string, Entry>, key: string): Entry | undefined {
    const entry = map.get(key)
    if (entry && entry.expiresAt <= this.now()) {
      map.delete(key)
      return undefined
    }
    return entry
  }

  /** Drops expired entries now and then, so keys nobody reads again do not pile up. */
  private sweep(): void {
    if (++this.sweeps % 1000 !== 0) return
    const now = this.now()
    for (const map of [this.entries, this.counters]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key)
    }
  }

  async get(key: string): Promise<string | null> {
    return this.live(this.entries, key)?.value ?? null
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.sweep()
    this.entries.set(key, { value, expiresAt: this.now() + Math.max(1, ttlMs) })
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key)
  }

  async acquireLock(key: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.live(this.entries, key)) return false
    await this.set(key, owner, ttlMs)
    return true
  }

  async releaseLock(key: string, owner: string): Promise<boolean> {
    if (this.live(this.entries, key)?.value !== owner) return false
    this.entries.delete(key)
    return true
  }

  private slotsOf(key: string): Map<string, number> {
    let held = this.slots.get(key)
    if (!held) this.slots.set(key, (held = new Map()))
    const now = Date.now()
    for (const [id, freeAt] of held) if (freeAt <= now) held.delete(id)
    return held
  }

  async takeSlot(key: string, id: string, limit: number, leaseMs: number): Promise<number> {
    const held = this.slotsOf(key)
    const now = Date.now()
    if (held.size < limit) {
      held.set(id, now + leaseMs)
      return -1
    }
    let earliest = Infinity
    for (const freeAt of held.values()) earliest = Math.min(earliest, freeAt)
    return Math.max(1, earliest - now)
  }

  async holdSlot(key: string, id: string, holdMs: number): Promise<void> {
    const held = this.slotsOf(key)
    if (held.has(id)) held.set(id, Date.now() + holdMs)
  }

  async addCount(key: string, by: number, ttlMs: number): Promise<number> {
    const entry = this.live(this.counters, key)
    const total = (entry ? Number(entry.value) : 0) + by
    this.counters.set(key, { value: String(total), expiresAt: entry?.expiresAt ?? this.now() + ttlMs })
    return total
  }

  async getCount(key: string): Promise<number> {
    return Number(this.live(this.counters, key)?.value ?? 0)
  }

  health(): PartHealth {
    return 'ok'
  }

  async close(): Promise<void> {
    this.entries.clear()
    this.counters.clear()
    this.slots.clear()
  }
}
