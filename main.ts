import { createSSRApp } from 'vue'
import { createRouter } from '@/uni_modules/navi-kit'
import pages from 'virtual:navi-kit/pages'
import App from './App.vue'
import { demoState, SLOW_SESSION_MS } from './pages/demo-state'

const SECRET = '/pages/secret/secret'
const LOGIN = '/pages/login/login'

/** Stands in for a session check against a server (a token refresh, say). */
function checkSession(): Promise<boolean> {
  return new Promise((resolve) => setTimeout(() => resolve(demoState.loggedIn), demoState.slowSession ? SLOW_SESSION_MS : 30))
}

export function createApp() {
  const app = createSSRApp(App)
  const router = createRouter({ pages })

  // Guard: the secret page needs a login. Asynchronous, as a real session
  // check is; applies to router calls, raw uni.navigateTo and (on H5 / App)
  // <navigator> taps alike.
  router.beforeEach(async (to) => {
    if (to.path !== SECRET) return
    const loggedIn = await checkSession()
    if (!loggedIn) return { path: LOGIN, query: { redirect: to.fullPath } }
  })

  // Guard: a query flag the guards demo uses to show an aborted navigation.
  router.beforeEach((to) => (to.query.blocked === true ? false : undefined))

  // Record every navigation, shown by the guards, login and secret pages.
  router.afterEach((to, from, failure) => {
    demoState.navigations += 1
    demoState.lastNavigation = `${from.path} → ${to.path}${failure ? ` ✗ ${failure.code}` : ''}`
    demoState.lastTo = to.fullPath
  })

  app.use(router)
  return { app }
}
