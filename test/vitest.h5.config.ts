// The production H5 build (dist/build/h5) in a real Chromium.
import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: path.resolve(__dirname, '..'),
  test: {
    include: ['test/h5/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/support/h5/global-setup.ts'],
    // One browser at a time: the machine has two cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A page updates after the browser's own event (back button, onShow): on a loaded 2-core
    // machine that took over vitest's 1-s default once. 5 s, as the harness's own waits allow.
    expect: { poll: { timeout: 5_000 } },
  },
})
