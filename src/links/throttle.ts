/**
 * Keeps upstream link-generation calls within WeChat's limit (100 per second)
 * as WeChat counts them: on arrival.
 *
 * Counting at send time is not enough — a new connection delays one batch and
 * reused connections rush the next into the same second on WeChat's side
 * (measured: 60–110 × 44990 per 250-call burst). So a call holds its slot from
 * the moment it is sent until its answer is back plus one second. Every call
 * that arrived at WeChat within one 1-second window then held its slot at the
 * same instant (the window's end), so at most `limit` of them can exist.
 *
 * Slots live in the store (shared by every instance with Redis). Callers that
 * find no free slot wait in a bounded FIFO queue; a full queue is refused with
 * ServiceError 'queue-full' (503) at once rather than letting requests pile up.
 */
import { randomUUID } from 'node:crypto'
import { ServiceError } from '../service/types'
import type { Store } from '../stores/store'

export interface ThrottleOptions {
  store: Store
  /** Calls per second, ≤ 100. */
  limit: number
  /** Waiting callers allowed before 'queue-full'. */
  maxQueue: number
  /** Longest a slot can stay taken if its holder never releases it (crash): the call timeout plus slack. */
  leaseMs: number
  /** How long a slot stays taken after the answer: WeChat's window. */
  holdAfterMs?: number
  key?: string
}

export interface Slot {
  /** Frees the slot one window after now (call it when the answer is back, whatever it was). */
  release(): Promise<void>
}

interface Waiter {
  resolve(slot: Slot): void
  reject(error: Error): void
}

const closing = (): ServiceError =>
  new ServiceError('closing', 503, 'The link service is shutting down; retry on another instance.')

/** How often a blocked queue head looks again when the store gives no better hint (other instances free slots too). */
const POLL_MS = 20

export class Throttle {
  private readonly queue: Waiter[] = []
  private pumping = false
  private wake: (() => void) | null = null
  private closed = false
  private readonly holdAfterMs: number
  private readonly key: string

  constructor(private readonly options: ThrottleOptions) {
    this.holdAfterMs = options.holdAfterMs ?? 1000
    this.key = options.key ?? 'throttle:generate'
  }

  get depth(): number {
    return this.queue.length
  }

  /**
   * Resolves with a slot once one is free. `retry`: a call that already waited
   * (its first try drew -1/44990) goes to the front and is never refused.
   */
  acquire(options: { retry?: boolean } = {}): Promise<Slot> {
    if (this.closed) return Promise.reject(closing())
    if (!options.retry && this.queue.length >= this.options.maxQueue) {
      // A zero-length queue still serves a free slot at once.
      return this.queue.length === 0 ? this.tryOnce() : Promise.reject(this.queueFull())
    }
    return new Promise<Slot>((resolve, reject) => {
      const waiter = { resolve, reject }
      if (options.retry) this.queue.unshift(waiter)
      else this.queue.push(waiter)
      void this.pump()
    })
  }

  private queueFull(): ServiceError {
    const seconds = Math.max(1, Math.ceil(this.queue.length / this.options.limit))
    return new ServiceError(
      'queue-full',
      503,
      `Too many links are waiting for WeChat's ${this.options.limit}/s limit (${this.queue.length} queued); retry in ${seconds} s.`,
      seconds,
    )
  }

  private async tryOnce(): Promise<Slot> {
    const id = randomUUID()
    const wait = await this.options.store.takeSlot(this.key, id, this.options.limit, this.options.leaseMs)
    if (wait === -1) return this.slot(id)
    throw this.queueFull()
  }

  private slot(id: string): Slot {
    let released = false
    return {
      release: async () => {
        if (released) return
        released = true
        await this.options.store.holdSlot(this.key, id, this.holdAfterMs).catch(() => undefined)
        // A local slot frees in holdAfterMs: look again then (other instances are polled).
        setTimeout(() => this.poke(), this.holdAfterMs + 1).unref()
      },
    }
  }

  private poke(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }

  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.queue.length > 0 && !this.closed) {
        const id = randomUUID()
        let wait: number
        try {
          wait = await this.options.store.takeSlot(this.key, id, this.options.limit, this.options.leaseMs)
        } catch {
          wait = POLL_MS
        }
        if (wait === -1) {
          this.queue.shift()?.resolve(this.slot(id))
          continue
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(wait, POLL_MS))
          this.wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
    } finally {
      this.pumping = false
    }
  }

  close(): void {
    this.closed = true
    const error = closing()
    for (const waiter of this.queue.splice(0)) waiter.reject(error)
    this.poke()
  }
}
