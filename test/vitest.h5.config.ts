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
  },
})
