// ESLint 9 flat config. Besides the usual recommended sets, it enforces the layer boundaries of DESIGN §1
// with `no-restricted-imports`, so a wrong import fails `npm run lint`.
import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import { builtinModules } from 'node:module'
import tseslint from 'typescript-eslint'

const nodeBuiltins = [...new Set(builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]))]

/** `^(../){n}`: a relative import climbing at least n levels. */
const up = (n) => `^(?:\\.\\./){${n}}`
const MAX_DEPTH = 5

/**
 * One config per folder depth under `root`: relative imports that climb out of `root` are refused, except into
 * `src/shared` when `sharedFromRoot` (the climb from `root` to `src`, e.g. 2 for src/main/core) is given.
 * Depth-specific globs never overlap, so each file gets exactly one `no-restricted-imports` setting.
 */
function boundary(root, { name, paths = [], sharedFromRoot, extraPatterns = [] }) {
  return Array.from({ length: MAX_DEPTH }, (_, depth) => {
    const escape = depth + 1
    const regex = sharedFromRoot === undefined
      ? up(escape)
      : `${up(escape)}(?!${'\\.\\./'.repeat(sharedFromRoot - 1)}shared(?:/|$))`
    return {
      name: `boundary/${name}/depth-${depth}`,
      files: [`${root}/${'*/'.repeat(depth)}*.{ts,js,mjs,vue}`],
      ignores: ['**/*.test.ts', '**/*.spec.ts', '**/testing/**'],
      rules: {
        'no-restricted-imports': ['error', {
          paths: paths.map((p) => ({ name: p, message: `${name} must not import ${p} (DESIGN §1).` })),
          patterns: [
            { regex, message: `${name} may import only its own files${sharedFromRoot === undefined ? '' : ' and src/shared'} (DESIGN §1).` },
            ...extraPatterns,
          ],
        }],
      },
    }
  })
}

const electronPattern = { regex: '^electron(?:/|$)', message: 'No electron here (DESIGN §1).' }
const uiPackages = ['vue', 'vue-router', 'pinia', 'vue-i18n', '@tanstack/vue-virtual']

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**', 'playwright-report/**', '.cht-data/**', '.vite/**'] },

  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  // Formatting is not lint's job here: template layout rules only produce noise.
  { name: 'vue/no-layout-rules', files: ['**/*.vue'], rules: pluginVue.configs['no-layout-rules'].rules },

  {
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_',
      }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // `let x` declared before a closure that reads it, assigned once later, is fine.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },

  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
    rules: {
      // Server strings are never rendered as HTML (DESIGN §6).
      'vue/no-v-html': 'error',
      // Single-word names (App.vue) are fine in an application.
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },

  // --- Boundaries (DESIGN §1) ---
  // shared: pure TypeScript, imports nothing of ours and no platform.
  ...boundary('src/shared', {
    name: 'src/shared',
    paths: [...nodeBuiltins, ...uiPackages, 'ws'],
    extraPatterns: [electronPattern, { regex: '^@shared/', message: 'Use relative imports inside shared.' }],
  }),
  // core: never electron, never main/* outside core; shared allowed.
  ...boundary('src/main/core', { name: 'src/main/core', paths: uiPackages, sharedFromRoot: 2, extraPatterns: [electronPattern] }),
  // preload: electron and shared only.
  ...boundary('src/preload', {
    name: 'src/preload',
    sharedFromRoot: 1,
    extraPatterns: [{ regex: '^(?!\\.|electron$)', message: 'src/preload imports only electron and src/shared (DESIGN §1).' }],
  }),
  // renderer: shared and its own files; no electron, no Node, no network library.
  ...boundary('src/renderer', {
    name: 'src/renderer',
    paths: [...nodeBuiltins, 'ws'],
    sharedFromRoot: 1,
    extraPatterns: [electronPattern],
  }),
  // server: a stand-alone double of production, nothing from src/.
  ...boundary('server', { name: 'server', paths: uiPackages, extraPatterns: [electronPattern] }),
)
