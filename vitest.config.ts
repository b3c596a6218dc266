import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'

// One runner, four projects: each layer tests in the environment it really runs in (DESIGN §5).
export default defineConfig({
  test: {
    globalSetup: ['testkit/temp-root.ts'],
    // Most suites wait on sockets, not on the CPU: two workers per core keep the cores busy while suites wait
    // (vitest's default is one fewer than the cores). Measured on 2 cores shared with other jobs, `npx vitest run
    // --maxWorkers=N`: 1 → 75 s, 2 → 35–49 s, 3 → 21–39 s, 4 → 19–26 s (never slower than 3 side by side).
    maxWorkers: Math.min(availableParallelism() * 2, 8),
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
        test: {
          name: 'renderer', environment: 'happy-dom', include: ['src/renderer/**/*.test.ts'],
          // The renderer's files share a worker's modules and happy-dom (loaded once per worker, not once per file:
          // 17 s → 7 s of CPU). Nothing carries over: every test builds its own Pinia, bridge and document with
          // testing/setup.ts freshEnv(), and restores the spies and timers it changes (checked with --sequence.shuffle).
          isolate: false,
        },
      },
    ],
  },
})
