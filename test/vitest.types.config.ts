// Type tests: route names typed from pages.json and the public API's shapes (vitest typecheck, *.test-d.ts),
// and the docs' code blocks compiled against that API (docs.test.ts, one vue-tsc run).
import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: path.resolve(__dirname, '..'),
  test: {
    include: ['test/types/**/*.test.ts'],
    environment: 'node',
    typecheck: {
      enabled: true,
      include: ['test/types/**/*.test-d.ts'],
      // Only the plugin, the generated route names and the type tests: other parts' work in progress stays out.
      tsconfig: 'test/tsconfig.types.json',
    },
  },
})
