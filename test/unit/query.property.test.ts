import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeQuery } from '../../uni_modules/navi-kit/query'
import type { RouteQuery } from '../../uni_modules/navi-kit/types'
import { harness, SEMANTICS, type Harness } from '../sim/fixture'
import { mountPages } from '../sim/pages'

let h: Harness
afterEach(() => h?.restore())

/** Text that stresses URLs: the separators, spaces, '%' sequences, emoji, CJK. */
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('&', '=', '?', '#', '%', '+', ' ', ',', '/', ':', '%25', '%2C', '中', '文', '😀', '👩‍👩‍👧', 'a', '1', '"', '[') }),
)
const value = fc.oneof(nasty, fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 3 }), fc.constantFrom('42', 'true', 'null', '[1]', '{}', ''))
// Not the reserved keys, nor the names every object has (both invalid, tested in router.test.ts).
const query = fc.dictionary(nasty.filter((key) => key !== '_nkt' && key !== '_nkh' && !(key in Object.prototype)), value, { maxKeys: 6 })

// And the App, which hands a page the text as written, as WeChat does (uni-app-plus: no decodedQuery).
describe.each([...SEMANTICS, 'app' as const])('query round trip on %s', (platform) => {
  it('any JSON object pushed is what the target page reads, types included', async () => {
    h = harness(platform, { queryLimit: 300, withApp: true })
    const seenOf = mountPages(h.sim, h.router)
    await fc.assert(
      fc.asyncProperty(query, async (pushed) => {
        // push: navigateTo, then on mp-weixin's full stack the default 'redirect' policy
        await h.router.push({ path: '/pages/detail/detail', query: pushed as RouteQuery })
        // JSON's own normal form (e.g. -0 is written 0): what "the same JSON value" means.
        const expected = JSON.parse(JSON.stringify(pushed)) as unknown
        const page = h.sim.getCurrentPages().slice(-1)[0]
        // (The App lists a page's options in its $page only.)
        expect(decodeQuery(page.options ?? page.$page.options)).toEqual(expected)
        expect(seenOf(page).route.query).toEqual(expected)
        expect(h.router.currentRoute.value.query).toEqual(expected)
        // The route's fullPath leads back to the same query.
        expect(h.router.resolve(h.router.currentRoute.value.fullPath).query).toEqual(expected)
      }),
      { numRuns: 150 },
    )
  })
})
