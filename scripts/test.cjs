// `npm test`: build the app (the CLI, serve and worker tests run the built entries), then the
// unit + integration suites, then the browser e2e suite (Electron's under xvfb-run where the binary
// exists), then the desktop suite (the built app in the stand-in Electron runtime), and print one closing line
// "N passed, N failed, N skipped" over all of them. Exit code 1 if anything failed.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const results = path.join(root, 'test-results')
fs.mkdirSync(results, { recursive: true })

function run(cmd, args) {
  console.log(`\n> ${path.basename(cmd)} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' }
  })
  return r.status ?? 1
}

const extra = process.argv.slice(2)
let failedSteps = 0
if (
  run(process.execPath, [
    path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build'
  ]) !== 0
) {
  console.log('\nThe build failed: nothing was tested.\n0 passed, 1 failed')
  process.exit(1)
}
const suites = [
  { name: 'unit + integration', config: 'vitest.config.ts', out: 'vitest-unit.json' },
  {
    name: 'e2e (Chromium, Electron where installed)',
    config: 'vitest.e2e.config.ts',
    out: 'vitest-e2e.json',
    display: true
  },
  {
    name: 'desktop (built app, stand-in Electron runtime)',
    config: 'vitest.desktop.config.ts',
    out: 'vitest-desktop.json'
  }
]
// Where the Electron binary exists but no display does, its suite runs under a virtual X server.
const { electronBinary } = require('./electron-binary.cjs')
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
const xvfb = headless && electronBinary().bin && spawnSync('xvfb-run', ['--help']).error === undefined
const totals = { passed: 0, failed: 0, skipped: 0 }
for (const s of suites) {
  const outFile = path.join(results, s.out)
  fs.rmSync(outFile, { force: true })
  const args = [
    'run',
    '--config',
    s.config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outFile}`,
    ...extra
  ]
  const code = s.display && xvfb ? run('xvfb-run', ['-a', bin('vitest'), ...args]) : run(bin('vitest'), args)
  let counted = false
  try {
    const j = JSON.parse(fs.readFileSync(outFile, 'utf8'))
    totals.passed += j.numPassedTests
    totals.failed += j.numFailedTests
    totals.skipped += j.numPendingTests + (j.numTodoTests || 0)
    counted = true
    // A suite that crashed outside a test (e.g. a file that fails to import) counts as a failure.
    if (code !== 0 && j.numFailedTests === 0) failedSteps += 1
  } catch {
    failedSteps += 1
  }
  if (!counted) console.log(`${s.name}: no results (the runner exited with ${code})`)
}
const failed = totals.failed + failedSteps
console.log(`\n${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
