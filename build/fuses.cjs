// electron-builder `afterPack` hook: flips GAN Studio's Electron fuses in the packaged binary.
//
// Why a hook and not `electronFuses:` in electron-builder.yml: the pinned electron-builder 25.1.8
// has no such option (it arrived in electron-builder 26; 25's scheme.json rejects unknown keys),
// and @electron/fuses is not a dependency. The fuse wire format is small and stable, so it is
// implemented here exactly as @electron/fuses 1.8 does it (FuseV1): in the Electron binary, the
// sentinel string below is followed by one byte of wire version, one byte of wire length, then one
// byte per fuse: '0' (0x30) off, '1' (0x31) on, 'r' (0x72) removed by Electron.
// Every unexpected state (no sentinel, other wire version, wire too short) throws: an installer
// with the default fuses must never ship silently.
//
// When the project moves to electron-builder >= 26, replace this hook with `electronFuses:` in the
// yml (same values as FUSES below) and delete this file.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const SENTINEL = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'ascii')
const WIRE_VERSION = 1
const STATE = { off: 0x30, on: 0x31, removed: 0x72 }

/** Index of each fuse in the V1 wire (Electron's fuses.json5 order; same as @electron/fuses' FuseV1Options). */
const FUSE_INDEX = {
  runAsNode: 0,
  enableCookieEncryption: 1,
  enableNodeOptionsEnvironmentVariable: 2,
  enableNodeCliInspectArguments: 3,
  enableEmbeddedAsarIntegrityValidation: 4,
  onlyLoadAppFromAsar: 5,
  loadBrowserProcessSpecificV8Snapshot: 6,
  grantFileProtocolExtraPrivileges: 7
}

/**
 * The fuses GAN Studio sets, per Electron platform name ('linux' | 'win32' | 'darwin' | 'mas').
 * Fuses not listed keep Electron's default.
 */
function fusesFor(platform) {
  return {
    // The trainer worker is an Electron utilityProcess, not `ELECTRON_RUN_AS_NODE=1 <app>`, so the
    // app never needs to run as plain Node; leaving it on would turn the signed binary into a
    // general-purpose Node interpreter for anyone on the machine.
    runAsNode: false,
    // Encrypt the cookie store with the OS keychain (we keep none we need to read outside the app).
    enableCookieEncryption: true,
    // NODE_OPTIONS / --inspect would let the environment inject code into the main process.
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // Only app.asar is loaded, so the integrity check below cannot be bypassed with a loose app/ dir.
    onlyLoadAppFromAsar: true,
    // Electron validates the asar header hash on macOS (>= 16) and Windows (>= 30) only, and
    // electron-builder 25 embeds that hash on both (Info.plist ElectronAsarIntegrity / exe
    // resource). Linux has no support: leave the fuse alone there rather than risk a future
    // Electron killing an app whose package carries no hash.
    ...(platform === 'linux' ? {} : { enableEmbeddedAsarIntegrityValidation: true })
  }
}

/** The file that carries the fuse wire inside a packed app. */
function fuseFile(appOutDir, platform, productFilename, executableName) {
  if (platform === 'darwin' || platform === 'mas') {
    // On macOS the wire lives in the framework, not in the tiny launcher executable.
    return path.join(
      appOutDir,
      `${productFilename}.app`,
      'Contents',
      'Frameworks',
      'Electron Framework.framework',
      'Electron Framework'
    )
  }
  if (platform === 'win32') return path.join(appOutDir, `${productFilename}.exe`)
  return path.join(appOutDir, executableName)
}

/**
 * Sets `fuses` (name -> boolean) in the binary at `file`. Returns the wire as found and as written
 * (one string per sentinel: universal macOS binaries carry two).
 */
function flipFuses(file, fuses) {
  const bin = fs.readFileSync(file)
  const positions = []
  for (let at = bin.indexOf(SENTINEL); at !== -1; at = bin.indexOf(SENTINEL, at + 1)) positions.push(at)
  if (positions.length === 0)
    throw new Error(`no Electron fuse wire in ${file} (is it an Electron >= 12 binary?)`)
  const report = []
  for (const at of positions) {
    const wire = at + SENTINEL.length
    const version = bin[wire]
    const length = bin[wire + 1]
    if (version !== WIRE_VERSION)
      throw new Error(`fuse wire version ${version} in ${file}; this hook knows version ${WIRE_VERSION}`)
    const before = bin.subarray(wire + 2, wire + 2 + length).toString('latin1')
    for (const [name, value] of Object.entries(fuses)) {
      const index = FUSE_INDEX[name]
      if (index === undefined) throw new Error(`unknown fuse ${name}`)
      if (index >= length) throw new Error(`fuse ${name} is not in the wire of ${file} (length ${length})`)
      if (bin[wire + 2 + index] === STATE.removed)
        throw new Error(`fuse ${name} was removed from this Electron; drop it from build/fuses.cjs`)
      bin[wire + 2 + index] = value ? STATE.on : STATE.off
    }
    report.push({ before, after: bin.subarray(wire + 2, wire + 2 + length).toString('latin1') })
  }
  fs.writeFileSync(file, bin)
  return report
}

/** The wire(s) in `file` as name -> 'on' | 'off' | 'removed' | other byte, for checks. */
function readFuses(file) {
  const bin = fs.readFileSync(file)
  const at = bin.indexOf(SENTINEL)
  if (at === -1) throw new Error(`no Electron fuse wire in ${file}`)
  const wire = at + SENTINEL.length
  const length = bin[wire + 1]
  const out = {}
  for (const [name, index] of Object.entries(FUSE_INDEX)) {
    if (index >= length) continue
    const b = bin[wire + 2 + index]
    out[name] =
      b === STATE.on
        ? 'on'
        : b === STATE.off
          ? 'off'
          : b === STATE.removed
            ? 'removed'
            : `0x${b.toString(16)}`
  }
  return out
}

/** electron-builder afterPack: runs after app.asar (and its integrity hash) is written, before signing. */
async function afterPack(context) {
  const platform = context.electronPlatformName
  const { productFilename } = context.packager.appInfo
  const file = fuseFile(context.appOutDir, platform, productFilename, context.packager.executableName)
  const report = flipFuses(file, fusesFor(platform))
  console.log(
    `  • fuses set  file=${path.relative(process.cwd(), file)}  wire=${report.map((r) => `${r.before}->${r.after}`).join(',')}`
  )
  if ((platform === 'darwin' || platform === 'mas') && process.platform === 'darwin') {
    // Editing the framework breaks Electron's ad-hoc signature, and Apple silicon refuses to run
    // unsigned code. Re-sign ad hoc (what @electron/fuses' resetAdHocDarwinSignature does); a real
    // Developer ID signature, when configured, replaces it in electron-builder's signing step.
    const app = path.join(context.appOutDir, `${productFilename}.app`)
    const r = spawnSync(
      'codesign',
      [
        '--sign',
        '-',
        '--force',
        '--preserve-metadata=entitlements,requirements,flags,runtime',
        '--deep',
        app
      ],
      {
        encoding: 'utf8'
      }
    )
    if (r.status !== 0)
      throw new Error(`ad-hoc codesign of ${app} failed: ${(r.stderr || r.error?.message || '').trim()}`)
  }
}

module.exports = {
  afterPack,
  default: afterPack,
  flipFuses,
  readFuses,
  fusesFor,
  fuseFile,
  FUSE_INDEX,
  SENTINEL,
  WIRE_VERSION
}
