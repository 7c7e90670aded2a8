// Finds the Electron binary, and fetches it with electron's own installer when it is missing.
// Electron's install script is not in package.json `allowScripts` on purpose: on a machine that
// cannot reach Electron's download host it would fail the whole `npm install`. We run it
// ourselves, where a failure only means "no desktop window here".
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.join(__dirname, '..')

/** Path of the Electron executable, or undefined with the reason. */
function electronBinary() {
  let pkgDir
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json', { paths: [root] }))
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' }
  }
  const pathFile = path.join(pkgDir, 'path.txt')
  if (!fs.existsSync(pathFile)) return { pkgDir, reason: 'the Electron binary was never downloaded' }
  const bin = path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim())
  if (!fs.existsSync(bin)) return { pkgDir, reason: `the Electron binary is missing (${bin})` }
  return { bin }
}

/** Runs electron's install.js (downloads the binary); returns undefined or the failure reason. */
function fetchElectron(pkgDir, timeoutMs = 180000) {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set'
  const r = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], {
    cwd: pkgDir,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' }
  })
  if (r.error) return r.error.message
  if (r.status !== 0) {
    const lines = `${r.stderr}\n${r.stdout}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
    const why =
      lines.find((l) => /error|ENOTFOUND|ECONN|EAI_AGAIN|getaddrinfo|timed out/i.test(l)) ?? lines[0]
    return `its download failed (${(why ?? `exit ${r.status}`).slice(0, 200)})`
  }
  return undefined
}

module.exports = { electronBinary, fetchElectron, root }
