// navi-kit public API: the one curated export list.
export { NavigationError, LaunchError, isNavigationError, isLaunchError } from './errors'
export type { NavigationErrorCode, LaunchErrorCode } from './errors'
export { setPlatformSeam } from './platform'
export type { PlatformSeam } from './platform'

// Launcher: other mini programs, from every platform.
export { openMiniProgram, navigateBackMiniProgram } from './launch'
export type { MiniProgramTarget, LaunchOptions, LaunchResult, LaunchVia } from './launch/shared'
export { createLinkClient } from './launch/linkClient'
export type { LinkClient, LinkRequest, MintedLink } from './launch/linkClient'
export { buildWeixinScheme, buildAlipayScheme, alipayHttpsLink, appendCustomQuery } from './links'
export type { EnvVersion, LinkQuery, WeixinSchemeInput, AlipaySchemeInput } from './links'
export { createRouter } from './router'
export { useRouter, useRoute } from './useApi'
export { decodeQuery } from './query'
export type {
  JsonValue,
  RouteQuery,
  Route,
  RouteName,
  RoutePath,
  RouteNamedMap,
  RouteLocationRaw,
  RouteLocationObject,
  RouteLocationOptions,
  RouteQueryInput,
  JsonInput,
  JsonChecked,
  NavigationGuard,
  NavigationHook,
  GuardResult,
  PagesJson,
  PageEntry,
  RouterOptions,
  Router,
  StackFullPolicy,
} from './types'
