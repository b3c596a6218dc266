import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'

// One runner, four projects: each layer tests in the environment it really runs in (DESIGN §5).
export default defineConfig({
  test: {
    globalSetup: ['testkit/temp-root.ts'],
    projects: [
      { test: { name: 'server', environment: 'node', include: ['server/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } },
      { test: { name: 'core', environment: 'node', include: ['src/main/core/**/*.test.ts', 'src/shared/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 } },
      {
        test: {
          name: 'main', environment: 'node',
          include: ['src/main/**/*.test.ts', 'src/preload/**/*.test.ts'],
          exclude: ['src/main/core/**'],
        },
      },
      {
        plugins: [vue()],
        resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src/shared') } },
        test: { name: 'renderer', environment: 'happy-dom', include: ['src/renderer/**/*.test.ts'] },
      },
    ],
  },
})
