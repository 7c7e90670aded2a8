/** Result types of a bench run and their rendering as a console table and a Markdown section. */
import type { SideResult } from './measure'
import type { CeilingResult } from './ceiling'

/** Kernel profile of ours (tf.profile, per step). */
export interface ProfileResult {
  rows: Array<{
    kernel: string
    calls: number
    ms: number
    wallMs?: number
    share: number
    parallelism?: number
  }>
  wallMsPerStep: number
  cpuMsPerStep: number
  threads?: number
}

/** One wasm thread count of a workload, from the same bench run as the others. */
export interface ScalingRow {
  threads: number
  ours: SideResult
  imagesPerSec: number
  gflops: number
  /** images/s over the smallest count's images/s in this run. */
  speedup: number
  /** XNNPACK forward Conv2D GFLOP/s on the workload's conv shapes at this count. */
  ceilingGflops?: number
  /** gflops / ceilingGflops. */
  ceilingFraction?: number
  ceiling?: CeilingResult
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
  /** Ours at each thread count (ours = the largest). */
  scaling?: ScalingRow[]
  /** Why the peer ran at another batch than ours. */
  peerBatchNote?: string
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
    /** At the end of the run: the load the measurements ran under lies between the two. */
    loadAverage1mEnd?: number
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
    if (w.peerBatchNote) out.push(`${w.workload}: ${w.peerBatchNote}`)
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

const SCALING_HEAD = [
  'workload',
  'threads',
  'img/s',
  'GFLOP/s',
  'x vs fewest threads',
  'ceiling GFLOP/s',
  'of ceiling'
]

/** The thread-scaling rows of every workload. */
export function scalingRows(report: BenchReport): string[][] {
  const out: string[][] = []
  for (const w of report.workloads) {
    for (const r of w.scaling ?? []) {
      out.push([
        w.workload,
        String(r.threads),
        fmt(r.imagesPerSec, 1),
        fmt(r.gflops, 1),
        fmt(r.speedup, 2),
        fmt(r.ceilingGflops, 1),
        r.ceilingFraction === undefined ? '-' : `${(r.ceilingFraction * 100).toFixed(0)}%`
      ])
    }
  }
  return out
}

function profileRow(r: ProfileResult['rows'][number]): string[] {
  return [
    r.kernel,
    fmt(r.wallMs ?? r.ms, 1),
    fmt(r.ms, 1),
    `${(r.share * 100).toFixed(1)}%`,
    fmt(r.parallelism, 2),
    fmt(r.calls, 0)
  ]
}

const PROFILE_HEAD = ['kernel', 'wall ms/step', 'CPU ms/step', 'share of wall', 'CPU/wall', 'calls/step']

/** Console output: one table plus notes and top kernels. */
export function renderTable(report: BenchReport): string {
  const parts = [table(rows(report)), '', ...notes(report)]
  const sc = scalingRows(report)
  if (sc.length > 0) {
    parts.push('', 'thread scaling (same run):')
    const widths = SCALING_HEAD.map((h, i) => Math.max(h.length, ...sc.map((r) => (r[i] ?? '').length)))
    for (const r of [SCALING_HEAD, ...sc])
      parts.push(`  ${r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')}`)
  }
  for (const w of report.workloads) {
    if (!w.profile) continue
    parts.push(
      '',
      `top kernels, ${w.workload} at ${w.profile.threads ?? 1} thread(s) (ours; step ${fmt(w.profile.wallMsPerStep, 0)} wall ms, ${fmt(w.profile.cpuMsPerStep, 0)} CPU ms; A>B = B inside A; CPU/wall near 1 = serial):`
    )
    for (const r of w.profile.rows.slice(0, 16)) parts.push(`  ${profileRow(r).join('  ')}`)
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
    `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` on ${m.cpus} cores (${m.cpuModel}), no GPU, Node ${m.node}, ${m.platform}; 1-minute load average ${m.loadAverage1m} at the start and ${m.loadAverage1mEnd ?? '-'} at the end (the machine is shared: wall times carry the neighbours' load, and a loaded machine gives lower thread scaling than an idle one).`,
    '',
    `"ours" = the product's GanTrainer (w1, default) or raw tf ops + tf.variableGrads + Adam (w1-raw, seed) on ${report.oursBackend} with GAN Studio's kernels, at the largest thread count; "peer" = the same model as tf.layers + optimizer.minimize with stock kernels on its best stock backend, in a separate process. One step = one D update + one G update. Real images are a fixed synthetic batch.`,
    '',
    mdTable(HEAD, rows(report)),
    '',
    ...notes(report).map((n) => `- ${n}`)
  ]
  const sc = scalingRows(report)
  if (sc.length > 0) {
    lines.push(
      '',
      "Thread scaling, every count from this same run (ceiling = XNNPACK's forward Conv2D alone on the workload's conv shapes at that count; GFLOP/s count conv and dense multiply-adds only):",
      '',
      mdTable(SCALING_HEAD, sc)
    )
  }
  for (const w of report.workloads) {
    if (!w.profile) continue
    lines.push(
      '',
      `Top kernels, ${w.workload} at ${w.profile.threads ?? 1} thread(s) (ours; a step takes ${fmt(w.profile.wallMsPerStep, 0)} wall ms and ${fmt(w.profile.cpuMsPerStep, 0)} process CPU ms; \`A>B\` = kernel B called inside our kernel A, already included in A; CPU/wall near 1 means the kernel runs on one thread while the others wait):`,
      ''
    )
    lines.push(mdTable(PROFILE_HEAD, w.profile.rows.slice(0, 16).map(profileRow)))
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
