/**
 * App: WeChat mini programs through the WeChat share SDK
 * (plus.share 'weixin' → launchMiniProgram), Alipay ones through the
 * alipays:// scheme (plus.runtime.openURL).
 */
import { LaunchError } from '../errors'
import { alipayQueryText, buildAlipayScheme, checkEnvVersion, encode, invalid } from '../links'
import { seam } from '../platform'
import { OPEN_URL_GRACE_MS, PLUS_CANCELLED, PLUS_NOT_INSTALLED } from './limits'
import { isAlipayAppId, pathWithQuery, splitPath } from './shared'
import type { LaunchStrategy } from './shared'

type PlusError = { code?: number; message?: string }

export { OPEN_URL_GRACE_MS } from './limits'

const LAUNCH_TYPE = { release: 0, develop: 1, trial: 2 } as const

const notInstalled = (app: string, errMsg?: string): LaunchError =>
  new LaunchError('not-installed', `${app} is not installed`, { errMsg })

/** A plus.share error (getServices or launchMiniProgram): WeChat missing, the user's cancel, or anything else. */
function shareFailure(e: PlusError): LaunchError {
  const errMsg = e.message ?? String(e.code)
  if (e.code === PLUS_NOT_INSTALLED || /未安装|not install/i.test(errMsg)) return notInstalled('WeChat', errMsg)
  return new LaunchError(e.code === PLUS_CANCELLED ? 'cancelled' : 'platform', `plus.share: ${errMsg}`, { errMsg, via: 'plus.share' })
}

export const launchFromApp: LaunchStrategy = async (target) => {
  const plus = seam().plus()
  if (!plus) throw new LaunchError('unsupported', 'no plus: not in the App')

  if (isAlipayAppId(target.appId)) {
    // The query goes in the page too ('pages/a/a?id%3D42': its raw text, encoded once as Alipay asks), where the
    // page's onLoad reads it as on mp-alipay; the scheme's own query reaches only the target's App.onLaunch/onShow.
    // A query the path carries joins it.
    const [path, text] = splitPath((target.path ?? '').replace(/^\/+/, ''), target.query === undefined ? '' : alipayQueryText(target.query))
    const url = buildAlipayScheme({
      appId: target.appId,
      page: path && (text ? `${path}?${encode(text)}` : path),
      query: text || undefined,
    })
    return new Promise((resolve, reject) => {
      plus.runtime.openURL(url, (e: PlusError) => reject(notInstalled('Alipay', e.message)))
      seam().setTimeout(() => resolve({ via: 'plus.runtime.openURL', url }), OPEN_URL_GRACE_MS)
    })
  }

  if (!target.originalId?.startsWith('gh_')) throw invalid('originalId', 'is required in the App: the original id gh_…')
  const options = { id: target.originalId, path: pathWithQuery(target), type: LAUNCH_TYPE[checkEnvVersion(target.envVersion) ?? 'release'] }
  return new Promise((resolve, reject) =>
    plus.share.getServices(
      (services) => {
        const weixin = services.find((service) => service.id === 'weixin')
        if (!weixin) {
          return reject(
            new LaunchError('unsupported', 'no weixin share service: in manifest.json enable App模块配置 > Share > 微信分享 (appid), then rebuild'),
          )
        }
        if (weixin.nativeClient === false) return reject(notInstalled('WeChat'))
        weixin.launchMiniProgram(options, () => resolve({ via: 'plus.share' }), (e) => reject(shareFailure(e)))
      },
      (e) => reject(shareFailure(e)),
    ),
  )
}
