/**
 * The launcher's limits, waits and HTML5+ codes. A module that imports nothing: esbuild (and so an app's bundle)
 * writes such a module's number constants in where they are used, but keeps those of a module with imports as
 * variables.
 */

// H5 (h5.ts)
/** How long the page may stay visible after handing over to WeChat before we call it declined. */
export const CANCEL_AFTER_MS = 2500
export const POLL_MS = 250

// The App (app.ts). HTML5+ share error codes: -2 the user cancelled, -8 the client is not installed.
export const PLUS_CANCELLED = -2
export const PLUS_NOT_INSTALLED = -8
/** How long openURL may take to report that no app takes the URL. */
export const OPEN_URL_GRACE_MS = 300

// The link client (linkClient.ts)
/** A cached link is not handed out during its last minute. */
export const EXPIRY_MARGIN_MS = 60_000
/** How long a call to the link service may take: past it the tap fails, so the page can show its fallback. */
export const SERVICE_TIMEOUT_MS = 10_000
