/**
 * mp-weixin: half-screen first (uni.openEmbeddedMiniProgram), then the full
 * open. WeChat itself switches to a full open when the half-screen rules are
 * not met; we fall back only when the call is refused or missing, and never
 * after the user cancelled (a second prompt would be rude).
 */
import { LaunchError } from '../errors'
import { seam } from '../platform'
import type { UniCallOptions } from '../platform'
import { callUni, failure, isCancel, pathWithQuery } from './shared'
import type { LaunchStrategy } from './shared'

export const launchFromWeixin: LaunchStrategy = async (target) => {
  if (!target.appId && !target.shortLink) {
    throw new LaunchError('invalid', 'appId (or shortLink) is required: the AppID of the mini program to open')
  }
  const options: UniCallOptions = { appId: target.appId, path: pathWithQuery(target) }
  for (const key of ['extraData', 'envVersion', 'shortLink'] as const) {
    if (target[key] !== undefined) options[key] = target[key]
  }
  const { uni } = seam()
  const embedded = uni.openEmbeddedMiniProgram
  if (embedded && target.embedded !== false) {
    try {
      await callUni(embedded, options)
      return { via: 'openEmbeddedMiniProgram' }
    } catch (result) {
      if (isCancel(result as UniCallOptions)) throw failure(result as UniCallOptions, 'openEmbeddedMiniProgram')
    }
  }
  try {
    await callUni(uni.navigateToMiniProgram, options)
  } catch (result) {
    throw failure(result as UniCallOptions, 'navigateToMiniProgram')
  }
  return { via: 'navigateToMiniProgram' }
}
