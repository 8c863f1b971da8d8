// navi-kit public API: the one curated export list.
export { NavigationError, LaunchError, isNavigationError, isLaunchError } from './errors'
export type { NavigationErrorCode, LaunchErrorCode } from './errors'
export { setPlatformSeam } from './platform'
export type { PlatformSeam } from './platform'
