/**
 * A share card opened on another phone: the compiled app starts cold on the
 * card's path, so nothing of the session that made the card is in memory (a
 * test file of its own, as one file boots one mini program).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { encodeQuery } from '../../uni_modules/navi-kit/query'
import { buildDir } from '../support/build'
import { TYPED_QUERY } from '../support/expected'
import { bootMiniProgram, type MiniProgram } from '../support/mp-weixin/mini-program'

/** What route.fullPath of the typed push reads (the card's path), written by the plugin's own encoder. */
const CARD_PATH = `/pages/detail/detail?${encodeQuery(TYPED_QUERY)}`

let mp: MiniProgram
beforeAll(() => {
  mp = bootMiniProgram(buildDir('mp-weixin'), CARD_PATH)
})

describe('a share card made from route.fullPath', () => {
  it('opens cold on its page with the same typed query, from the URL alone', async () => {
    const page = await mp.waitForPage('pages/detail/detail')
    await mp.waitFor(() => expect(page.json('#query-json')).toEqual(TYPED_QUERY))
    expect(page.json('#decoded-json')).toEqual(TYPED_QUERY)
    expect(page.text('#fullpath')).toBe(CARD_PATH)
    // In <script setup> the page knows its own path (not home's); WeChat hands the query to onLoad.
    expect(page.text('#setup-route')).toBe('/pages/detail/detail')
    expect(mp.depth()).toBe(1)
  })

  it('back on a card (nothing below) relaunches home', async () => {
    const page = mp.current()
    const home = await mp.tapTo(page, '#back', 'pages/home/home')
    expect(home.route).toBe('pages/home/home')
    expect(mp.depth()).toBe(1)
  })
})

describe('a link whose query has a key every object has', () => {
  it.each(['valueOf', 'constructor'])("opens its page with its query ('%s')", async (key) => {
    // WeChat restarts on the link's path, as for a share card or a scan.
    const page = await mp.relaunch(`/pages/detail/detail?${key}=1&id=2`)
    expect(page.route).toBe('pages/detail/detail')
    // Its own route, not home's: the page's route took the link's keys as they are.
    await mp.waitFor(() => expect(page.text('#path')).toBe('/pages/detail/detail'))
    expect(page.json('#query-json')).toEqual({ [key]: '1', id: '2' })
    expect(page.json('#decoded-json')).toEqual({ [key]: '1', id: '2' })
  })
})
