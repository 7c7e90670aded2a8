/** Result types of a bench run and their rendering as a console table and a Markdown section. */
import type { SideResult } from './measure'

/** Kernel profile of ours (tf.profile, per step). */
export interface ProfileResult {
  rows: Array<{ kernel: string; calls: number; ms: number; share: number }>
  wallMsPerStep: number
  cpuMsPerStep: number
}

/** Long-run memory check. */
export interface MemoryResult {
  workload: string
  steps: number
  tensorsAt10: number
  tensorsAtEnd: number
  rssMbAt10: number
  rssMbAtEnd: number
  rssGrowthMb: number
  /** GPU buffers the webgpu backend holds at step 10 and at the end (webgpu only). */
  gpuBuffersAt10?: number
  gpuBuffersAtEnd?: number
  pass: boolean
}

/** Everything measured for one workload. */
export interface WorkloadReport {
  workload: string
  skipped?: string
  ours?: SideResult
  peer?: SideResult
  peerError?: string
  profile?: ProfileResult
  /** Peer ms per image / ours ms per image (wall). */
  speedup?: number
  /** The same ratio on CPU time (independent of machine load). */
  speedupCpu?: number
}

/** A whole bench run. */
export interface BenchReport {
  date: string
  machine: {
    cpus: number
    cpuModel: string
    gpu: string
    node: string
    platform: string
    loadAverage1m: number
  }
  oursBackend: string
  workloads: WorkloadReport[]
  memory: MemoryResult | undefined
}

function fmt(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits)
}

function sideRow(w: string, s: SideResult): string[] {
  return [
    w,
    s.side,
    `${s.backend}${s.side === 'ours' ? '+kernels' : ' (stock)'}`,
    String(s.batch),
    String(s.timedSteps),
    fmt(s.medianMs, 0),
    fmt(s.p90Ms, 0),
    fmt(s.medianCpuMs, 0),
    fmt(s.imagesPerSec, 2),
    fmt(s.imagesPerCpuSec, 2),
    fmt(s.gflops, 2),
    fmt(s.gflopsCpu, 2),
    `${s.numTensorsAfter10 ?? '-'}/${s.numTensorsAfterLast}`,
    `${fmt(s.rssMbAfter10, 0)}/${fmt(s.rssMbAfterLast, 0)}`
  ]
}

const HEAD = [
  'workload',
  'side',
  'backend',
  'batch',
  'steps',
  'median ms',
  'p90 ms',
  'cpu ms',
  'img/s',
  'img/cpu-s',
  'GFLOP/s',
  'GFLOP/cpu-s',
  'tensors @10/end',
  'RSS MB @10/end'
]

function table(rows: string[][]): string {
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')
  return [line(HEAD), ...rows.map(line)].join('\n')
}

function rows(report: BenchReport): string[][] {
  const out: string[][] = []
  for (const w of report.workloads) {
    if (w.ours) out.push(sideRow(w.workload, w.ours))
    if (w.peer) out.push(sideRow(w.workload, w.peer))
  }
  return out
}

function notes(report: BenchReport): string[] {
  const out: string[] = []
  for (const w of report.workloads) {
    if (w.skipped) out.push(`${w.workload}: skipped: ${w.skipped}`)
    if (w.speedup !== undefined) {
      out.push(
        `${w.workload}: ours/peer throughput per image = ${w.speedup}x wall, ${w.speedupCpu ?? '-'}x CPU time`
      )
    }
    if (w.peer?.backendNote) out.push(`${w.workload}: peer on ${w.peer.backend}: ${w.peer.backendNote}`)
    if (w.peerError) out.push(`${w.workload}: no peer: ${w.peerError}`)
  }
  const m = report.memory
  if (m) {
    out.push(
      `memory (${m.workload}, ${m.steps} steps): tensors ${m.tensorsAt10} -> ${m.tensorsAtEnd}, RSS ${m.rssMbAt10} -> ${m.rssMbAtEnd} MB (+${m.rssGrowthMb}) ${m.pass ? 'PASS' : 'FAIL'}`
    )
  }
  return out
}

/** Console output: one table plus notes and top kernels. */
export function renderTable(report: BenchReport): string {
  const parts = [table(rows(report)), '', ...notes(report)]
  for (const w of report.workloads) {
    if (!w.profile) continue
    parts.push(
      '',
      `top kernels, ${w.workload} (ours, CPU ms per step; share of the step's ${fmt(w.profile.cpuMsPerStep, 0)} CPU ms; A>B = B inside A):`
    )
    for (const r of w.profile.rows.slice(0, 14)) {
      parts.push(
        `  ${r.kernel.padEnd(24)} ${fmt(r.ms, 1).padStart(8)} ms  ${(r.share * 100).toFixed(1).padStart(5)}%  ${fmt(r.calls, 0)} calls`
      )
    }
  }
  return parts.join('\n')
}

function mdTable(header: string[], body: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`)
  ].join('\n')
}

/**
 * Rewrites the "## Performance" section of RESULTS.md with this run, keeping any other sections
 * (hand-written analysis) as they are.
 */
export function renderMarkdown(report: BenchReport, previous: string): string {
  const m = report.machine
  const lines = [
    '## Performance',
    '',
    `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` on ${m.cpus} cores (${m.cpuModel}), no GPU, Node ${m.node}, ${m.platform}; 1-minute load average at start ${m.loadAverage1m} (the machine is shared, so wall times carry noise: CPU-time columns are what one idle core would give, since both backends are single-threaded).`,
    '',
    `"ours" = raw tf ops + tf.variableGrads + Adam on ${report.oursBackend} with GAN Studio's kernels; "peer" = the same model as tf.layers + optimizer.minimize with stock kernels on its best stock backend, in a separate process. One step = one D update + one G update. Real images are a fixed synthetic batch.`,
    '',
    mdTable(HEAD, rows(report)),
    '',
    ...notes(report).map((n) => `- ${n}`)
  ]
  for (const w of report.workloads) {
    if (!w.profile) continue
    lines.push(
      '',
      `Top kernels, ${w.workload} (ours; process CPU ms per step charged to each kernel; share of the step's ${fmt(w.profile.cpuMsPerStep, 0)} CPU ms; \`A>B\` = kernel B called inside our kernel A, already included in A):`,
      ''
    )
    lines.push(
      mdTable(
        ['kernel', 'CPU ms/step', 'share', 'calls/step'],
        w.profile.rows
          .slice(0, 14)
          .map((r) => [r.kernel, fmt(r.ms, 1), `${(r.share * 100).toFixed(1)}%`, fmt(r.calls, 0)])
      )
    )
  }
  const section = `${lines.join('\n')}\n`
  const header = '# Benchmark results\n\n'
  if (!previous.trim()) return `${header}${section}`
  const start = previous.indexOf('## Performance')
  if (start < 0) return `${previous.trimEnd()}\n\n${section}`
  const rest = previous.slice(start + 1)
  const nextIdx = rest.search(/\n## /)
  const after = nextIdx < 0 ? '' : rest.slice(nextIdx + 1)
  return `${previous.slice(0, start)}${section}${after ? `\n${after}` : ''}`
}
