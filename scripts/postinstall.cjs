// Runs after `npm install` / `npm ci` in this project (root lifecycle scripts always run).
// 1. Fetches the Electron binary when it is missing (see electron-binary.cjs for why here).
// 2. Builds the app so `npx gan-studio` and `npm start` start at once.
// Neither step can fail the install: each failure is explained and the next step goes on.
'use strict'
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const { electronBinary, fetchElectron, root } = require('./electron-binary.cjs')

const found = electronBinary()
if (!found.bin && found.pkgDir) {
  const why = fetchElectron(found.pkgDir, 120000)
  if (why) {
    console.log(`gan-studio: no Electron binary (${why}).`)
    console.log(
      'gan-studio: the CLI and `gan-studio serve` work without it; `npm start` will say so and serve the studio in a browser.'
    )
  }
}
const r = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit']
  }
)
if (r.status !== 0)
  console.log(
    'gan-studio: the build did not finish; `npm start` and `npx gan-studio` will build on first use.'
  )
