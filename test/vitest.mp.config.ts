// The compiled mp-weixin app (dist/build/mp-weixin) in miniprogram-simulate.
import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: path.resolve(__dirname, '..'),
  test: {
    include: ['test/mp-weixin/**/*.test.ts'],
    // miniprogram-simulate renders into a DOM.
    environment: 'happy-dom',
    globalSetup: ['test/support/mp-weixin/global-setup.ts'],
    // One process per file: each boots its own mini program (vendor.js stays
    // cached in Node's require cache, like a client's single JS context).
    pool: 'forks',
    isolate: true,
    fileParallelism: false,
    testTimeout: 20_000,
  },
})
