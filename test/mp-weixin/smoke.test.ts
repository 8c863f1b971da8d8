import { describe, expect, it } from 'vitest'
import { buildDir } from '../support/build'
import { bootMiniProgram } from '../support/mp-weixin/mini-program'

describe('harness', () => {
  it('loads the first page', async () => {
    const mp = bootMiniProgram(buildDir('mp-weixin'))
    const home = await mp.waitForPage('pages/home/home')
    expect(home.text('#title')).toBe('home')
    home.tap('#go')
    const detail = await mp.waitForPage('pages/detail/detail')
    expect(detail.text('#title')).toBe('detail')
    expect(mp.depth()).toBe(2)
  })
})
