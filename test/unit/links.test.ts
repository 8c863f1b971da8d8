import { describe, expect, it } from 'vitest'
import { LaunchError } from '../../uni_modules/navi-kit/errors'
import {
  alipayHttpsLink,
  appendCustomQuery,
  buildAlipayScheme,
  buildWeixinScheme,
} from '../../uni_modules/navi-kit/index'

/** Runs `fn`, expects a LaunchError 'invalid' whose message names `field`. */
function invalid(fn: () => unknown, field: RegExp): LaunchError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(LaunchError)
    expect((error as LaunchError).code).toBe('invalid')
    expect((error as LaunchError).message).toMatch(field)
    return error as LaunchError
  }
  throw new Error('expected a LaunchError')
}

const APPID = 'wx4e1ba651bbe36d01'

describe('buildWeixinScheme (plaintext URL Scheme)', () => {
  it("reproduces WeChat's worked example", () => {
    expect(buildWeixinScheme({ appId: APPID, path: 'mall/order/list', query: 'index=2' })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=mall/order/list&query=index%3D2',
    )
  })

  it('serialises an object query the same way and strips the leading slash of path', () => {
    expect(buildWeixinScheme({ appId: APPID, path: '/mall/order/list', query: { index: 2 } })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=mall/order/list&query=index%3D2',
    )
  })

  it('encodes each key and value of an object, then the whole query once more', () => {
    expect(buildWeixinScheme({ appId: APPID, path: 'pages/a/a', query: { name: 'a b', city: '上海', ok: true } })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/a/a' +
        '&query=name%3Da%2520b%26city%3D%25E4%25B8%258A%25E6%25B5%25B7%26ok%3Dtrue',
    )
  })

  it('encodes an already-encoded string query once more (nested parameters survive)', () => {
    const query = 'channel=common&type=toPage&params=url%3D%2Fpages%2Fc%2Fc%3Fb%3Dq'
    expect(buildWeixinScheme({ appId: APPID, path: 'pages/redirect/redirect', query })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/redirect/redirect' +
        '&query=channel%3Dcommon%26type%3DtoPage%26params%3Durl%253D%252Fpages%252Fc%252Fc%253Fb%253Dq',
    )
  })

  it('adds env_version for trial and develop, omits it for release', () => {
    const base = { appId: APPID, path: 'pages/a/a' }
    expect(buildWeixinScheme({ ...base, envVersion: 'trial' })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/a/a&env_version=trial',
    )
    expect(buildWeixinScheme({ ...base, query: 'a=1', envVersion: 'develop' })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/a/a&query=a%3D1&env_version=develop',
    )
    expect(buildWeixinScheme({ ...base, envVersion: 'release' })).toBe(
      'weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/a/a',
    )
  })

  it('accepts every character of WeChat\'s set in a string query, encoding ! \' ( ) * too', () => {
    const query = "09AZaz!#$&'()*+,/:;=?@-._~%"
    expect(buildWeixinScheme({ appId: APPID, path: 'p', query })).toBe(
      `weixin://dl/business/?appid=${APPID}&path=p&query=09AZaz%21%23%24%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40-._~%25`,
    )
  })

  it('takes 512 characters of query and refuses 513', () => {
    expect(buildWeixinScheme({ appId: APPID, path: 'p', query: 'a'.repeat(512) })).toContain(`query=${'a'.repeat(512)}`)
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'p', query: 'a'.repeat(513) }), /query.*512/)
    // The object form counts its serialised string: "k=" + 511 × "a" = 513.
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'p', query: { k: 'a'.repeat(511) } }), /query.*512/)
  })

  it('refuses a string query outside the character set', () => {
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'p', query: 'a=b c' }), /query may contain only/)
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'p', query: 'city=上海' }), /query/)
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'p', query: 'a=`' }), /query/)
  })

  it('refuses a query inside path, a missing path, and odd paths', () => {
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'pages/a/a?id=1' }), /path.*query/)
    invalid(() => buildWeixinScheme({ appId: APPID, path: '' }), /path is required/)
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'pages/a b' }), /path/)
  })

  it('leaves out an empty query and undefined members, as the router does', () => {
    expect(buildWeixinScheme({ appId: APPID, path: 'pages/a/a', query: {} })).toBe(`weixin://dl/business/?appid=${APPID}&path=pages/a/a`)
    expect(buildWeixinScheme({ appId: APPID, path: 'pages/a/a', query: '' })).toBe(`weixin://dl/business/?appid=${APPID}&path=pages/a/a`)
    expect(buildWeixinScheme({ appId: APPID, path: 'pages/a/a', query: { id: 1, from: undefined } })).toBe(
      `weixin://dl/business/?appid=${APPID}&path=pages/a/a&query=id%3D1`,
    )
  })

  it('refuses text cut inside an emoji (a lone surrogate) as invalid, naming the query', () => {
    const cut = '😀😀'.slice(0, 3)
    const error = invalid(() => buildWeixinScheme({ appId: APPID, path: 'p', query: { q: cut } }), /^query holds half an emoji/)
    expect(error.message).toContain('Array.from(text)')
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'p', query: { [cut]: 1 } }), /^query holds half an emoji/)
  })

  it('refuses an appId that is not wx + 16 characters, and an unknown envVersion', () => {
    invalid(() => buildWeixinScheme({ appId: 'wx123', path: 'p' }), /appId/)
    invalid(() => buildWeixinScheme({ appId: 'gh_c047d654ee27', path: 'p' }), /appId/)
    invalid(() => buildWeixinScheme({ appId: APPID, path: 'p', envVersion: 'beta' as 'trial' }), /envVersion/)
  })
})

describe('buildAlipayScheme and alipayHttpsLink', () => {
  const ALIPAY = '2021002161234567'

  it("reproduces Alipay's worked example, query encoded once", () => {
    const scheme = buildAlipayScheme({ appId: ALIPAY, page: 'pages/index/index', query: 'key1=value1&key2=value2' })
    expect(scheme).toBe(
      'alipays://platformapi/startapp?appId=2021002161234567&page=pages/index/index&query=key1%3Dvalue1%26key2%3Dvalue2',
    )
    expect(buildAlipayScheme({ appId: ALIPAY, page: 'pages/index/index', query: { key1: 'value1', key2: 'value2' } })).toBe(
      scheme,
    )
  })

  it('encodes the whole scheme once more for ds.alipay.com, exactly as the docs show', () => {
    expect(
      alipayHttpsLink(
        'alipays://platformapi/startapp?appId=202100216xxxxxxx&page=pages/index/index&query=key1%3Dvalue1%26key2%3Dvalue2',
      ),
    ).toBe(
      'https://ds.alipay.com/?scheme=alipays%3A%2F%2Fplatformapi%2Fstartapp%3FappId%3D202100216xxxxxxx%26page%3Dpages%2Findex%2Findex%26query%3Dkey1%253Dvalue1%2526key2%253Dvalue2',
    )
  })

  it('keeps page as given, with its encoded parameters, and omits what is absent', () => {
    expect(buildAlipayScheme({ appId: ALIPAY, page: 'pages/index/index?key1%3D1%26key2%3D2' })).toBe(
      'alipays://platformapi/startapp?appId=2021002161234567&page=pages/index/index?key1%3D1%26key2%3D2',
    )
    expect(buildAlipayScheme({ appId: ALIPAY })).toBe('alipays://platformapi/startapp?appId=2021002161234567')
    expect(buildAlipayScheme({ appId: ALIPAY, query: {} })).toBe('alipays://platformapi/startapp?appId=2021002161234567')
    expect(buildAlipayScheme({ appId: ALIPAY, query: { id: 7, from: undefined } })).toBe(
      'alipays://platformapi/startapp?appId=2021002161234567&query=id%3D7',
    )
  })

  it('refuses bad appIds, raw & in page, separators inside object values, and non-Alipay schemes', () => {
    invalid(() => buildAlipayScheme({ appId: 'wx4e1ba651bbe36d01' }), /appId.*16 digits/)
    invalid(() => buildAlipayScheme({ appId: ALIPAY, page: 'pages/a?x=1&y=2' }), /page.*encode/)
    invalid(() => buildAlipayScheme({ appId: ALIPAY, query: { a: 'x&y' } }), /query/)
    invalid(() => buildAlipayScheme({ appId: ALIPAY, query: { a: 'x=y' } }), /query.*& or =/)
    invalid(() => buildAlipayScheme({ appId: ALIPAY, query: { 'a=b': 'x' } }), /query.*& or =/)
    invalid(() => alipayHttpsLink('weixin://dl/business/?t=x'), /scheme.*alipays/)
    // Text cut inside an emoji: invalid, not encodeURIComponent's URIError.
    invalid(() => buildAlipayScheme({ appId: ALIPAY, query: { q: 'ab\uD83D' } }), /^query holds half an emoji/)
    invalid(() => alipayHttpsLink('alipays://platformapi/startapp?appId=2021002161234567&query=\uDE00'), /^scheme holds half an emoji/)
  })
})

describe('appendCustomQuery (cq)', () => {
  it('appends &cq= to an encrypted URL Scheme and ?cq= to a URL Link, encoded once', () => {
    expect(appendCustomQuery('weixin://dl/business/?t=TICKET123', { uid: 42, from: 'sms' })).toBe(
      'weixin://dl/business/?t=TICKET123&cq=uid%3D42%26from%3Dsms',
    )
    expect(appendCustomQuery('https://wxaurl.cn/R9rhJJP6pzk', 'cp=123')).toBe('https://wxaurl.cn/R9rhJJP6pzk?cq=cp%3D123')
  })

  it("encodes ! ' ( ) * as well, as the link service's cq does", () => {
    expect(appendCustomQuery('https://wxaurl.cn/T', "it's(a)*b!")).toBe('https://wxaurl.cn/T?cq=it%27s%28a%29%2Ab%21')
  })

  it('takes 256 characters and refuses 257 or characters outside the set', () => {
    expect(appendCustomQuery('https://wxaurl.cn/T', 'a'.repeat(256))).toBe(`https://wxaurl.cn/T?cq=${'a'.repeat(256)}`)
    invalid(() => appendCustomQuery('https://wxaurl.cn/T', 'a'.repeat(257)), /cq.*256/)
    invalid(() => appendCustomQuery('https://wxaurl.cn/T', 'name=张三'), /cq/)
  })

  it('names cq when its text is cut inside an emoji', () => {
    invalid(() => appendCustomQuery('https://wxaurl.cn/T', { name: '😀😀'.slice(0, 3) }), /^cq holds half an emoji/)
  })

  it('adds no cq when there is no per-user data', () => {
    expect(appendCustomQuery('weixin://dl/business/?t=TICKET123', {})).toBe('weixin://dl/business/?t=TICKET123')
    expect(appendCustomQuery('https://wxaurl.cn/T', { uid: undefined })).toBe('https://wxaurl.cn/T')
    invalid(() => appendCustomQuery('https://example.com/T', {}), /link/)
  })

  it('refuses plaintext schemes, links that already carry cq, and other URLs', () => {
    invalid(() => appendCustomQuery(`weixin://dl/business/?appid=${APPID}&path=p`, 'a=1'), /link/)
    invalid(() => appendCustomQuery('weixin://dl/business/?t=T&cq=a', 'a=1'), /link/)
    invalid(() => appendCustomQuery('https://wxaurl.cn/T?cq=a', 'a=1'), /link/)
    invalid(() => appendCustomQuery('https://example.com/T', 'a=1'), /link/)
  })
})
