// Unit tests of the plugin and the build helper (happy-dom).
import path from 'node:path'
import { defineConfig } from 'vitest/config'

const root = path.resolve(__dirname, '..')
const pkg = (file: string) => path.join(root, 'node_modules', file)

export default defineConfig({
  root,
  resolve: {
    alias: [
      // Stock vue has no injectHook for uni's page hooks (onLoad/onShow): use uni's own runtime.
      { find: /^vue$/, replacement: pkg('@dcloudio/uni-h5-vue/dist/vue.runtime.esm.js') },
      { find: /^@dcloudio\/uni-app$/, replacement: pkg('@dcloudio/uni-app/dist/uni-app.es.js') },
      { find: /^@vue\/test-utils$/, replacement: pkg('@vue/test-utils/dist/vue-test-utils.esm-bundler.mjs') },
      { find: /^@\//, replacement: root + '/' },
    ],
  },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'happy-dom',
    // Inlined, so the aliased `vue` above is the one they import too.
    server: { deps: { inline: [/@dcloudio\/uni-app/, /@vue\/test-utils/, /@dcloudio\/uni-h5-vue/] } },
  },
})
