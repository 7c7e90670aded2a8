// Flat config: typescript-eslint for all TS, eslint-plugin-vue for the renderer, and the layer
// rules of CONVENTIONS.md #4 as no-restricted-imports with a message saying where code belongs.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const nodeOnlyMessage =
  'The renderer runs sandboxed: reach Node/main code through src/renderer/src/api (window.studio).'
const electronMessage =
  'Only src/main/index.ts, src/main/window/, src/main/ipc/ and src/preload/ may import electron; services, engine, worker, cli and shared are plain Node.'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } }
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/explicit-function-return-type': [
        'error',
        { allowExpressions: true, allowTypedFunctionExpressions: true }
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    files: ['**/*.cjs', '**/*.mjs'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/explicit-function-return-type': 'off'
    }
  },
  {
    files: [
      'src/main/services/**',
      'src/main/engine/**',
      'src/main/worker/**',
      'src/main/cli/**',
      'src/main/serve/**',
      'src/shared/**'
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: electronMessage }] }] }
  },
  {
    // The webgpu backend cannot read synchronously in Node (its readSync needs an OffscreenCanvas),
    // so everything that may run on it reads back with `await t.data()` / `await t.array()`.
    files: ['src/main/engine/**', 'src/main/services/explorer/**', 'src/main/worker/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['dataSync', 'arraySync', 'bufferSync'].map((property) => ({
          property,
          message: `${property}() fails on the webgpu backend in Node: use \`await t.${property === 'arraySync' ? 'array' : property === 'bufferSync' ? 'buffer' : 'data'}()\` instead.`
        }))
      ]
    }
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: electronMessage }],
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'child_process', '@tensorflow/*'],
              message: 'src/shared holds no Node, DOM or tfjs code: put it in src/main.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: nodeOnlyMessage }],
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process', 'ws', 'sharp'], message: nodeOnlyMessage },
            {
              group: ['@tensorflow/*'],
              message:
                'tfjs runs in the trainer worker, not the renderer: ask the service through the api module.'
            },
            { group: ['**/main/**', '**/preload/**'], message: nodeOnlyMessage }
          ]
        }
      ]
    }
  },
  prettier
)
