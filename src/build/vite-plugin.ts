import type { Plugin } from 'vite'
import path from 'node:path'
import { writeRouteTypes } from './generate-routes'
import { readPagesJson } from './pages'

/** The module an app imports to hand the router its pages: `import pages from 'virtual:navi-kit/pages'`. */
export const PAGES_MODULE = 'virtual:navi-kit/pages'
const RESOLVED = '\0' + PAGES_MODULE

/**
 * navi-kit's build helper, beside uni() in vite.config.ts:
 * - serves `virtual:navi-kit/pages`: this build's pages.json after uni's
 *   #ifdef pass for the platform being built, reduced to what the router reads;
 * - rewrites navi-routes.d.ts (typed route names, every platform's pages) at
 *   the start of a build and whenever pages.json changes, dev server included.
 */
export function naviKit(options: { root?: string } = {}): Plugin {
  let root = options.root ?? process.env.UNI_INPUT_DIR ?? process.cwd()
  const pagesFile = () => path.join(root, 'pages.json')
  return {
    name: 'navi-kit',
    configResolved(config) {
      root = options.root ?? process.env.UNI_INPUT_DIR ?? config.root
    },
    buildStart() {
      writeRouteTypes(root)
      this.addWatchFile(pagesFile())
    },
    // A dev server runs buildStart once: follow pages.json from its watcher.
    configureServer(server) {
      server.watcher.add(pagesFile())
      server.watcher.on('change', (file) => {
        if (path.resolve(file) !== pagesFile()) return
        // The router's table too: the next load of the module (a page reload) reads the new pages.json.
        const table = server.moduleGraph.getModuleById(RESOLVED)
        if (table) server.moduleGraph.invalidateModule(table)
        try {
          writeRouteTypes(root)
        } catch (error) {
          // A half-saved pages.json: the next save writes the types.
          server.config.logger.warn(`navi-kit: ${(error as Error).message}`)
        }
      })
    },
    resolveId: (id) => (id === PAGES_MODULE ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return
      this.addWatchFile(pagesFile())
      return `export default ${JSON.stringify(readPagesJson(root))}`
    },
  }
}
