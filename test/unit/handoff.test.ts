import { afterEach, describe, expect, it, vi } from 'vitest'

/** A new load of the app in the same tab: the module starts afresh, the tab's sessionStorage stays. */
async function load() {
  vi.resetModules()
  return import('../../uni_modules/navi-kit/handoff')
}

const kept = () => Object.keys(sessionStorage).filter((key) => key.startsWith('navi-kit:'))

afterEach(() => sessionStorage.clear())

describe('oversize query payloads in the tab (H5)', () => {
  it('outlive a reload, and across loads the newest 20 stay (the browser back may reach their pages) while the oldest go', async () => {
    const first = await load()
    const ids = Array.from({ length: 15 }, (_, i) => first.putPayload({ n: i }, () => false))
    await new Promise((resolve) => setTimeout(resolve, 5)) // the next load starts later
    const second = await load()
    expect(second.getPayload(ids[0])).toEqual({ n: 0 })
    const more = Array.from({ length: 10 }, (_, i) => second.putPayload({ m: i }, () => false))
    await new Promise((resolve) => setTimeout(resolve, 5))
    // A third load whose open page (just reloaded) reads the very oldest payload.
    const third = await load()
    const newest = third.putPayload({ last: true }, (id) => id === ids[0])
    // Of the 25 from earlier loads the newest 20 stay, and the one an open page reads.
    expect(kept().sort()).toEqual(['navi-kit:' + ids[0], ...ids.slice(5).map((id) => 'navi-kit:' + id), ...more.map((id) => 'navi-kit:' + id), 'navi-kit:' + newest].sort())
    expect(third.getPayload(ids[0])).toEqual({ n: 0 })
    expect(third.getPayload(ids[1])).toBeUndefined()
    expect(third.getPayload(ids[5])).toEqual({ n: 5 })
  })
})
