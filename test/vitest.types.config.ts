// Type tests (vitest typecheck): route names typed from pages.json, the public API's shapes.
import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: path.resolve(__dirname, '..'),
  test: {
    include: ['test/types/**/*.test-d.ts'],
    typecheck: {
      enabled: true,
      only: true,
      include: ['test/types/**/*.test-d.ts'],
      // Only the plugin, the generated route names and the type tests: other parts' work in progress stays out.
      tsconfig: 'test/tsconfig.types.json',
    },
  },
})
