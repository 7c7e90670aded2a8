#!/usr/bin/env node
// `npm start`: builds the app when out/ is missing or older than src/, then opens the desktop
// window. Where the Electron binary is not installed (and cannot be fetched), or there is no
// display, it says why and serves the same UI to a browser instead (`gan-studio serve`).
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')
const { electronBinary, fetchElectron, root } = require('./electron-binary.cjs')

const OUTPUTS = [
  'out/main/index.js',
  'out/main/cli.js',
  'out/main/trainer-worker.js',
  'out/preload/index.js',
  'out/renderer/index.html'
].map((p) => path.join(root, p))
const INPUTS = ['src', 'package.json', 'electron.vite.config.ts'].map((p) => path.join(root, p))

/** Newest modification time under a file or folder (node_modules and dot folders skipped). */
function newest(p) {
  let st
  try {
    st = fs.statSync(p)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.mtimeMs
  let max = st.mtimeMs
  for (const name of fs.readdirSync(p)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    max = Math.max(max, newest(path.join(p, name)))
  }
  return max
}

function needsBuild() {
  const outTimes = OUTPUTS.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0))
  if (outTimes.some((t) => t === 0)) return 'out/ is missing'
  const oldestOut = Math.min(...outTimes)
  const newestIn = Math.max(...INPUTS.map(newest))
  return newestIn > oldestOut ? 'the sources changed since the last build' : undefined
}

function build(why) {
  process.stderr.write(`gan-studio: building (${why})...\n`)
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, stdio: 'inherit' }
  )
  if (r.status !== 0) {
    process.stderr.write('gan-studio: the build failed (see above).\n')
    process.exit(r.status || 1)
  }
}

function run(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: env || process.env })
  const forward = (sig) => child.kill(sig)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  child.on('exit', (code, signal) => process.exit(signal ? 1 : code || 0))
}

function serveInstead(reason) {
  process.stderr.write(`gan-studio: no desktop window: ${reason}.\n`)
  process.stderr.write(
    'gan-studio: serving the studio to your browser instead; open the URL below (Ctrl+C stops it).\n'
  )
  run(process.execPath, [path.join(root, 'bin', 'gan-studio.cjs'), 'serve', ...process.argv.slice(2)])
}

/** Whether a program is on PATH. */
function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0
}

// `npm start -- --self-test`: the desktop app checks itself in a hidden window and exits 0 or 1
// (src/main/self-test.ts). It needs the real Electron: no serve fallback, say why instead.
const selfTest = process.argv.includes('--self-test')
function cannotSelfTest(reason) {
  process.stderr.write(`gan-studio: self-test: FAILED: ${reason}.\n`)
  process.exit(1)
}

const why = needsBuild()
if (why) build(why)

let found = electronBinary()
if (!found.bin && found.pkgDir && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  process.stderr.write(`gan-studio: ${found.reason}; trying to download it...\n`)
  const failure = fetchElectron(found.pkgDir, 120000)
  found = failure ? { reason: `${found.reason}, and ${failure}` } : electronBinary()
}
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
const env = { ...process.env }
// A leftover ELECTRON_RUN_AS_NODE would start Electron as plain Node, without a window.
delete env.ELECTRON_RUN_AS_NODE
if (!found.bin) {
  if (selfTest) cannotSelfTest(`the desktop app cannot run here: ${found.reason}`)
  serveInstead(found.reason)
} else if (noDisplay && selfTest) {
  // Even a hidden window needs a display server; a virtual one will do.
  if (!onPath('xvfb-run'))
    cannotSelfTest('there is no display (DISPLAY and WAYLAND_DISPLAY are unset) and no xvfb-run')
  run('xvfb-run', ['-a', found.bin, '.', ...process.argv.slice(2)], env)
} else if (noDisplay) {
  serveInstead('there is no display (DISPLAY and WAYLAND_DISPLAY are unset)')
} else {
  run(found.bin, ['.', ...process.argv.slice(2)], env)
}
