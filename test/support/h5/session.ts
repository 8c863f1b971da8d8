/**
 * One Chromium per H5 test file: started before the file's tests, closed
 * after them; page errors are printed beside a failing test.
 */
import { afterAll, afterEach, beforeAll, inject } from 'vitest'
import { H5App } from './app'
import { type Browser, launchBrowser } from './browser'

export interface H5Session {
  browser: Browser
  app: H5App
}

/** Registers the file's browser hooks; the fields are set once beforeAll has run. */
export function useH5Session(): H5Session {
  const session = {} as H5Session
  beforeAll(async () => {
    session.browser = await launchBrowser()
    session.app = new H5App(session.browser.page, inject('h5Url'))
  })
  afterAll(async () => {
    await session.browser?.close()
  })
  afterEach(({ task }) => {
    // Page errors explain a failure better than a timeout does.
    const errors = session.browser?.errors ?? []
    if (task.result?.state === 'fail' && errors.length) console.error(errors.join('\n'))
    errors.length = 0
  })
  return session
}
