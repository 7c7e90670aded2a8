// `npm test`: build the app (the CLI, serve and worker tests run the built entries), the static
// checks (lint, typecheck), then the unit + integration suites, the browser e2e suite (Electron's
// under xvfb-run where the binary exists) and the desktop suite (the built app in the stand-in
// Electron runtime), and print one closing line "N passed, N failed, N skipped" over all of them,
// each static check counting as one. Exit code 1 if anything failed. CI runs exactly this (.ci/run).
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const results = path.join(root, 'test-results')

/** The static checks: package.json scripts, run through npm, each one pass or fail. */
const CHECKS = [
  { name: 'lint', script: 'lint' },
  { name: 'typecheck', script: 'typecheck' }
]

/** The vitest suites, each with its JSON report; `display`: needs a display for Electron. */
const SUITES = [
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

/**
 * The closing totals. `checks`: exit codes of the static checks; `suites`: per suite its runner's
 * exit code and its parsed JSON report (undefined when there was none).
 */
function tally(checks, suites) {
  const totals = { passed: 0, failed: 0, skipped: 0 }
  for (const code of checks) {
    if (code === 0) totals.passed += 1
    else totals.failed += 1
  }
  for (const s of suites) {
    const j = s.report
    if (!j) {
      totals.failed += 1
      continue
    }
    totals.passed += j.numPassedTests
    totals.failed += j.numFailedTests
    totals.skipped += j.numPendingTests + (j.numTodoTests || 0)
    // A suite that crashed outside a test (e.g. a file that fails to import) counts as a failure.
    if (s.code !== 0 && j.numFailedTests === 0) totals.failed += 1
  }
  return totals
}

function run(cmd, args) {
  console.log(`\n> ${path.basename(cmd)} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' }
  })
  return r.status ?? 1
}

/** npm itself: the one running this script when there is one, else the npm on PATH. */
function npm(args) {
  const cli = process.env.npm_execpath
  return cli && cli.endsWith('.js') ? run(process.execPath, [cli, ...args]) : run('npm', args)
}

function main() {
  fs.mkdirSync(results, { recursive: true })
  const extra = process.argv.slice(2)
  if (
    run(process.execPath, [
      path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build'
    ]) !== 0
  ) {
    console.log('\nThe build failed: nothing was tested.\n0 passed, 1 failed')
    process.exit(1)
  }
  const checks = CHECKS.map((c) => {
    const code = npm(['run', '--silent', c.script])
    if (code !== 0) console.log(`${c.name}: failed (exit ${code})`)
    return code
  })
  // Where the Electron binary exists but no display does, its suite runs under a virtual X server.
  const { electronBinary } = require('./electron-binary.cjs')
  const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
  const xvfb = headless && electronBinary().bin && spawnSync('xvfb-run', ['--help']).error === undefined
  const suites = SUITES.map((s) => {
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
    const code =
      s.display && xvfb ? run('xvfb-run', ['-a', bin('vitest'), ...args]) : run(bin('vitest'), args)
    let report
    try {
      report = JSON.parse(fs.readFileSync(outFile, 'utf8'))
    } catch {
      console.log(`${s.name}: no results (the runner exited with ${code})`)
    }
    return { code, report }
  })
  const totals = tally(checks, suites)
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
  process.exit(totals.failed > 0 ? 1 : 0)
}

if (require.main === module) main()

module.exports = { CHECKS, SUITES, tally }
