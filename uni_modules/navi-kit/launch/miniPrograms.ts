/**
 * The other mini-program platforms: uni.navigateToMiniProgram with each
 * platform's field names. uni passes the options through to my./swan./tt./…,
 * so the names below are the native ones.
 */
import { callUni, pathWithQuery, requireAppId } from './shared'
import type { LaunchStrategy } from './shared'

/** [the field naming the target, whether the platform documents envVersion] */
type PlatformFields = [id: 'appId' | 'appKey', envVersion?: 1]

/**
 * Baidu names the target by its App Key (swan.navigateToSmartProgram).
 * envVersion: documented by uni for Alipay, WeChat and Douyin; QQ's own docs
 * list it too. Kuaishou, JD and Lark document appId/path/extraData only.
 * Not here (no API uni documents): mp-xhs, mp-360, quickapp-webview, mp-harmony.
 */
export const miniProgramFields: Record<string, PlatformFields> = {
  'mp-alipay': ['appId', 1],
  'mp-baidu': ['appKey'],
  'mp-toutiao': ['appId', 1],
  'mp-qq': ['appId', 1],
  'mp-kuaishou': ['appId'],
  'mp-jd': ['appId'],
  'mp-lark': ['appId'],
}

export const navigateToMiniProgramOn =
  ([id, withEnvVersion]: PlatformFields): LaunchStrategy =>
  async (target) => {
    requireAppId(target)
    return callUni('navigateToMiniProgram', {
      [id]: target.appId,
      path: pathWithQuery(target),
      extraData: target.extraData,
      envVersion: withEnvVersion && target.envVersion,
    })
  }
