/**
 * Every WeChat errcode the link service can meet, mapped to a stable `code`,
 * the HTTP status the service answers with, and a message that tells the
 * operator or caller what to do. The docs render this table.
 *
 * Status rules: 400 — the caller's input (fix the request); 502 — WeChat
 * refuses this deployment's credentials or permissions (fix the config);
 * 409 — the mini program is not in a state to be linked; 503 — upstream
 * trouble or an exhausted quota (retry later).
 */

export interface ErrcodeInfo {
  code: string
  status: number
  message: string
  /** The request may succeed if simply sent again (after a backoff). */
  retryable?: boolean
  /** The access token was refused: fetch a new one and retry once. */
  tokenRejected?: boolean
  /** The daily generation quota is spent (plaintext fallback applies). */
  quota?: boolean
}

export const ERRCODES: Readonly<Record<number, ErrcodeInfo>> = {
  [-1]: { code: 'upstream-busy', status: 503, retryable: true, message: 'WeChat is busy (errcode -1); retry in a few seconds.' },
  40001: {
    code: 'upstream-token-rejected',
    status: 503,
    tokenRejected: true,
    message: 'WeChat refused the access token (40001) even after a refetch; check that no other system force-refreshes the token for this appid.',
  },
  40002: {
    code: 'wechat-no-permission',
    status: 502,
    message: 'The mini program has no permission for this API (40002); only non-individual mini programs registered in mainland China may mint links.',
  },
  40013: {
    code: 'wechat-invalid-appid',
    status: 502,
    message: 'WeChat rejected the appid or its link permission is banned (40013); check WECHAT_APPID and the mini program admin console.',
  },
  40014: {
    code: 'upstream-token-rejected',
    status: 503,
    tokenRejected: true,
    message: 'WeChat says the access token is invalid (40014) even after a refetch; retry later.',
  },
  40165: { code: 'invalid-path', status: 400, message: 'WeChat rejected the page path (40165): use a published page, without a leading / and without a query.' },
  40212: {
    code: 'invalid-query',
    status: 400,
    message: "WeChat rejected the query (40212): at most 1024 characters of 0-9 A-Z a-z and !#$&'()*+,/:;=?@-._~%.",
  },
  42001: {
    code: 'upstream-token-expired',
    status: 503,
    tokenRejected: true,
    message: 'WeChat says the access token expired (42001) even after a refetch; retry later.',
  },
  44990: {
    code: 'upstream-rate-limited',
    status: 503,
    retryable: true,
    message: 'WeChat refused calls faster than 100 per second (44990) after several retries; retry in a few seconds.',
  },
  44993: {
    code: 'quota-exhausted',
    status: 503,
    quota: true,
    message: "Today's URL Scheme + URL Link generation quota (500,000) is spent (44993); links can be minted again after midnight Beijing time.",
  },
  45009: {
    code: 'quota-exhausted',
    status: 503,
    quota: true,
    message: "WeChat's daily limit for this API is reached (45009); retry after midnight Beijing time.",
  },
  85079: { code: 'mini-program-unpublished', status: 409, message: 'The mini program has no published version (85079); publish it first.' },
  85400: {
    code: 'permanent-cap-reached',
    status: 503,
    message: 'The cap of 100,000 permanent links is reached (85400); mint links that expire instead.',
  },
  85401: {
    code: 'invalid-expiry',
    status: 400,
    message: 'WeChat rejected the expiry (85401): it must lie between 1 minute and 30 days ahead (expireDays 1–30).',
  },
  85402: { code: 'invalid-env-version', status: 400, message: 'WeChat rejected env_version (85402): use release, trial or develop.' },
  85403: { code: 'link-not-found', status: 404, message: 'WeChat knows no such scheme or URL Link (85403); check the link you asked about.' },
  85406: {
    code: 'quota-exhausted',
    status: 503,
    quota: true,
    message: "WeChat's daily limit is reached (85406); retry after midnight Beijing time.",
  },
  85407: { code: 'link-not-found', status: 404, message: 'WeChat knows no such link (85407); check the link you asked about.' },
  85408: { code: 'link-not-owned', status: 404, message: 'The link belongs to another mini program (85408); ask with the credentials that minted it.' },
  40066: { code: 'invalid-page-url', status: 400, message: 'WeChat rejected the page URL (40066): use a published page without a leading /.' },
  40225: { code: 'invalid-page-title', status: 400, message: 'WeChat rejected the page title (40225): keep it short and free of forbidden content.' },
  43104: {
    code: 'wechat-appid-mismatch',
    status: 502,
    message: 'WeChat says the appid does not match the caller (43104); the link must be minted with the mini program\'s own credentials.',
  },
  40125: { code: 'wechat-invalid-secret', status: 502, message: 'WeChat rejected the app secret (40125); check WECHAT_SECRET (or WECHAT_OA_SECRET).' },
  40164: {
    code: 'wechat-ip-not-allowed',
    status: 502,
    message: "This server's IP is not on the WeChat API IP allow-list (40164); add it in the admin console.",
  },
}

/** The table entry for `errcode`, or a generic 502 naming the unknown code. */
export function describeErrcode(errcode: number, errmsg = ''): ErrcodeInfo {
  return (
    ERRCODES[errcode] ?? {
      code: 'wechat-error',
      status: 502,
      message: `WeChat answered errcode ${errcode}${errmsg ? ` (${errmsg.slice(0, 120)})` : ''}; see WeChat's errcode reference.`,
    }
  )
}

/** The codes that mean the access token itself was refused (refetch and retry once). */
export const TOKEN_REJECTED = new Set([40001, 40014, 42001])
/** The codes that mean a quota is spent. */
export const QUOTA_SPENT = new Set([44993, 45009, 85406])
