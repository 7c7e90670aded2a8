/**
 * `npm test` (scripts/test.cjs) runs lint and typecheck besides the suites and counts each in its
 * closing "N passed, N failed" line, so CI (.ci/run runs `npm test`) fails on a lint or type error.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '../../..')
const require_ = createRequire(__filename)

interface Report {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests?: number
}
const { CHECKS, tally } = require_(path.join(root, 'scripts', 'test.cjs')) as {
  CHECKS: Array<{ name: string; script: string }>
  tally: (
    checks: number[],
    suites: Array<{ code: number; report?: Report }>
  ) => { passed: number; failed: number; skipped: number }
}
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
}

describe('npm test', () => {
  it('runs lint (eslint) and typecheck (tsc and vue-tsc) as package scripts, and CI runs npm test', () => {
    expect(CHECKS.map((c) => c.name)).toEqual(['lint', 'typecheck'])
    expect(pkg.scripts.test).toBe('node scripts/test.cjs')
    expect(pkg.scripts[CHECKS[0]!.script]).toMatch(/^eslint /)
    const typecheck = pkg.scripts[CHECKS[1]!.script] ?? ''
    expect(typecheck).toMatch(/tsc -p tsconfig\.node\.json/)
    expect(typecheck).toMatch(/vue-tsc -p tsconfig\.web\.json/)
    expect(readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test\b/m)
  })

  it('counts each check as one passed or failed test in the closing line', () => {
    const suite = { code: 0, report: { numPassedTests: 10, numFailedTests: 0, numPendingTests: 2 } }
    expect(tally([0, 0], [suite])).toEqual({ passed: 12, failed: 0, skipped: 2 })
    expect(tally([1, 0], [suite])).toEqual({ passed: 11, failed: 1, skipped: 2 })
    // A runner that crashed outside any test, or left no report, is a failure too.
    expect(tally([0, 0], [{ ...suite, code: 1 }, { code: 1 }])).toEqual({ passed: 12, failed: 2, skipped: 2 })
  })
})
