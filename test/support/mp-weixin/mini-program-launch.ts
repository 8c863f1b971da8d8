/**
 * WeChat's `wx.openEmbeddedMiniProgram`, `wx.navigateToMiniProgram` and
 * `wx.navigateBackMiniProgram` for the
 * compiled mp-weixin app, added to the running fake `wx` (an additive hook:
 * mini-program.ts is untouched).
 *
 * uni's mp-weixin runtime copies `wx` into its own object when vendor.js loads
 * and sets `globalThis.wx` to that copy; `uni.X(...)` then calls `wx.X` on it
 * at call time. So the hook is installed on `globalThis.wx` after boot.
 *
 * Each API records its options (without callbacks) and answers as WeChat
 * does, asynchronously: `<api>:ok`, a refusal `<api>:fail <reason>`, or the
 * user's `<api>:fail cancel`.
 */

export type MiniProgramApi = 'openEmbeddedMiniProgram' | 'navigateToMiniProgram' | 'navigateBackMiniProgram'

/** How an API answers: 'ok', 'cancel' (the user closed the prompt), any other text: `fail <text>`. */
export type WxAnswer = 'ok' | 'cancel' | { fail: string } | 'missing'

export interface MiniProgramCall {
  api: MiniProgramApi
  /** The options the app passed, callbacks left out. */
  options: Record<string, unknown>
  errMsg: string
}

export interface MiniProgramLaunchFake {
  calls: MiniProgramCall[]
  /** How each API answers from now on; 'missing' removes it (an older base library). */
  answer(api: MiniProgramApi, answer: WxAnswer): void
  /** Puts the previous `wx` functions back. */
  restore(): void
}

type Callback = (result: { errMsg: string }) => void
type WxOptions = Record<string, unknown> & { success?: Callback; fail?: Callback; complete?: Callback }

export function installMiniProgramLaunchFake(): MiniProgramLaunchFake {
  const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx
  const previous = {
    openEmbeddedMiniProgram: wx.openEmbeddedMiniProgram,
    navigateToMiniProgram: wx.navigateToMiniProgram,
    navigateBackMiniProgram: wx.navigateBackMiniProgram,
  }
  const calls: MiniProgramCall[] = []

  const fake = (api: MiniProgramApi, answer: Exclude<WxAnswer, 'missing'>) => (options: WxOptions) => {
    const { success, fail, complete, ...rest } = options
    const errMsg = answer === 'ok' ? `${api}:ok` : answer === 'cancel' ? `${api}:fail cancel` : `${api}:fail ${answer.fail}`
    calls.push({ api, options: rest, errMsg })
    setTimeout(() => {
      if (answer === 'ok') success?.({ errMsg })
      else fail?.({ errMsg })
      complete?.({ errMsg })
    }, 0)
  }

  const answer = (api: MiniProgramApi, how: WxAnswer): void => {
    if (how === 'missing') delete wx[api]
    else wx[api] = fake(api, how)
  }
  answer('openEmbeddedMiniProgram', 'ok')
  answer('navigateToMiniProgram', 'ok')
  answer('navigateBackMiniProgram', 'ok')

  return {
    calls,
    answer,
    restore: () => Object.assign(wx, previous),
  }
}
