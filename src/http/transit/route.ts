/**
 * GET /go/wechat?appid=&path=&query=&env=&cq= — the H5 page Android browsers need to open
 * a mini program (a `weixin://` scheme only opens from a web page there).
 *
 * Phone browser: mint a scheme server-side and redirect to it. WeChat: the open
 * tag with a signed JS-SDK config (or a URL Link when the open tag is not set
 * up). Desktop: say to open it on a phone (nothing is minted); a Mac's page
 * first looks for a touch screen, as iPadOS sends the Mac's user agent, and
 * asks again with touch=1 when it finds one.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isPathAllowed } from '../../config'
import { appMismatch } from '../../links/validate'
import type { LinkService } from '../../service/types'
import { viewError } from '../errors'
import { transitQuerySchema, type TransitQuery } from '../schemas'
import { classifyUserAgent, contentSecurityPolicy, isMacUserAgent, renderTransitPage, type TransitView } from './page'

export interface TransitOptions {
  service: LinkService
  sandbox: boolean
  allowedPaths: readonly string[] | null
  /** `username` of the open tag (gh_…); without it WeChat users get a URL Link. */
  originalId?: string
  /** Public base URL to sign for when behind a proxy. */
  publicUrl?: string
  rateLimit: { max: number; windowSeconds: number }
}

function sendPage(reply: FastifyReply, status: number, view: TransitView, sandbox: boolean): FastifyReply {
  const nonce = randomBytes(16).toString('base64')
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', contentSecurityPolicy(nonce))
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .send(renderTransitPage(view, { nonce, sandbox }))
}

const ERROR_TITLES: Record<number, string> = {
  400: '链接参数有误 · Invalid link',
  403: '此页面不允许打开 · Page not allowed',
  429: '请求太频繁 · Too many requests',
}

const QUOTA_SPENT_TITLE = '今日链接额度已用完 · Today\'s link quota is spent'
const QUOTA_SPENT_IN_WECHAT =
  '请点右上角「…」选择在浏览器中打开本页，或北京时间 0 点后再试。Open this page in the phone\'s browser (… → Open in Browser), or try again after midnight, Beijing time.'
const QUOTA_SPENT_IN_BROWSER = '请北京时间 0 点后再试。Please try again after midnight, Beijing time.'
const TRY_AGAIN = '请稍后再试。Please try again in a moment.'

/**
 * What the person holding the phone reads for a failure: a 4xx says what is wrong with the link (its author reads
 * it too); a 5xx message is written for API callers and operators (NAVI_* variables, force_refresh, clear_quota),
 * so the page says what the person can do instead, and the log keeps the detail.
 */
function pageMessage(status: number, code: string, message: string): { title?: string; message: string } {
  if (code === 'quota-exhausted') return { title: QUOTA_SPENT_TITLE, message: QUOTA_SPENT_IN_BROWSER }
  return status >= 500 ? { message: TRY_AGAIN } : { message }
}

function pageUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  const base = publicUrl ?? `${request.protocol}://${request.host}`
  return base + request.url
}

/**
 * The open tag's `path`: page + '.html' (WeChat requires the suffix) + query. The open tag has no
 * `cq`, so per-user data joins the query as `cq=…`, as the core does for plaintext schemes.
 */
function openTagPath(path: string, query: string | undefined, cq: string | undefined): string {
  // An empty cq (`&cq=` from a template) is left out, as on the minted links (appendCq).
  const parts = [query, cq ? `cq=${encodeURIComponent(cq)}` : undefined].filter((part) => part)
  return `${path}.html${parts.length ? `?${parts.join('&')}` : ''}`
}

async function viewFor(request: FastifyRequest<{ Querystring: TransitQuery }>, options: TransitOptions): Promise<TransitView> {
  const { appid, path = '', query, env, cq, touch } = request.query
  // Checked before the open tag too, which opens the service's own mini program (WECHAT_ORIGINAL_ID).
  if (appid !== undefined && appid !== options.service.appId) throw appMismatch(options.service.appId, appid, options.sandbox)
  const userAgent = request.headers['user-agent']
  const touched = touch === '1'
  const client = classifyUserAgent(userAgent, touched)
  // A Mac's page looks for a touch screen once; asked again with touch=1, it has looked.
  if (client === 'desktop') return { kind: 'desktop', mayBeTablet: isMacUserAgent(userAgent) && !touched }

  if (client === 'wechat') {
    // The open tag wants a page ('….html'); the home page goes by URL Link, which opens it for an empty path.
    if (options.originalId && path) {
      try {
        const config = await options.service.jssdkConfig(pageUrl(request, options.publicUrl))
        return {
          kind: 'wechat-tag',
          username: options.originalId,
          tagPath: openTagPath(path, query, cq),
          envVersion: env ?? 'release',
          config: { appId: config.appId, timestamp: config.timestamp, nonceStr: config.nonceStr, signature: config.signature },
        }
      } catch (error) {
        // No service account or no ticket: a URL Link still opens the mini program inside WeChat.
        request.log.warn({ err: error }, 'transit page: JS-SDK config unavailable, answering a URL Link')
      }
    }
    const link = await options.service.mint({ kind: 'urllink', path, query, envVersion: env, cq })
    // The daily quota is spent and the answer is the plaintext scheme, which WeChat's own browser does not open.
    if (link.fallback) return { kind: 'error', title: QUOTA_SPENT_TITLE, message: QUOTA_SPENT_IN_WECHAT }
    return { kind: 'wechat-link', url: link.url }
  }

  const minted = await options.service.mint({ kind: 'scheme', path, query, envVersion: env, cq })
  return { kind: 'redirect', scheme: minted.url }
}

export async function transitRoutes(app: FastifyInstance, options: TransitOptions): Promise<void> {
  // Link previews and SMS scanners send HEAD: the page is there, but nothing is minted for them (fastify would
  // answer HEAD by running the GET handler, spending quota on every scan).
  app.head('/go/wechat', async (_request, reply) =>
    reply.code(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(),
  )
  app.get<{ Querystring: TransitQuery }>(
    '/go/wechat',
    {
      exposeHeadRoute: false,
      schema: { querystring: transitQuerySchema },
      config: {
        rateLimit: {
          max: options.rateLimit.max,
          timeWindow: options.rateLimit.windowSeconds * 1000,
          keyGenerator: (request: FastifyRequest) => `transit|${request.ip}`,
        },
      },
      // A browser page answers errors as HTML, not JSON.
      errorHandler: (error, request, reply) => {
        const view = viewError(error, request)
        if (view.unexpected) request.log.error({ err: error }, 'transit page failed')
        const shown = pageMessage(view.status, view.body.error.code, view.body.error.message)
        const title = shown.title ?? ERROR_TITLES[view.status] ?? '暂时无法打开 · Cannot open right now'
        reply.headers(view.headers)
        return sendPage(reply, view.status, { kind: 'error', title, message: shown.message }, options.sandbox)
      },
    },
    async (request, reply) => {
      if (!isPathAllowed(request.query.path, options.allowedPaths)) {
        return sendPage(
          reply,
          403,
          { kind: 'error', title: ERROR_TITLES[403], message: 'This mini-program page may not be opened through this service.' },
          options.sandbox,
        )
      }
      const view = await viewFor(request, options)
      return sendPage(reply, view.kind === 'error' ? 503 : 200, view, options.sandbox)
    },
  )
}
