/**
 * The HTML of the transit page (GET /go/wechat). Pure functions: data in, HTML out.
 *
 * Safety rules, all enforced here:
 * - every value placed in HTML goes through `escapeHtml` (text and attributes alike);
 * - data for the inline script travels as JSON in a non-executable
 *   `<script type="application/json">`, with `<`, `>`, `&`, U+2028/9 escaped,
 *   so no input can close the element or start a script;
 * - the only inline script carries the per-response CSP nonce and navigates
 *   only to a `weixin://dl/business/?` URL (checked again in the browser).
 */

export type ClientKind = 'wechat' | 'mobile' | 'desktop'

export const SCHEME_PREFIX = 'weixin://dl/business/?'
export const JSSDK_URL = 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js'

export type TransitView =
  /** A phone browser: go to the minted scheme, with a button when the redirect is blocked. */
  | { kind: 'redirect'; scheme: string }
  /** Inside WeChat: the open tag, signed by the service account's JS-SDK config. */
  | {
      kind: 'wechat-tag'
      username: string
      /** The open tag's path: page path + '.html' + optional '?query'. */
      tagPath: string
      envVersion: string
      config: { appId: string; timestamp: number; nonceStr: string; signature: string }
    }
  /** Inside WeChat without open-tag settings: a URL Link opens the mini program from WeChat. */
  | { kind: 'wechat-link'; url: string }
  /** `mayBeTablet`: a Mac's user agent, which iPadOS sends too; the page asks again with touch=1 from a touch screen. */
  | { kind: 'desktop'; mayBeTablet?: boolean }
  | { kind: 'error'; title: string; message: string }

/** `touch`: the page found a touch screen (touch=1). Only a Mac's user agent can hide one: iPadOS sends it. */
export function classifyUserAgent(userAgent: string | undefined, touch = false): ClientKind {
  const ua = userAgent ?? ''
  if (/MicroMessenger/i.test(ua)) return 'wechat'
  if (/Android|iPhone|iPad|iPod|Mobile|HarmonyOS|OpenHarmony/i.test(ua)) return 'mobile'
  return touch && isMacUserAgent(ua) ? 'mobile' : 'desktop'
}

export const isMacUserAgent = (userAgent: string | undefined): boolean => /Macintosh/.test(userAgent ?? '')

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** JSON that is safe inside a `<script>` element in HTML. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

export function isWeixinScheme(url: string): boolean {
  return url.startsWith(SCHEME_PREFIX) && !/[\s"'<>\\]/.test(url)
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data: https://*.qq.com",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

const STYLE = `
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;background:#f5f6f7;color:#222;text-align:center}
main{max-width:28rem;margin:0 auto;padding:3rem 1.5rem}
h1{font-size:1.3rem;margin:0 0 1rem}
p{line-height:1.6;color:#555}
.button{display:block;margin:2rem auto;padding:1rem 1.5rem;border-radius:.75rem;background:#07c160;color:#fff;font-size:1.3rem;text-decoration:none;border:0;width:100%;box-sizing:border-box}
.sandbox{background:#fff3cd;color:#7a5b00;padding:.5rem;font-weight:bold}
.en{font-size:.9rem;color:#888}
`

function layout(title: string, body: string, nonce: string, sandbox: boolean): string {
  const banner = sandbox
    ? '<div class="sandbox" id="navi-sandbox">SANDBOX · 沙盒模式：链接来自模拟器，不能打开真实的小程序</div>'
    : ''
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${banner}
<main>
${body}
</main>
</body>
</html>
`
}

/** Navigates to the scheme once; the button stays for browsers that block it. */
const REDIRECT_SCRIPT = `(function(){
var data=JSON.parse(document.getElementById('navi-data').textContent);
var url=data.scheme;
if(typeof url!=='string'||url.indexOf('${SCHEME_PREFIX}')!==0)return;
window.location.href=url;
})();`

/** An iPad asks for desktop sites as a Mac does, but has a touch screen (Macs have none): ask again as one. */
const TABLET_SCRIPT = `(function(){
if(!(navigator.maxTouchPoints>0))return;
var url=new URL(window.location.href);
url.searchParams.set('touch','1');
window.location.replace(url.href);
})();`

/** Configures the JS-SDK so WeChat renders <wx-open-launch-weapp>. */
const WECHAT_SCRIPT = `(function(){
var data=JSON.parse(document.getElementById('navi-data').textContent);
var hint=document.getElementById('navi-hint');
if(!window.wx){hint.hidden=false;return;}
window.wx.config({debug:false,appId:data.appId,timestamp:data.timestamp,nonceStr:data.nonceStr,signature:data.signature,jsApiList:['closeWindow'],openTagList:['wx-open-launch-weapp']});
window.wx.error(function(){hint.hidden=false;});
})();`

export function renderTransitPage(view: TransitView, options: { nonce: string; sandbox: boolean }): string {
  const { nonce, sandbox } = options
  switch (view.kind) {
    case 'redirect': {
      if (!isWeixinScheme(view.scheme)) throw new Error('refusing to render a non-weixin:// redirect')
      const body = `<h1>正在打开小程序…</h1>
<p>如果没有自动打开，请点击下面的按钮。<br><span class="en">If the mini program does not open, tap the button.</span></p>
<a class="button" id="navi-open" href="${escapeHtml(view.scheme)}">打开小程序</a>
<p class="en">需要已安装微信 · WeChat must be installed</p>
<script type="application/json" id="navi-data">${jsonForScript({ scheme: view.scheme })}</script>
<script nonce="${nonce}">${REDIRECT_SCRIPT}</script>`
      return layout('打开小程序', body, nonce, sandbox)
    }
    case 'wechat-tag': {
      const body = `<h1>打开小程序</h1>
<p>点击下面的按钮进入小程序。<br><span class="en">Tap the button to open the mini program.</span></p>
<wx-open-launch-weapp id="navi-launch" username="${escapeHtml(view.username)}" path="${escapeHtml(view.tagPath)}" env-version="${escapeHtml(view.envVersion)}">
<script type="text/wxtag-template"><style>.b{display:block;width:100%;padding:16px;border:0;border-radius:12px;background:#07c160;color:#fff;font-size:20px}</style><button class="b">打开小程序</button></script>
</wx-open-launch-weapp>
<p id="navi-hint" hidden>若按钮没有出现，请点右上角 ··· 选择「在浏览器打开」。<br><span class="en">If no button appears, open this page in your browser (··· menu).</span></p>
<script type="application/json" id="navi-data">${jsonForScript(view.config)}</script>
<script nonce="${nonce}" src="${JSSDK_URL}"></script>
<script nonce="${nonce}">${WECHAT_SCRIPT}</script>`
      return layout('打开小程序', body, nonce, sandbox)
    }
    case 'wechat-link': {
      if (!/^https:\/\/[^\s"'<>\\]+$/.test(view.url)) throw new Error('refusing to render a non-https link')
      const body = `<h1>打开小程序</h1>
<a class="button" id="navi-open" href="${escapeHtml(view.url)}">打开小程序</a>`
      return layout('打开小程序', body, nonce, sandbox)
    }
    case 'desktop': {
      const body = `<h1 id="navi-desktop">请在手机上打开此链接</h1>
<p>小程序只能在手机微信中打开：请用手机浏览器访问本页，或把链接发到手机上。</p>
<p class="en">Open this link on your phone: mini programs run in WeChat on mobile.</p>${
        view.mayBeTablet ? `\n<script nonce="${nonce}">${TABLET_SCRIPT}</script>` : ''
      }`
      return layout('请在手机上打开', body, nonce, sandbox)
    }
    case 'error': {
      const body = `<h1 id="navi-error">${escapeHtml(view.title)}</h1>
<p id="navi-error-message">${escapeHtml(view.message)}</p>`
      return layout(view.title, body, nonce, sandbox)
    }
  }
}
