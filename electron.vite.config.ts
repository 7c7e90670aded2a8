import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { META_CSP } from './src/shared/csp'

/** Puts the one CSP (src/shared/csp.ts) into the renderer's index.html as its first meta tag. */
function cspMeta(): Plugin {
  return {
    name: 'gan-studio-csp',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CSP },
        injectTo: 'head-prepend'
      }
    ]
  }
}

/**
 * Three bundles: main (app lifecycle + the plain-Node entries that run without Electron: the CLI
 * and the worker processes), the sandboxed preload, and the Vue renderer. Dependencies stay
 * external on the Node side so tfjs-node's native addon and sharp's libvips load from node_modules.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // electron-store is ESM-only ("type": "module") and out/main is CommonJS: a bare
      // require('electron-store') depends on the runtime's require(esm). Bundled, it is plain code
      // in the bundle (test/unit/static/built-bundles.test.ts checks every remaining require).
      externalizeDeps: { exclude: ['electron-store'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/bin.ts'),
          'trainer-worker': resolve(__dirname, 'src/main/worker/trainer-worker.ts'),
          'inference-worker': resolve(__dirname, 'src/main/worker/inference-worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only `electron`: bundle its dependencies (zod, for the contract).
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } }
    },
    resolve: { alias: { '@renderer': resolve(__dirname, 'src/renderer/src') } },
    plugins: [vue(), cspMeta()]
  }
})
