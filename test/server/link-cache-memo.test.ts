import { describe, expect, it } from 'vitest'
import { LinkCache } from '../../src/links/cache'
import { MemoryStore } from '../../src/stores/memory'

const DAY = 86_400_000

describe('LinkCache answers what the store holds', () => {
  it('serves a replaced link, and nothing once the store has dropped it', async () => {
    const now = 1_800_000_000_000
    const store = new MemoryStore({ now: () => now })
    const cache = new LinkCache(store, DAY, () => now)
    await cache.set('link:a', { url: 'weixin://dl/business/?t=first', expiresAt: now + 30 * DAY, mintedAt: now })
    expect((await cache.get('link:a'))?.url).toBe('weixin://dl/business/?t=first')
    expect((await cache.get('link:a'))?.expiresAtIso).toBe(new Date(now + 30 * DAY).toISOString())

    // Another instance (or an operator) replaced the stored link: the new one is served.
    await cache.set('link:a', { url: 'weixin://dl/business/?t=second', expiresAt: now + 10 * DAY, mintedAt: now })
    const replaced = await cache.get('link:a')
    expect(replaced?.url).toBe('weixin://dl/business/?t=second')
    expect(replaced?.expiresAtIso).toBe(new Date(now + 10 * DAY).toISOString())

    await store.del('link:a')
    expect(await cache.get('link:a')).toBeNull()
  })

  it('stores the same text as before (url, expiresAt, mintedAt), whatever object it is given', async () => {
    const now = 1_800_000_000_000
    const store = new MemoryStore({ now: () => now })
    const cache = new LinkCache(store, DAY, () => now)
    const served = await (async () => {
      await cache.set('link:b', { url: 'u', expiresAt: now + DAY, mintedAt: now })
      return cache.get('link:b')
    })()
    if (!served) throw new Error('expected a link')
    await cache.set('link:c', served)
    expect(JSON.parse((await store.get('link:c')) ?? 'null')).toEqual({ url: 'u', expiresAt: now + DAY, mintedAt: now })
  })
})
