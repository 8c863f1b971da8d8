/**
 * Pure parts of link minting: the cache key, the serving window before expiry,
 * cq appending, request validation and the plaintext fallback link.
 * (Minting against the emulator: links-service.test.ts.)
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { LinkCache, linkExpiry, linkKey } from '../../src/links/cache'
import { isPlaintextPath, plaintextScheme } from '../../src/links/plaintext'
import { appendCq, validateLinkRequest } from '../../src/links/validate'
import { ServiceError, type LinkRequest } from '../../src/service/types'
import { MemoryStore } from '../../src/stores/memory'

const APPID = 'wx4e1ba651bbe36d01'
const DAY = 86_400_000

describe('link cache key', () => {
  const base: LinkRequest = { kind: 'scheme', path: 'pages/a/a', query: 'id=1' }
  it('differs by kind, appid, path, query, env_version and expiry', () => {
    const key = linkKey(APPID, base)
    for (const other of [
      { ...base, kind: 'urllink' as const },
      { ...base, path: 'pages/b/b' },
      { ...base, query: 'id=2' },
      { ...base, envVersion: 'trial' as const },
      { ...base, expireDays: 7 },
    ]) {
      expect(linkKey(APPID, other)).not.toBe(key)
    }
    expect(linkKey('wx0000000000000002', base)).not.toBe(key)
  })

  it('is the hash of the key parts as JSON (keys already in a shared Redis stay valid)', () => {
    const parts = ['scheme', APPID, 'pages/a/a', 'id=1', 'release', 'days:30', '']
    const expected = 'link:' + createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40)
    expect(linkKey(APPID, base)).toBe(expected)
    // Asked again (the memo answers), and with every default spelt out: the same key.
    expect(linkKey(APPID, { ...base })).toBe(expected)
    expect(linkKey(APPID, { ...base, envVersion: 'release', expireDays: 30 })).toBe(expected)
  })

  it('tells Short Links apart by title and permanence', () => {
    const short: LinkRequest = { kind: 'shortlink', path: 'pages/a/a', pageTitle: 'Sale' }
    const key = linkKey(APPID, short)
    expect(linkKey(APPID, { ...short, pageTitle: 'Sale!' })).not.toBe(key)
    expect(linkKey(APPID, { ...short, isPermanent: true })).not.toBe(key)
    expect(linkKey(APPID, { ...short, isPermanent: false })).toBe(key)
  })

  it('ignores cq, and treats release and the default expiry as their explicit forms', () => {
    const key = linkKey(APPID, base)
    expect(linkKey(APPID, { ...base, cq: 'user=42' })).toBe(key)
    expect(linkKey(APPID, { ...base, envVersion: 'release', expireDays: 30 })).toBe(key)
  })
})

describe('LinkCache serving window', () => {
  it('serves a link until the margin before it expires, then misses', async () => {
    let now = 1_700_000_000_000
    const cache = new LinkCache(new MemoryStore({ now: () => now }), DAY, () => now)
    const request: LinkRequest = { kind: 'scheme', path: 'pages/a/a', expireDays: 30 }
    const expiresAt = linkExpiry(request, now)
    expect(expiresAt).toBe(now + 30 * DAY)
    await cache.set('k', { url: 'weixin://dl/business/?t=ABC', expiresAt, mintedAt: now })
    now += 29 * DAY - 1000
    expect((await cache.get('k'))?.url).toBe('weixin://dl/business/?t=ABC')
    now += 2000 // within the last day
    expect(await cache.get('k')).toBeNull()
  })

  it("gives a temporary Short Link WeChat's 30 days and a permanent one none", () => {
    const now = 1_700_000_000_000
    expect(linkExpiry({ kind: 'shortlink', path: 'pages/a/a' }, now)).toBe(now + 30 * DAY)
    expect(linkExpiry({ kind: 'shortlink', path: 'pages/a/a', isPermanent: true }, now)).toBeNull()
  })

  it('caps the margin at half the life of a short-lived link', async () => {
    let now = 1_700_000_000_000
    const cache = new LinkCache(new MemoryStore({ now: () => now }), DAY, () => now)
    const expiresAt = linkExpiry({ kind: 'urllink', path: 'pages/a/a', expireDays: 1 }, now)
    await cache.set('k', { url: 'https://wxaurl.cn/x', expiresAt, mintedAt: now })
    now += DAY / 2 - 1000
    expect(await cache.get('k')).not.toBeNull()
    now += 2000
    expect(await cache.get('k')).toBeNull()
  })
})

describe('cq', () => {
  it('rides as &cq= on an encrypted scheme and ?cq= on a URL Link, percent-encoded once', () => {
    expect(appendCq('weixin://dl/business/?t=AbC123', 'uid=42&from=sms')).toBe(
      'weixin://dl/business/?t=AbC123&cq=uid%3D42%26from%3Dsms',
    )
    expect(appendCq('https://wxaurl.cn/AbC123', 'uid=42')).toBe('https://wxaurl.cn/AbC123?cq=uid%3D42')
  })
})

describe('validateLinkRequest', () => {
  const refuse = (request: Partial<LinkRequest>) => {
    try {
      validateLinkRequest({ kind: 'scheme', path: 'pages/a/a', ...request } as LinkRequest)
    } catch (error) {
      expect(error).toBeInstanceOf(ServiceError)
      expect(error).toMatchObject({ code: 'invalid', status: 400 })
      return (error as Error).message
    }
    throw new Error('accepted')
  }
  it("refuses what WeChat would, naming the rule", () => {
    expect(refuse({ path: '/pages/a/a' })).toMatch(/leading '\/'/)
    expect(refuse({ path: 'pages/a/a?x=1' })).toMatch(/query separately/)
    // The core is also used directly: a dot segment must not slip past its own check either.
    for (const path of ['pages/ok/../secret/x', 'pages/./a', 'pages//a', '../a']) expect(refuse({ path })).toMatch(/page path/)
    expect(refuse({ query: 'a=中文' })).toMatch(/only use/)
    expect(refuse({ query: 'a'.repeat(1025) })).toMatch(/1024/)
    expect(refuse({ envVersion: 'beta' as never })).toMatch(/release, trial or develop/)
    expect(refuse({ expireDays: 31 })).toMatch(/1 to 30/)
    expect(refuse({ expireDays: 0 })).toMatch(/1 to 30/)
    expect(refuse({ cq: 'x'.repeat(257) })).toMatch(/256/)
    expect(refuse({ cq: 'a b' })).toMatch(/cq may only use/)
    expect(refuse({ kind: 'shortlink', cq: 'x' })).toMatch(/Short Link/)
    expect(refuse({ kind: 'shortlink', query: 'a'.repeat(1020) })).toMatch(/page_url allows 1024/)
    // The home page (no path) is a scheme's and a URL Link's, not a Short Link's; a Short Link opens the release only.
    expect(refuse({ kind: 'shortlink', path: '' })).toMatch(/page path/)
    expect(refuse({ kind: 'shortlink', envVersion: 'trial' })).toMatch(/release version only/)
    // DEL is a control character too: WeChat would answer 40225, after the call is spent.
    expect(refuse({ kind: 'shortlink', pageTitle: 'Sale\u007f' })).toMatch(/pageTitle must be plain text/)
    expect(refuse({ kind: 'shortlink', pageTitle: '😀'.repeat(65) })).toMatch(/at most 64 characters/)
  })
  it('accepts the edges', () => {
    expect(() =>
      validateLinkRequest({ kind: 'urllink', path: 'pages/a/a', query: "!#$&'()*+,/:;=?@-._~%".padEnd(1024, 'a'), expireDays: 30, cq: 'x'.repeat(256) }),
    ).not.toThrow()
    // 64 characters, counted as the HTTP schema counts them: an emoji is one, not two UTF-16 units.
    expect(() => validateLinkRequest({ kind: 'shortlink', path: 'pages/a/a', pageTitle: '😀'.repeat(64) })).not.toThrow()
  })
})

describe('plaintext fallback link', () => {
  it("follows the docs' example: query encoded once more, env_version omitted for release", () => {
    expect(plaintextScheme(APPID, { kind: 'scheme', path: 'mall/order/list', query: 'index=2' })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=mall/order/list&query=index%3D2',
    )
    expect(plaintextScheme(APPID, { kind: 'scheme', path: 'mall/order/list', envVersion: 'trial' })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=mall/order/list&env_version=trial',
    )
  })
  it('carries cq inside the query, and gives up beyond 512 characters', () => {
    expect(plaintextScheme(APPID, { kind: 'scheme', path: 'p/a', query: 'a=1', cq: 'u=2' })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=p/a&query=a%3D1%26cq%3Du%253D2',
    )
    expect(plaintextScheme(APPID, { kind: 'scheme', path: 'p/a', query: 'a'.repeat(600) })).toBeNull()
  })
  it('matches plaintext paths exactly or by folder', () => {
    expect(isPlaintextPath('pages/a/a', ['pages/a/a'])).toBe(true)
    expect(isPlaintextPath('pages/shop/item', ['pages/shop/*'])).toBe(true)
    expect(isPlaintextPath('pages/b/b', ['pages/a/a', 'pages/shop/*'])).toBe(false)
    // A folder entry covers that folder, not a sibling whose name starts the same.
    expect(isPlaintextPath('pages/shopx/item', ['pages/shop/*'])).toBe(false)
    expect(isPlaintextPath('pages/shop', ['pages/shop/*'])).toBe(false)
  })
})
