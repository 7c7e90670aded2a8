#!/usr/bin/env node
// `npm run bench -- [flags]`: runs bench/cli.ts (TypeScript) in plain Node through Vite's module
// runner (vite is already a devDependency; no ts-node/tsx needed). Node modules stay external,
// so tfjs and its wasm backend load exactly as in production.
'use strict'
const path = require('node:path')

const root = path.resolve(__dirname, '..')

async function run() {
  process.chdir(root)
  const { createServer, createServerModuleRunner } = await import('vite')
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
    resolve: {
      // tfjs-core's register_all_gradients is ESM with extensionless imports, which plain Node
      // cannot load; see bench/node-gradients.ts for the stand-in.
      alias: [
        {
          find: /^@tensorflow\/tfjs-core\/dist\/register_all_gradients$/,
          replacement: path.join(root, 'bench/node-gradients.ts')
        }
      ]
    }
  })
  const runner = createServerModuleRunner(server.environments.ssr, { hmr: false })
  try {
    const mod = await runner.import(path.join(root, 'bench/cli.ts'))
    await mod.main(process.argv.slice(2))
  } finally {
    await runner.close()
    await server.close()
  }
}

run().catch((err) => {
  console.error(`bench: ${err && err.stack ? err.stack : err}`)
  process.exit(1)
})
