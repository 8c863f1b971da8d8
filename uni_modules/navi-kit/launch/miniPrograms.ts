/**
 * The other mini-program platforms: uni.navigateToMiniProgram with each
 * platform's field names. uni passes the options through to my./swan./tt./…,
 * so the names below are the native ones.
 */
import { checkEnvVersion } from '../links'
import type { EnvVersion } from '../links'
import { callUni, pathWithQuery, requireAppId } from './shared'
import type { LaunchStrategy } from './shared'

/**
 * [the field naming the target, whether the platform documents envVersion,
 * and its own names for the versions where they differ from WeChat's]
 */
type PlatformFields = [id: 'appId' | 'appKey', envVersion?: 1, envNames?: Record<EnvVersion, string>]

/**
 * Baidu names the target by its App Key (swan.navigateToSmartProgram).
 * envVersion: documented by uni for Alipay, WeChat and Douyin; QQ's own docs
 * list it too. Douyin names the versions current (release) and latest (its
 * test version, for trial and develop); uni passes the value through.
 * Kuaishou, JD and Lark document appId/path/extraData only.
 * Not here (no API uni documents): mp-xhs, mp-360, quickapp-webview, mp-harmony.
 */
export const miniProgramFields: Record<string, PlatformFields> = {
  'mp-alipay': ['appId', 1],
  'mp-baidu': ['appKey'],
  'mp-toutiao': ['appId', 1, { release: 'current', trial: 'latest', develop: 'latest' }],
  'mp-qq': ['appId', 1],
  'mp-kuaishou': ['appId'],
  'mp-jd': ['appId'],
  'mp-lark': ['appId'],
}

export const navigateToMiniProgramOn =
  ([id, withEnvVersion, envNames]: PlatformFields): LaunchStrategy =>
  async (target) => {
    requireAppId(target)
    const envVersion = checkEnvVersion(target.envVersion)
    return callUni('navigateToMiniProgram', {
      [id]: target.appId,
      path: pathWithQuery(target),
      extraData: target.extraData,
      // Release is every platform's default: sent only where it has a name of its own.
      envVersion: withEnvVersion && (envNames ? envNames[envVersion ?? 'release'] : envVersion),
    })
  }
