/**
 * JSON schemas for every route: requests are checked by fastify (ajv) before a
 * handler — and so before any upstream call — and responses are serialised by
 * fast-json-stringify from the same definitions.
 *
 * Each rule that can fail also has a sentence in `describeRule` (errors.ts turns
 * ajv's output into `{ error: { code, message } }` with it).
 */

import { PAGE_PATH_CHARS, PAGE_PATH_SOURCE, WECHAT_APPID } from '../config'
import { CONTROL_CHARS, PAGE_TITLE_MAX } from '../links/validate'
import { PAGE_PATH_MAX } from '../../uni_modules/navi-kit/links'

/** WeChat's character set for `query` and `cq` (reference 001/002). */
export const WECHAT_QUERY_CHARS = "0-9 A-Z a-z ! # $ & ' ( ) * + , / : ; = ? @ - . _ ~ %"
const QUERY_PATTERN = "^[0-9A-Za-z!#$&'()*+,/:;=?@\\-._~%]*$"
const NO_CONTROL_CHARS = `^[^${CONTROL_CHARS}]*$`

export const QUERY_MAX = 1024
export const CQ_MAX = 256
export const PAGE_URL_MAX = 2048

const path = { type: 'string', maxLength: PAGE_PATH_MAX, pattern: PAGE_PATH_SOURCE } as const
/** The mini program the caller means; the service refuses any but its own (400 app-mismatch). */
const appId = { type: 'string', pattern: WECHAT_APPID.source } as const
const query = { type: 'string', maxLength: QUERY_MAX, pattern: QUERY_PATTERN } as const
const cq = { type: 'string', maxLength: CQ_MAX, pattern: QUERY_PATTERN } as const
const envVersion = { type: 'string', enum: ['release', 'trial', 'develop'] } as const
const expireDays = { type: 'integer', minimum: 1, maximum: 30 } as const

// No path: WeChat opens the mini program's home page ("path为空时会跳转小程序主页"); a Short Link needs one.
export const linkBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { appId, path, query, envVersion, expireDays, cq },
} as const

export const shortLinkBodySchema = {
  type: 'object',
  required: ['path'],
  additionalProperties: false,
  properties: {
    appId,
    path,
    query,
    pageTitle: { type: 'string', maxLength: PAGE_TITLE_MAX, pattern: NO_CONTROL_CHARS },
    isPermanent: { type: 'boolean' },
  },
} as const

export const jssdkQuerySchema = {
  type: 'object',
  required: ['url'],
  properties: {
    url: { type: 'string', maxLength: PAGE_URL_MAX, pattern: '^https?://[^#\\s]+$' },
  },
} as const

/** The transit page ignores unknown parameters: marketing tools append their own (utm_…). */
export const transitQuerySchema = {
  type: 'object',
  // touch=1: the page found a touch screen behind a Mac's user agent (an iPad); any other value is ignored.
  properties: { appid: appId, path, query, env: envVersion, cq, touch: { type: 'string', maxLength: 8 } },
} as const

const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string' },
        rule: { type: 'string' },
      },
      required: ['code', 'message'],
    },
    sandbox: { type: 'boolean' },
  },
  required: ['error'],
} as const

export const linkResponseSchema = {
  200: {
    type: 'object',
    properties: {
      url: { type: 'string' },
      expiresAt: { type: ['string', 'null'] },
      cached: { type: 'boolean' },
      fallback: { type: 'string' },
      sandbox: { type: 'boolean' },
    },
    required: ['url', 'expiresAt', 'cached', 'sandbox'],
  },
  '4xx': errorBody,
  '5xx': errorBody,
} as const

export const jssdkResponseSchema = {
  200: {
    type: 'object',
    properties: {
      appId: { type: 'string' },
      timestamp: { type: 'integer' },
      nonceStr: { type: 'string' },
      signature: { type: 'string' },
      sandbox: { type: 'boolean' },
    },
    required: ['appId', 'timestamp', 'nonceStr', 'signature', 'sandbox'],
  },
  '4xx': errorBody,
  '5xx': errorBody,
} as const

export interface LinkBody {
  appId?: string
  /** Absent: the home page. */
  path?: string
  query?: string
  envVersion?: 'release' | 'trial' | 'develop'
  expireDays?: number
  cq?: string
}

export interface ShortLinkBody {
  appId?: string
  path: string
  query?: string
  pageTitle?: string
  isPermanent?: boolean
}

export interface TransitQuery {
  /** The mini program the page opens, as in WeChat's own URLs; refused unless it is the service's. */
  appid?: string
  /** Absent: the home page. */
  path?: string
  query?: string
  env?: 'release' | 'trial' | 'develop'
  /** Per-user data: appended to the cached scheme / URL Link, or joined to the open tag's query as `cq=…`. */
  cq?: string
  /** '1': a touch screen behind a Mac's user agent (iPadOS), found by the desktop page's script. */
  touch?: string
}

/** A sentence for a failed `pattern` rule, computed from the rejected value so it names the exact problem. */
export function describePattern(field: string, value: unknown): { rule: string; message: string } {
  const text = typeof value === 'string' ? value : ''
  if (field === 'path') {
    if (text.startsWith('/')) {
      return { rule: 'no-leading-slash', message: "path must not start with '/': write e.g. 'pages/index/index'." }
    }
    if (text.includes('?')) {
      return { rule: 'no-query', message: "path must not contain '?': send the query in the 'query' field." }
    }
    if (!PAGE_PATH_CHARS.test(text)) {
      return {
        rule: 'page-path-chars',
        message: "path may contain only letters, digits and _ - . / (a page path from app.json, e.g. 'pages/index/index').",
      }
    }
    return {
      rule: 'path-segments',
      message: "path must be page names joined by single '/', with no '.', '..' or empty segment (e.g. 'pages/index/index').",
    }
  }
  if (field === 'query' || field === 'cq') {
    const bad = [...text].find((char) => !new RegExp(QUERY_PATTERN).test(char))
    const shown = bad === undefined ? '' : ` ${JSON.stringify(bad)} is not allowed;`
    return {
      rule: 'wechat-charset',
      message: `${field} must use WeChat's character set:${shown} allowed are ${WECHAT_QUERY_CHARS} (percent-encode anything else).`,
    }
  }
  if (field === 'appId' || field === 'appid') {
    return { rule: 'wechat-appid', message: `${field} must be a WeChat mini program AppID: wx and 16 letters or digits.` }
  }
  if (field === 'url') {
    return { rule: 'page-url', message: 'url must be the full http(s) URL of the page, without the #fragment.' }
  }
  if (field === 'pageTitle') {
    return { rule: 'no-control-chars', message: 'pageTitle must not contain control characters.' }
  }
  return { rule: 'pattern', message: `${field} has an invalid format.` }
}
