#!/usr/bin/env node
// Entry of the `gan-studio` command. Runs the built CLI; builds it first when it is missing
// (a fresh clone), so `npx gan-studio` works straight after `npm install`.
'use strict'
const path = require('node:path')
const fs = require('node:fs')
const { spawnSync } = require('node:child_process')

const root = path.join(__dirname, '..')
const cli = path.join(root, 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  process.stderr.write('gan-studio: first run, building the app (once)...\n')
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit']
    }
  )
  if (r.status !== 0 || !fs.existsSync(cli)) {
    process.stderr.write('gan-studio: the build failed; run `npm run build` in ' + root + ' to see why.\n')
    process.exit(1)
  }
}
require(cli)
