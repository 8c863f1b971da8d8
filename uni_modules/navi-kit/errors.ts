/**
 * navi-kit's typed errors. Every failure carries a stable `code` (switch on
 * it; messages may change) and a message that tells the developer what to do.
 */

/** Why a navigation failed. */
export type NavigationErrorCode =
  | 'not-found' // the target is not in pages.json
  | 'aborted' // a guard returned false
  | 'duplicated' // an identical navigation was already in flight
  | 'stack-full' // the page stack is full and onStackFull is 'error'
  | 'invalid' // the caller's input cannot be navigated to
  | 'platform' // uni's API called `fail`; `errMsg` keeps its message

/** Why opening another mini program failed. */
export type LaunchErrorCode =
  | 'invalid'
  | 'unsupported'
  | 'not-installed'
  | 'cancelled'
  | 'link-service'
  | 'platform'

export interface NavigationErrorDetails {
  /** The target, as far as it was resolved. */
  to?: unknown
  from?: unknown
  /** uni's `errMsg`, for `platform` failures. */
  errMsg?: string
  /** What a guard threw, for `aborted` failures it caused. */
  cause?: unknown
}

export class NavigationError extends Error {
  override readonly name = 'NavigationError'
  readonly code: NavigationErrorCode
  // Set from `details`, only when given.
  declare readonly to?: unknown
  declare readonly from?: unknown
  declare readonly errMsg?: string
  declare readonly cause?: unknown

  constructor(code: NavigationErrorCode, message: string, details?: NavigationErrorDetails) {
    super(message)
    // Keeps `instanceof` working where classes are down-levelled (WeChat's "ES6 to ES5").
    Object.setPrototypeOf(this, new.target.prototype)
    this.code = code
    Object.assign(this, details)
  }
}

export interface LaunchErrorDetails {
  errMsg?: string
  /** The route that was being tried when it failed. */
  via?: string
  /** The HTTP status, for `link-service` failures. */
  status?: number
}

export class LaunchError extends Error {
  override readonly name = 'LaunchError'
  readonly code: LaunchErrorCode
  // Set from `details`, only when given.
  declare readonly errMsg?: string
  declare readonly via?: string
  declare readonly status?: number

  constructor(code: LaunchErrorCode, message: string, details?: LaunchErrorDetails) {
    super(message)
    Object.setPrototypeOf(this, new.target.prototype)
    this.code = code
    Object.assign(this, details)
  }
}

export function isNavigationError(error: unknown, code?: NavigationErrorCode): error is NavigationError {
  return error instanceof NavigationError && (code === undefined || error.code === code)
}

export function isLaunchError(error: unknown, code?: LaunchErrorCode): error is LaunchError {
  return error instanceof LaunchError && (code === undefined || error.code === code)
}
