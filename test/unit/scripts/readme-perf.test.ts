/** The README's performance table is generated from bench/RESULTS.json and must match it. */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../helpers/engine'

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the script is CommonJS, run by npm
const perf = require(path.join(ROOT, 'scripts', 'readme-perf.cjs')) as {
  renderPerfTable(report: unknown): string
  withPerfTable(readme: string, table: string): string
  START: string
  END: string
}

describe('README performance table', () => {
  it('is what scripts/readme-perf.cjs makes of bench/RESULTS.json', () => {
    // Throws (exit 1) when a figure was typed by hand or the JSON moved on.
    expect(() =>
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'readme-perf.cjs'), '--check'], {
        stdio: 'pipe'
      })
    ).not.toThrow()
  })

  it('puts every thread count of a workload in the table', () => {
    const report = {
      date: '2026-11-30T03:00:00.000Z',
      machine: { cpus: 2, cpuModel: 'x', node: 'v20', loadAverage1m: 1, loadAverage1mEnd: 2 },
      workloads: [
        {
          workload: 'w1',
          scaling: [
            { threads: 1, imagesPerSec: 40, gflops: 20, speedup: 1, ceilingGflops: 25, ceilingFraction: 0.8 },
            {
              threads: 2,
              imagesPerSec: 72,
              gflops: 36,
              speedup: 1.8,
              ceilingGflops: 48,
              ceilingFraction: 0.75
            }
          ]
        }
      ]
    }
    const table = perf.renderPerfTable(report)
    expect(table).toContain('| 1 | **40.0** | 20.0 | 1.00× | 80% of 25.0 GFLOP/s |')
    expect(table).toContain('| 2 | **72.0** | 36.0 | 1.80× | 75% of 48.0 GFLOP/s |')
    expect(perf.withPerfTable(`a\n${perf.START}\nold\n${perf.END}\nb`, 'new')).toBe(
      `a\n${perf.START}\nnew\n${perf.END}\nb`
    )
  })
})
