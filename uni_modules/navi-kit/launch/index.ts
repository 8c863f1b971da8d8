/**
 * The launcher: one call opens another mini program from whatever platform
 * the app runs on. Each platform family is a strategy in the table below.
 */
import { LaunchError } from '../errors'
import { invalid } from '../links'
import { seam } from '../platform'
import { launchFromApp } from './app'
import { launchFromH5 } from './h5'
import { miniProgramFields, navigateToMiniProgramOn } from './miniPrograms'
import { callUni } from './shared'
import type { LaunchOptions, LaunchResult, LaunchStrategy, MiniProgramTarget } from './shared'
import { launchFromWeixin } from './weixin'

// Conditional compilation keeps only the built platform's strategies in an
// app (unit tests, which skip it, see them all).
const strategies: Record<string, LaunchStrategy> = {}
// #ifdef MP
for (const platform in miniProgramFields) strategies[platform] = navigateToMiniProgramOn(miniProgramFields[platform])
// #endif
// #ifdef MP-WEIXIN
strategies['mp-weixin'] = launchFromWeixin
// #endif
// #ifdef APP
strategies.app = launchFromApp
// #endif
// #ifdef H5
strategies.h5 = launchFromH5
// #endif

// uni documents navigateBackMiniProgram for these (not App, H5 or Lark).
const CAN_NAVIGATE_BACK = /^mp-(weixin|alipay|baidu|toutiao|qq|kuaishou|jd)$/

const unsupported = (what: string, platform: string): LaunchError =>
  new LaunchError('unsupported', `${what}: none on ${platform}`)

/**
 * Opens another mini program. Resolves with the route that opened it
 * (`via`, and the link for H5); rejects with a LaunchError.
 */
export async function openMiniProgram(target: MiniProgramTarget, options: LaunchOptions = {}): Promise<LaunchResult> {
  if (!target || typeof target !== 'object') throw invalid('target', 'must be an object { appId, path?, query?, … }')
  const platform = options.platform ?? seam().platform()
  const strategy = strategies[platform]
  if (!strategy) throw unsupported('Opening another mini program', platform)
  return strategy(target, options)
}

/** Returns to the mini program that opened this one, handing it `extraData`. */
export async function navigateBackMiniProgram(extraData?: Record<string, unknown>, platform = seam().platform()): Promise<void> {
  if (!CAN_NAVIGATE_BACK.test(platform)) throw unsupported('navigateBackMiniProgram', platform)
  await callUni('navigateBackMiniProgram', { extraData })
}
