/**
 * mp-weixin: half-screen first (uni.openEmbeddedMiniProgram), then the full
 * open. WeChat itself switches to a full open when the half-screen rules are
 * not met; we fall back only when the call is refused or missing, and never
 * after the user cancelled (a second prompt would be rude).
 */
import { seam } from '../platform'
import type { UniCallbackResult } from '../platform'
import { callUni, defined, failure, isCancel, navigateToMiniProgram, pathWithQuery, requireAppId } from './shared'
import type { LaunchStrategy } from './shared'

export const launchFromWeixin: LaunchStrategy = async (target) => {
  if (!target.shortLink) requireAppId(target)
  const { appId, extraData, envVersion, shortLink } = target
  const options = defined({ appId, path: pathWithQuery(target), extraData, envVersion, shortLink })
  const embedded = seam().uni.openEmbeddedMiniProgram
  if (embedded && target.embedded !== false) {
    try {
      await callUni(embedded, options)
      return { via: 'openEmbeddedMiniProgram' }
    } catch (result) {
      if (isCancel(result as UniCallbackResult)) throw failure(result as UniCallbackResult, 'openEmbeddedMiniProgram')
    }
  }
  return navigateToMiniProgram(options)
}
