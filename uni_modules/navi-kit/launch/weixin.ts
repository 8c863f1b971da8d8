/**
 * mp-weixin: half-screen first (uni.openEmbeddedMiniProgram), then the full
 * open. WeChat itself switches to a full open when the half-screen rules are
 * not met; we fall back only when the call is refused or missing, and never
 * after the user cancelled (a second prompt would be rude).
 */
import type { LaunchError } from '../errors'
import { checkEnvVersion } from '../links'
import { seam } from '../platform'
import { callUni, pathWithQuery, requireAppId } from './shared'
import type { LaunchStrategy } from './shared'

export const launchFromWeixin: LaunchStrategy = async (target) => {
  if (!target.shortLink) requireAppId(target)
  const { appId, extraData, shortLink } = target
  const options = { appId, path: pathWithQuery(target), extraData, envVersion: checkEnvVersion(target.envVersion), shortLink }
  if (seam().uni.openEmbeddedMiniProgram && target.embedded !== false) {
    try {
      return await callUni('openEmbeddedMiniProgram', options)
    } catch (error) {
      if ((error as LaunchError).code === 'cancelled') throw error
    }
  }
  return callUni('navigateToMiniProgram', options)
}
