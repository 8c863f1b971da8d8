/**
 * The other mini-program platforms: uni.navigateToMiniProgram with each
 * platform's field names. uni passes the options through to my./swan./tt./…,
 * so the names below are the native ones.
 */
import { seam } from '../platform'
import type { UniCallOptions } from '../platform'
import { callUni, failure, pathWithQuery, requireAppId } from './shared'
import type { LaunchStrategy } from './shared'

interface PlatformFields {
  /** The field that names the target. */
  id: 'appId' | 'appKey'
  /** Whether the platform documents envVersion. */
  envVersion: boolean
}

/**
 * Baidu names the target by its App Key (swan.navigateToSmartProgram).
 * envVersion: documented by uni for Alipay, WeChat and Douyin; QQ's own docs
 * list it too. Kuaishou, JD and Lark document appId/path/extraData only.
 */
export const miniProgramFields: Record<string, PlatformFields> = {
  'mp-alipay': { id: 'appId', envVersion: true },
  'mp-baidu': { id: 'appKey', envVersion: false },
  'mp-toutiao': { id: 'appId', envVersion: true },
  'mp-qq': { id: 'appId', envVersion: true },
  'mp-kuaishou': { id: 'appId', envVersion: false },
  'mp-jd': { id: 'appId', envVersion: false },
  'mp-lark': { id: 'appId', envVersion: false },
}

export function navigateToMiniProgramOn(fields: PlatformFields): LaunchStrategy {
  return async (target) => {
    requireAppId(target)
    const options: UniCallOptions = { [fields.id]: target.appId, path: pathWithQuery(target) }
    if (target.extraData) options.extraData = target.extraData
    if (fields.envVersion && target.envVersion) options.envVersion = target.envVersion
    try {
      await callUni((o) => seam().uni.navigateToMiniProgram(o), options)
    } catch (result) {
      throw failure(result as UniCallOptions, 'navigateToMiniProgram')
    }
    return { via: 'navigateToMiniProgram' }
  }
}
