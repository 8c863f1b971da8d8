import { afterEach, describe, expect, it } from 'vitest'
import { setPlatformSeam } from '../../uni_modules/navi-kit/platform'
import { decodeQuery, encodeQuery, splitQuery } from '../../uni_modules/navi-kit/query'
import { putPayload } from '../../uni_modules/navi-kit/handoff'

let restore = () => {}
afterEach(() => restore())

describe('encodeQuery', () => {
  it('writes strings as themselves and lists typed keys in _nkt', () => {
    expect(encodeQuery({ id: 42, note: '42', name: 'Ann Lee', path: '/a/b:c,d@e' })).toBe(
      'id=42&note=42&name=Ann%20Lee&path=/a/b:c,d@e&_nkt=id',
    )
    expect(encodeQuery({ a: [1, 'x'], b: null, c: undefined as never })).toBe('a=%5B1,%22x%22%5D&b=null&_nkt=a,b')
  })

  it('escapes a comma or percent inside a typed key', () => {
    expect(encodeQuery({ 'a,b': 1, '%2C': true })).toBe('a,b=1&%252C=true&_nkt=a%252Cb,%25252C')
    expect(decodeQuery(splitQuery(encodeQuery({ 'a,b': 1, '%2C': true })), true)).toEqual({ 'a,b': 1, '%2C': true })
  })
})

describe('decodeQuery', () => {
  it('decodes once on mini programs (raw options) and not at all on H5 (decoded options)', () => {
    restore = setPlatformSeam({ platform: () => 'mp-weixin' })
    expect(decodeQuery({ p: '100%25', n: '1', _nkt: 'n' })).toEqual({ p: '100%', n: 1 })
    restore()
    restore = setPlatformSeam({ platform: () => 'h5' })
    expect(decodeQuery({ p: '100%25', q: '100%', n: '1', _nkt: 'n' })).toEqual({ p: '100%25', q: '100%', n: 1 })
  })

  it('reads plain external links as strings and survives bad input', () => {
    expect(decodeQuery({ id: 'abc', n: '42', bad: '%E0%A4%A' }, true)).toEqual({ id: 'abc', n: '42', bad: '%E0%A4%A' })
    expect(decodeQuery({ x: 'not json', _nkt: 'x' }, true)).toEqual({ x: 'not json' })
    expect(decodeQuery(undefined)).toEqual({})
  })

  it('returns a copy of a handed-off payload, and the URL keys when the payload is gone (after a refresh)', () => {
    const payload = { big: 'x'.repeat(10), list: [1] }
    const id = putPayload(payload, () => false)
    const read = decodeQuery({ _nkh: id }, true)
    expect(read).toEqual(payload)
    expect(read).not.toBe(payload)
    expect(decodeQuery({ _nkh: 'stale', keep: 'me' }, true)).toEqual({ keep: 'me' })
  })
})
