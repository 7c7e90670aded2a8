// `npm run dist[:linux|:win|:mac]`: builds GAN Studio's installers with electron-builder.
//
// electron-builder fails late and noisily (a stack trace minutes in) when its inputs are missing,
// so this wrapper checks them first and stops at once, saying why and what to do:
//   1. the target platform is this machine's: the native addons in node_modules (tfjs-node's
//      libtensorflow, sharp's libvips) are built for this OS and CPU only, so a cross-built
//      installer would carry binaries its users cannot load;
//   2. the Electron binary is installed (node_modules/electron/dist): every installer is that binary
//      plus our app.asar. It is handed to electron-builder as `electronDist`, so nothing is
//      downloaded twice;
//   3. electron-builder's own packaging tools (appimagetool, fpm, NSIS) are cached or github.com is
//      reachable to fetch them;
// then builds out/ (electron-vite) when missing or older than src/, renders the icons when stale,
// and runs electron-builder with the platform's targets for this machine's CPU.
//
// Usage: node scripts/dist.cjs [linux|win|mac] [--plan]
//   no platform: this machine's. --plan: print the electron-builder command and stop (no checks).
//   GAN_STUDIO_ELECTRON_DIST=<dir>: use that unpacked Electron instead of node_modules/electron/dist.
'use strict'
const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { electronBinary, root } = require('./electron-binary.cjs')

/** What each `dist:<name>` builds. Targets and CPUs mirror electron-builder.yml. */
const PLATFORMS = {
  linux: {
    host: 'linux',
    label: 'Linux installers (AppImage, .deb)',
    flag: '--linux',
    targets: ['AppImage', 'deb'],
    arches: ['x64'],
    // electron-builder fetches these from GitHub on first use and keeps them in its cache.
    tools: ['appimage', 'fpm'],
    buildOn: 'a Linux x64 machine (e.g. a ubuntu-latest CI runner)'
  },
  win: {
    host: 'win32',
    label: 'Windows installer (NSIS)',
    flag: '--win',
    targets: ['nsis'],
    arches: ['x64'],
    tools: ['nsis', 'nsis-resources', 'winCodeSign'],
    buildOn: 'a Windows x64 machine (e.g. a windows-latest CI runner)'
  },
  mac: {
    host: 'darwin',
    label: 'macOS disk image (dmg)',
    flag: '--mac',
    targets: ['dmg'],
    // One CPU per run: node_modules holds the natives and the Electron binary for this Mac's CPU
    // only, so x64 and arm64 dmgs come from two machines (macos-13 and macos-14 CI runners).
    arches: ['x64', 'arm64'],
    tools: [],
    buildOn: 'a Mac (an Intel Mac for x64, an Apple silicon Mac for arm64)'
  }
}

const HOST_NAMES = { linux: 'linux', win32: 'win', darwin: 'mac' }

class Stop extends Error {
  constructor(why, todo) {
    super(why)
    this.todo = todo
  }
}

function rel(p) {
  return path.relative(root, p) || '.'
}

function parseArgs(argv) {
  const plan = argv.includes('--plan')
  const rest = argv.filter((a) => a !== '--plan')
  const unknown = rest.filter((a) => !(a in PLATFORMS))
  if (unknown.length > 0 || rest.length > 1) {
    throw new Stop(
      `unknown argument ${unknown[0] ?? rest[1]}`,
      'use: node scripts/dist.cjs [linux|win|mac] [--plan]'
    )
  }
  const name = rest[0] ?? HOST_NAMES[process.platform]
  if (!name)
    throw new Stop(
      `no installer target for this OS (${process.platform})`,
      'build on Linux, Windows or macOS'
    )
  return { name, plan }
}

/** The electron-builder command line for `name` on this CPU. */
function builderArgs(name, electronDist) {
  const p = PLATFORMS[name]
  const args = [
    path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
    '--config',
    'electron-builder.yml',
    '--publish',
    'never'
  ]
  if (electronDist) args.push(`-c.electronDist=${electronDist}`)
  args.push(p.flag, ...p.targets, `--${process.arch}`)
  return args
}

function checkHost(name) {
  const p = PLATFORMS[name]
  if (process.platform !== p.host) {
    throw new Stop(
      `the ${p.label} cannot be built on ${process.platform}: node_modules holds tfjs-node's libtensorflow and ` +
        `sharp's libvips for ${process.platform} only, and an installer carrying them would not run on the target`,
      `run \`npm install\` and then \`npm run dist:${name}\` on ${p.buildOn}`
    )
  }
  if (!p.arches.includes(process.arch)) {
    throw new Stop(
      `the ${p.label} are built for ${p.arches.join(' and ')}, and this machine is ${process.arch}`,
      `run \`npm run dist:${name}\` on ${p.buildOn}`
    )
  }
}

const ELECTRON_EXE = { linux: 'electron', win: 'electron.exe', mac: 'Electron.app' }

/** node_modules/electron/dist (or $GAN_STUDIO_ELECTRON_DIST), or a Stop saying why it is not usable. */
function checkElectron(name) {
  const override = process.env.GAN_STUDIO_ELECTRON_DIST
  if (override) {
    // An unpacked Electron of the same version kept elsewhere (e.g. a CI cache).
    if (!fs.existsSync(path.join(override, ELECTRON_EXE[name]))) {
      throw new Stop(
        `GAN_STUDIO_ELECTRON_DIST=${override} has no ${ELECTRON_EXE[name]}`,
        'point it at an unpacked Electron for this platform, or unset it to use node_modules/electron/dist'
      )
    }
    return path.resolve(override)
  }
  const found = electronBinary()
  if (!found.bin) {
    throw new Stop(
      `there is no Electron binary in node_modules/electron (${found.reason}). Every installer is that ` +
        `binary plus the app, and electron-builder would otherwise download Electron from github.com itself`,
      `run on a machine with internet: \`npm install\` fetches Electron (or \`node node_modules/electron/install.js\` ` +
        `in an existing checkout); then \`npm run dist:${name}\``
    )
  }
  const pkgDir = path.dirname(require.resolve('electron/package.json', { paths: [root] }))
  return path.join(pkgDir, 'dist')
}

function cacheDir() {
  if (process.env.ELECTRON_BUILDER_CACHE) return process.env.ELECTRON_BUILDER_CACHE
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'electron-builder')
  if (process.platform === 'win32')
    return path.join(
      process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'),
      'electron-builder',
      'Cache'
    )
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'electron-builder')
}

function reachable(host, port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

async function checkTools(name) {
  const p = PLATFORMS[name]
  // The user pointed electron-builder at a mirror (the variables app-builder-lib 25 reads).
  const mirrors = [
    'ELECTRON_BUILDER_BINARIES_MIRROR',
    'ELECTRON_BUILDER_BINARIES_DOWNLOAD_OVERRIDE_URL',
    'NPM_CONFIG_ELECTRON_BUILDER_BINARIES_MIRROR',
    'npm_config_electron_builder_binaries_mirror'
  ]
  if (mirrors.some((v) => process.env[v])) return
  const missing = p.tools.filter((t) => !fs.existsSync(path.join(cacheDir(), t)))
  if (missing.length === 0) return
  if (await reachable('github.com', 443, 5000)) return
  throw new Stop(
    `electron-builder needs ${missing.join(', ')} for the ${p.label}; they are not in its cache (${cacheDir()}) and ` +
      `github.com, where it downloads them from, is not reachable from this machine`,
    `run on a machine with internet: \`npm install\`, then \`npm run dist:${name}\` (the tools are cached after the first run)`
  )
}

function newestMtime(dir) {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs)
  }
  return newest
}

/** Builds out/ when an entry is missing or src/ changed after the last build: a stale out/ would ship old code. */
function ensureBuilt() {
  const entries = [
    'out/main/index.js',
    'out/main/cli.js',
    'out/main/trainer-worker.js',
    'out/preload/index.js',
    'out/renderer/index.html'
  ]
  const missing = entries.filter((e) => !fs.existsSync(path.join(root, e)))
  const builtAt =
    missing.length === 0 ? Math.min(...entries.map((e) => fs.statSync(path.join(root, e)).mtimeMs)) : 0
  if (missing.length === 0 && newestMtime(path.join(root, 'src')) <= builtAt) return
  console.log(
    `gan-studio dist: building out/ (${missing.length > 0 ? `${missing[0]} is missing` : 'src/ changed since the last build'})`
  )
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  )
  if (r.status !== 0)
    throw new Stop(
      '`electron-vite build` failed (its errors are above)',
      'fix the build, then run this again'
    )
}

async function ensureIcons() {
  const icons = require('./make-icons.cjs')
  if (!icons.stale()) return
  console.log('gan-studio dist: rendering icons from build/icon.svg')
  await icons.makeIcons()
}

/** Which compute backends this installer will carry; a release without libtensorflow only trains on wasm/cpu. */
function reportNativeBackends(name) {
  const installed = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].filter((d) =>
    fs.existsSync(path.join(root, 'node_modules', d, 'package.json'))
  )
  if (installed.length > 0) {
    console.log(`gan-studio dist: packaging the native backend(s): ${installed.join(', ')}`)
    return
  }
  const wanted =
    name === 'mac' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu and @tensorflow/tfjs-node'
  console.warn(
    `gan-studio dist: warning: neither tfjs-node package is installed (their install downloads libtensorflow ` +
      `and failed or was skipped), so this installer will train with the wasm and cpu backends only. For a ` +
      `release, make sure \`npm install\` installed ${wanted}.`
  )
}

async function main() {
  const { name, plan } = parseArgs(process.argv.slice(2))
  if (plan) {
    console.log(
      [
        'node',
        ...builderArgs(name, '<node_modules/electron/dist>').map((a) => (a.startsWith(root) ? rel(a) : a))
      ].join(' ')
    )
    return 0
  }
  checkHost(name)
  const electronDist = checkElectron(name)
  await checkTools(name)
  ensureBuilt()
  await ensureIcons()
  reportNativeBackends(name)
  console.log(`gan-studio dist: packaging the ${PLATFORMS[name].label} for ${process.arch} into dist/`)
  const r = spawnSync(process.execPath, builderArgs(name, electronDist), { cwd: root, stdio: 'inherit' })
  if (r.status !== 0)
    throw new Stop(
      `electron-builder failed (exit ${r.status ?? r.signal}; its output is above)`,
      'fix what it reports, then run this again'
    )
  console.log(`gan-studio dist: done; the installers are in ${rel(path.join(root, 'dist'))}/`)
  return 0
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      // Never a stack trace: the reader needs the reason and the next step, not our call stack.
      if (err instanceof Stop) {
        process.stderr.write(
          `gan-studio dist: cannot build installers here.\n  Why: ${err.message}.\n  What to do: ${err.todo}.\n`
        )
      } else {
        process.stderr.write(`gan-studio dist: ${err instanceof Error ? err.message : String(err)}\n`)
      }
      process.exit(1)
    }
  )
}

module.exports = { PLATFORMS, builderArgs }
