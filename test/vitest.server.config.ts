// The link service: HTTP layer, core, emulator, real Redis (node environment).
import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: path.resolve(__dirname, '..'),
  test: {
    include: ['test/server/**/*.test.ts'],
    // One real redis-server for the suite (inject('redisUrl') / NAVI_TEST_REDIS_URL).
    globalSetup: ['test/server/setup/redis.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Servers, Redis and Chromium share a two-core machine: one file at a time.
    fileParallelism: false,
  },
})
