import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_API_BASE, isPathAllowed, loadConfig, type Env } from '../../src/config'

const KEY = 'k'.repeat(24)
const normal: Env = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's3cr3t-value', NAVI_API_KEYS: KEY }

function configError(env: Env): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('without credentials is SANDBOX with the documented defaults', () => {
    const config = loadConfig({})
    expect(config.sandbox).toBe(true)
    expect(config.service.sandbox).toBe(true)
    expect(config.http.port).toBe(8787)
    expect(config.http.host).toBe('127.0.0.1')
    expect(config.service.wechat.apiBase).toBe(DEFAULT_API_BASE)
    expect(config.service.redisUrl).toBeUndefined()
    expect(config.http.allowedPaths).toBeNull()
    expect(config.http.allowLoopbackOrigins).toBe(true)
    expect(config.service.ratePerSecond).toBeLessThanOrEqual(100)
    // The default: cached links stop being served one day before they expire.
    expect(config.service.cacheMarginSeconds).toBe(86_400)
    expect(config.service.dailyQuota).toBe(500_000)
  })

  it('reads every documented variable', () => {
    const config = loadConfig({
      ...normal,
      PORT: '9000',
      HOST: '0.0.0.0',
      WECHAT_API_BASE: 'http://127.0.0.1:4000/',
      WECHAT_OA_APPID: 'wxfedcba9876543210',
      WECHAT_OA_SECRET: 'oa-secret',
      NAVI_API_KEYS: `${KEY}, ${'z'.repeat(20)}`,
      NAVI_ALLOWED_ORIGINS: 'https://shop.example.com, http://localhost:5173/',
      NAVI_ALLOWED_PATHS: 'pages/index/index,pages/goods/*',
      NAVI_PLAINTEXT_PATHS: 'pages/index/index',
      NAVI_REDIS_URL: 'redis://127.0.0.1:6390/0',
      NAVI_INSTANCES: '4',
    })
    expect(config.sandbox).toBe(false)
    expect(config.http).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      apiKeys: [KEY, 'z'.repeat(20)],
      allowedOrigins: ['https://shop.example.com', 'http://localhost:5173'],
      allowLoopbackOrigins: false,
      allowedPaths: ['pages/index/index', 'pages/goods/*'],
    })
    expect(config.service.wechat).toMatchObject({
      appId: 'wx0123456789abcdef',
      secret: 's3cr3t-value',
      apiBase: 'http://127.0.0.1:4000',
    })
    expect(config.service.officialAccount).toEqual({ appId: 'wxfedcba9876543210', secret: 'oa-secret' })
    expect(config.service.plaintextPaths).toEqual(['pages/index/index'])
    expect(config.service.redisUrl).toBe('redis://127.0.0.1:6390/0')
    expect(config.service.instances).toBe(4)
  })

  it('in SANDBOX takes NAVI_SANDBOX_APPID as the mini program to mint for, when it is a WeChat AppID', () => {
    expect(loadConfig({}).sandboxAppId).toBeUndefined()
    expect(loadConfig({ NAVI_SANDBOX_APPID: 'wx4e1ba651bbe36d01' }).sandboxAppId).toBe('wx4e1ba651bbe36d01')
    const error = configError({ NAVI_SANDBOX_APPID: '2021002161234567' })
    expect(error).toMatchObject({ variable: 'NAVI_SANDBOX_APPID', code: 'config' })
    expect(error.message).toMatch(/wx and 16 letters or digits \(got '2021002161234567'\)/)
  })

  it('treats empty values as unset (NAVI_REDIS_URL= means memory)', () => {
    const config = loadConfig({ ...normal, NAVI_REDIS_URL: '', PORT: ' ', NAVI_ALLOWED_PATHS: '' })
    expect(config.service.redisUrl).toBeUndefined()
    expect(config.http.port).toBe(8787)
    expect(config.http.allowedPaths).toBeNull()
  })

  it.each([
    [{ WECHAT_SECRET: '' }, 'WECHAT_SECRET', /set both or neither/],
    [{ WECHAT_APPID: '' }, 'WECHAT_APPID', /set both or neither/],
    [{ WECHAT_OA_APPID: 'wx0123456789abcdef' }, 'WECHAT_OA_SECRET', /set both or neither/],
    [{ PORT: 'eighty' }, 'PORT', /not a whole number/],
    [{ PORT: '70000' }, 'PORT', /out of range/],
    [{ WECHAT_API_BASE: 'ftp://x' }, 'WECHAT_API_BASE', /http or https/],
    [{ WECHAT_API_BASE: 'not a url' }, 'WECHAT_API_BASE', /not a URL/],
    [{ NAVI_API_KEYS: 'short' }, 'NAVI_API_KEYS', /at least 16 characters/],
    [{ NAVI_ALLOWED_ORIGINS: '*' }, 'NAVI_ALLOWED_ORIGINS', /list the origins/],
    [{ NAVI_ALLOWED_ORIGINS: 'https://a.com/app' }, 'NAVI_ALLOWED_ORIGINS', /without a path/],
    [{ NAVI_ALLOWED_PATHS: '/pages/index/index' }, 'NAVI_ALLOWED_PATHS', /without the leading '\/'/],
    [{ NAVI_ALLOWED_PATHS: 'pages/a?x=1' }, 'NAVI_ALLOWED_PATHS', /not a mini-program page path/],
    [{ NAVI_PLAINTEXT_PATHS: 'pages a' }, 'NAVI_PLAINTEXT_PATHS', /not a mini-program page path/],
    [{ NAVI_ALLOWED_PATHS: 'pages/ok/../*' }, 'NAVI_ALLOWED_PATHS', /'\.', '\.\.' or empty/],
    [{ NAVI_ALLOWED_PATHS: 'pages/./index' }, 'NAVI_ALLOWED_PATHS', /'\.', '\.\.' or empty/],
    [{ NAVI_ALLOWED_PATHS: 'pages//*' }, 'NAVI_ALLOWED_PATHS', /'\.', '\.\.' or empty/],
    [{ NAVI_ALLOWED_PATHS: 'pages/ok/' }, 'NAVI_ALLOWED_PATHS', /'\.', '\.\.' or empty/],
    [{ NAVI_PLAINTEXT_PATHS: '../pages/a' }, 'NAVI_PLAINTEXT_PATHS', /'\.', '\.\.' or empty/],
    [{ NAVI_REDIS_URL: 'localhost:6379' }, 'NAVI_REDIS_URL', /redis:\/\//],
    [{ NAVI_UPSTREAM_RATE: '150' }, 'NAVI_UPSTREAM_RATE', /1–100/],
    [{ NAVI_LOG_LEVEL: 'loud' }, 'NAVI_LOG_LEVEL', /not a level/],
    [{ WECHAT_ORIGINAL_ID: 'wx123' }, 'WECHAT_ORIGINAL_ID', /original id/],
    [{ NAVI_TRUST_PROXY: 'maybe' }, 'NAVI_TRUST_PROXY', /number of proxy hops.*addresses/],
    [{ NAVI_TRUST_PROXY: '10.0.0.0/33' }, 'NAVI_TRUST_PROXY', /'10\.0\.0\.0\/33'/],
    [{ NAVI_TRUST_PROXY: '300.1.2.3' }, 'NAVI_TRUST_PROXY', /'300\.1\.2\.3'/],
    [{ NAVI_TRUST_PROXY: '11' }, 'NAVI_TRUST_PROXY', /1–10/],
    [{ NAVI_SANDBOX_APPID: 'wx4e1ba651bbe36d01' }, 'NAVI_SANDBOX_APPID', /SANDBOX only.*WECHAT_APPID names the mini program/],
  ])('rejects %j naming %s', (extra, variable, message) => {
    const error = configError({ ...normal, ...extra } as Env)
    expect(error.variable).toBe(variable)
    expect(error.code).toBe('config')
    expect(error.message).toMatch(message)
    expect(error.message.startsWith(`${variable}:`)).toBe(true)
  })

  it.each([
    ['http://m.example.com', /plain http.*https:\/\/m\.example\.com/],
    ['http://10.0.0.5:8080', /plain http/],
    ['https://*.example.com', /wildcard.*list each origin/],
    ['https://shop.example.*', /wildcard/],
    ['http://localhost:*', /wildcard/],
  ])('outside SANDBOX refuses the origin %s, saying what to set', (origin, message) => {
    const error = configError({ ...normal, NAVI_ALLOWED_ORIGINS: `https://ok.example.com,${origin}` })
    expect(error.variable).toBe('NAVI_ALLOWED_ORIGINS')
    expect(error.message).toMatch(message)
  })

  it('accepts http origins on loopback everywhere, any http origin only in SANDBOX, and no wildcard even there', () => {
    const loopback = 'http://localhost:5173,http://127.0.0.1:3000,http://[::1]:8080'
    expect(loadConfig({ ...normal, NAVI_ALLOWED_ORIGINS: loopback }).http.allowedOrigins).toEqual(loopback.split(','))
    expect(loadConfig({ NAVI_ALLOWED_ORIGINS: 'http://192.168.1.5:5173' }).http.allowedOrigins).toEqual(['http://192.168.1.5:5173'])
    expect(configError({ NAVI_ALLOWED_ORIGINS: 'https://*.example.com' }).message).toMatch(/wildcard/)
  })

  it.each([
    [undefined, false],
    ['false', false],
    ['0', false],
    // Proxies on this host or a private network (nginx, a VPC load balancer): a public peer is never one.
    ['true', ['loopback', 'linklocal', 'uniquelocal']],
    ['yes', ['loopback', 'linklocal', 'uniquelocal']],
    // A hop count trusts whoever connects: for a service reachable only through its proxies.
    ['1', 1],
    ['3', 3],
    ['10.0.0.0/8, 192.168.1.1,::1, fd00::/8 ,loopback', ['10.0.0.0/8', '192.168.1.1', '::1', 'fd00::/8', 'loopback']],
  ])('reads NAVI_TRUST_PROXY=%s as %j', (raw, trustProxy) => {
    expect(loadConfig({ ...normal, NAVI_TRUST_PROXY: raw }).http.trustProxy).toEqual(trustProxy)
  })

  it('refuses a real deployment nobody could call', () => {
    const error = configError({ WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 'abc' })
    expect(error.variable).toBe('NAVI_API_KEYS')
    expect(error.message).toMatch(/NAVI_ALLOWED_ORIGINS/)
  })

  it('never puts the secret into an error message', () => {
    const error = configError({ WECHAT_APPID: 'not an appid!', WECHAT_SECRET: 'TOPSECRET123' })
    expect(error.message).not.toContain('TOPSECRET123')
  })

  it.each([
    ['NAVI_REDIS_URL', 'https://:hunter2-redis-password@redis.internal:6379'],
    ['NAVI_REDIS_URL', 'default:hunter2-redis-password@redis.internal:6379'],
    ['NAVI_REDIS_URL', 'https://:hunter2/redis@password@redis.internal:6379'],
    ['NAVI_PUBLIC_URL', 'ftp://admin:hunter2-redis-password@link.example.com'],
    ['WECHAT_API_BASE', 'api:hunter2-redis-password@proxy.internal'],
    ['NAVI_ALLOWED_ORIGINS', 'https://admin:hunter2-redis-password@shop.example.com'],
  ])('never prints the userinfo of a URL in %s', (variable, value) => {
    const error = configError({ ...normal, [variable]: value })
    expect(error.variable).toBe(variable)
    expect(error.message).not.toMatch(/hunter2|password|admin|default|api:/)
  })
})

describe('isPathAllowed', () => {
  it('allows everything without a list, exact paths and folder wildcards with one', () => {
    expect(isPathAllowed('pages/x/x', null)).toBe(true)
    const list = ['pages/index/index', 'pages/goods/*']
    expect(isPathAllowed('pages/index/index', list)).toBe(true)
    expect(isPathAllowed('pages/goods/detail', list)).toBe(true)
    expect(isPathAllowed('pages/goods', list)).toBe(false)
    expect(isPathAllowed('pages/index/index2', list)).toBe(false)
    expect(isPathAllowed('pages/admin/admin', list)).toBe(false)
  })
})
