/**
 * `npm run bench -- [--workload w1|w1-raw|seed|default[,...]|all] [--threads 1,2|max] [--backend wasm|cpu|webgpu[,...]] [--json] [--steps N]`
 *
 * `--threads` lists wasm thread counts (`max` = one per physical core): each workload is timed at
 * each count in the same run, next to XNNPACK's forward Conv2D on the same shapes at that count
 * (the ceiling, bench/ceiling.ts); the kernel profile is taken at the largest count. `w1` and
 * `default` train with the product's GanTrainer; `w1-raw` is the benchmark-only raw-op W1 step.
 *
 * Several backends (`--backend webgpu,wasm`) run one after the other in the same invocation, each
 * measured as a whole bench, and end with a side-by-side table of ms per step and the ratio.
 *
 * The parent process spawns one child per measurement (ours, the peer, the kernel profile, the
 * memory check), so the peer never sees the project's kernels and each RSS figure is its own.
 * Extra flags: --warmup N, --peer-steps N, --peer-batch N, --peer-warmup N, --no-peer,
 * --no-profile, --long (1000-step memory check), --memory-steps N, --no-memory, --fused,
 * --two-pass (ours with separate D and G forward passes, like the peer).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { SideResult } from './measure'
import type { CeilingResult } from './ceiling'
import { physicalCoreCount } from '../src/main/engine/thread-count'
import type { OursBackend } from './ours-side'
import {
  renderMarkdown,
  renderTable,
  type BenchReport,
  type MemoryResult,
  type ProfileResult,
  type ScalingRow,
  type WorkloadReport
} from './report'

const RESULT_TAG = 'BENCH_RESULT '

/** Parsed command line. */
export interface BenchArgs {
  workloads: string[]
  backend: OursBackend
  /** Every backend asked for, in order (`backend` is the first; children get one). */
  backends: OursBackend[]
  json: boolean
  steps: number
  warmup: number
  peer: boolean
  peerSteps: number
  peerWarmup: number
  peerBatch: number | undefined
  profile: boolean
  memorySteps: number
  fused: boolean
  twoPass: boolean
  child: string | undefined
  batch: number | undefined
  /** wasm thread counts to time, in order. */
  threads: number[]
}

/** Parses `--threads 1,2`, `--threads max` or `--threads 1,max`. */
export function parseThreads(v: string | undefined): number[] {
  const parts = String(v ?? '')
    .split(',')
    .filter((p) => p.trim() !== '')
  if (parts.length === 0) throw new Error('Expected --threads N[,N...] or max, but got nothing')
  return parts.map((p) => (p.trim() === 'max' ? physicalCoreCount() : intArg('--threads', p.trim())))
}

function intArg(name: string, v: string | undefined): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`Expected ${name} to be a non-negative integer, but got ${String(v)}`)
  return n
}

/** Parses argv (without node and script). */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const a: BenchArgs = {
    workloads: ['w1', 'seed', 'default'],
    backend: 'wasm',
    backends: ['wasm'],
    json: false,
    steps: 20,
    warmup: 3,
    peer: true,
    peerSteps: 2,
    peerWarmup: 1,
    peerBatch: undefined,
    profile: true,
    memorySteps: 100,
    fused: false,
    twoPass: false,
    child: undefined,
    batch: undefined,
    threads: [physicalCoreCount()]
  }
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]
    const next = (): string | undefined => argv[++i]
    switch (f) {
      case '--workload': {
        const w = next()
        const known = ['w1', 'w1-raw', 'seed', 'default']
        const list = w === 'all' ? ['w1', 'seed', 'default'] : String(w).split(',')
        const bad = list.find((x) => !known.includes(x))
        if (bad !== undefined || list.length === 0)
          throw new Error(
            `Expected --workload w1, w1-raw, seed, default, a comma list or all, but got ${String(w)}`
          )
        a.workloads = list
        break
      }
      case '--backend': {
        const list = String(next()).split(',')
        for (const b of list)
          if (b !== 'wasm' && b !== 'cpu' && b !== 'webgpu')
            throw new Error(`Expected --backend wasm, cpu or webgpu (comma-separated), but got ${b}`)
        a.backends = list as OursBackend[]
        a.backend = a.backends[0] as OursBackend
        break
      }
      case '--json':
        a.json = true
        break
      case '--steps':
        a.steps = intArg('--steps', next())
        break
      case '--warmup':
        a.warmup = intArg('--warmup', next())
        break
      case '--peer-steps':
        a.peerSteps = intArg('--peer-steps', next())
        break
      case '--peer-warmup':
        a.peerWarmup = intArg('--peer-warmup', next())
        break
      case '--peer-batch':
        a.peerBatch = intArg('--peer-batch', next())
        break
      case '--batch':
        a.batch = intArg('--batch', next())
        break
      case '--no-peer':
        a.peer = false
        break
      case '--no-profile':
        a.profile = false
        break
      case '--long':
        a.memorySteps = 1000
        break
      case '--memory-steps':
        a.memorySteps = intArg('--memory-steps', next())
        break
      case '--no-memory':
        a.memorySteps = 0
        break
      case '--fused':
        a.fused = true
        break
      case '--two-pass':
        a.twoPass = true
        break
      case '--child':
        a.child = next()
        break
      case '--threads':
        a.threads = parseThreads(next())
        break
      default:
        throw new Error(`Unknown flag ${String(f)} (see bench/cli.ts for the list)`)
    }
  }
  return a
}

/** Default peer batch: small enough that stock cpu finishes a step in about a minute. */
function peerBatchFor(workload: string, a: BenchArgs): number {
  return a.peerBatch ?? PEER_BATCH[workload] ?? 16
}

/**
 * The peer's default batch and why. Stock cpu takes about 10 s per W1 image per step, so W1 at
 * ours' batch 64 would take about 11 minutes a step: it runs at batch 1 and is compared per image.
 * The seed workload at ours' batch 128 fits (about 80 s a step), so it uses the same batch.
 */
const PEER_BATCH: Record<string, number> = { w1: 1, 'w1-raw': 1, seed: 128 }

/** The note the report prints for the peer's batch. */
export function peerBatchNote(workload: string, peerBatch: number, oursBatch: number): string | undefined {
  if (peerBatch === oursBatch) return undefined
  return workload.startsWith('w1')
    ? `peer at batch ${peerBatch}, not ${oursBatch}: stock cpu needs about 10 s per W1 image per step, so batch ${oursBatch} would take about 11 minutes a step; compared per image`
    : `peer at batch ${peerBatch}, not ${oursBatch} (--peer-batch); compared per image`
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`)
}

/** Runs `scripts/bench.cjs --child ...` and returns the object it reports. */
function runChild<T>(args: string[]): Promise<T> {
  const script = path.resolve('scripts/bench.cjs')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_TAG))
      if (code !== 0 || line === undefined) {
        reject(
          new Error(
            `bench child ${args.join(' ')} failed (exit ${String(code)})${out ? `: ${out.slice(-500)}` : ''}`
          )
        )
        return
      }
      resolve(JSON.parse(line.slice(RESULT_TAG.length)) as T)
    })
  })
}

async function childMain(a: BenchArgs): Promise<void> {
  const workload = a.workloads[0] ?? 'w1'
  const opts = { fused: a.fused, twoPass: a.twoPass, ...(a.batch !== undefined ? { batch: a.batch } : {}) }
  let result: unknown
  const threads = a.threads[0]
  if (a.child === 'ours') {
    const { runOurs } = await import('./ours-side')
    result = await runOurs(workload, a.backend, a.warmup, a.steps, opts, log, threads)
  } else if (a.child === 'ceiling') {
    const { setupOursBackend } = await import('./ours-side')
    const { measureCeiling } = await import('./ceiling')
    const { threads: inUse } = await setupOursBackend(a.backend, threads)
    const { config, archs } =
      workload === 'default'
        ? (await import('./workloads/default')).defaultSetup(opts)
        : (await import('./workloads/w1-trainer')).w1Setup(opts)
    result = await measureCeiling(archs, config.batchSize, inUse)
  } else if (a.child === 'peer') {
    const { runPeer } = await import('./peer-side')
    result = await runPeer(workload, 'auto', a.warmup, a.steps, opts, log)
  } else if (a.child === 'profile') {
    if (a.backend === 'webgpu')
      throw new Error('the kernel profile charges CPU time: not meaningful on webgpu')
    const { profileOurs } = await import('./ours-side')
    result = await profileOurs(workload, a.backend, 2, opts, threads)
  } else if (a.child === 'shapes') {
    const { kernelShapes } = await import('./kernel-shapes')
    const rows = await kernelShapes()
    for (const r of rows)
      log(
        `${r.label.padEnd(16)} ${r.kernel.padEnd(22)} ${String(r.ms).padStart(7)} CPU ms  ${String(r.gflops).padStart(6)} GFLOP/s`
      )
    result = rows
  } else if (a.child === 'memory') {
    const { memoryCheck } = await import('./ours-side')
    result = await memoryCheck(workload, a.backend, a.memorySteps, opts, log, threads)
  } else {
    throw new Error(`Unknown child ${String(a.child)}`)
  }
  process.stdout.write(`${RESULT_TAG}${JSON.stringify(result)}\n`)
}

/** One thread count's row: throughput, speed-up over the first (smallest) count, ceiling fraction. */
function scalingRow(
  ours: SideResult,
  ceiling: CeilingResult | undefined,
  base: SideResult | undefined
): ScalingRow {
  const threads = ours.threads ?? 1
  return {
    threads,
    ours,
    imagesPerSec: ours.imagesPerSec,
    gflops: ours.gflops,
    speedup: base ? Math.round((ours.imagesPerSec / base.imagesPerSec) * 100) / 100 : 1,
    ...(ceiling
      ? {
          ceilingGflops: ceiling.gflops,
          ceilingFraction: Math.round((ours.gflops / ceiling.gflops) * 1000) / 1000,
          ceiling
        }
      : {})
  }
}

function baseFlags(a: BenchArgs, workload: string): string[] {
  return [
    '--workload',
    workload,
    '--backend',
    a.backend,
    ...(a.fused ? ['--fused'] : []),
    ...(a.twoPass ? ['--two-pass'] : [])
  ]
}

/** Whether the engine's default-model workload can be built (the engine's trainer exists). */
async function defaultAvailable(): Promise<string | null> {
  try {
    const { defaultWorkloadProblem } = await import('./workloads/default')
    return defaultWorkloadProblem()
  } catch (err) {
    return `the engine's model factory/trainer could not be loaded: ${(err as Error).message.split('\n')[0] ?? ''}`
  }
}

async function parentMain(a: BenchArgs, write = true): Promise<BenchReport> {
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.availableParallelism?.() ?? os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      gpu: 'none used',
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100
    },
    oursBackend: a.backend,
    workloads: [],
    memory: undefined
  }
  for (const w of a.workloads) {
    const entry: WorkloadReport = { workload: w }
    if (w === 'default') {
      const problem = await defaultAvailable()
      if (problem !== null) {
        entry.skipped = problem
        log(`default: skipped (${problem})`)
        report.workloads.push(entry)
        continue
      }
    }
    // Every thread count in this one run, smallest first, so the ratios share the machine's load.
    const counts = a.backend === 'wasm' ? [...new Set(a.threads)].sort((x, y) => x - y) : [1]
    entry.scaling = []
    for (const n of counts) {
      log(`${w}: ours on ${a.backend}, ${n} thread(s) (${a.warmup} warm-up + ${a.steps} timed steps)`)
      const ours = await runChild<SideResult>([
        '--child',
        'ours',
        ...baseFlags(a, w),
        '--threads',
        String(n),
        '--warmup',
        String(a.warmup),
        '--steps',
        String(a.steps),
        ...(a.batch !== undefined ? ['--batch', String(a.batch)] : [])
      ])
      let ceiling: CeilingResult | undefined
      if (a.backend === 'wasm' && (w === 'w1' || w === 'default')) {
        log(`${w}: ceiling (XNNPACK forward Conv2D on the same shapes), ${n} thread(s)`)
        ceiling = await runChild<CeilingResult>([
          '--child',
          'ceiling',
          ...baseFlags(a, w),
          '--threads',
          String(n),
          ...(a.batch !== undefined ? ['--batch', String(a.batch)] : [])
        ])
      }
      entry.scaling.push(scalingRow(ours, ceiling, entry.scaling[0]?.ours))
    }
    const top = entry.scaling[entry.scaling.length - 1]
    entry.ours = top?.ours
    if (entry.ours?.adapter) report.machine.gpu = entry.ours.adapter
    if (a.profile && a.backend !== 'webgpu') {
      log(`${w}: kernel profile at ${top?.threads ?? 1} thread(s)`)
      entry.profile = await runChild<ProfileResult>([
        '--child',
        'profile',
        ...baseFlags(a, w),
        '--threads',
        String(top?.threads ?? 1)
      ])
    }
    if (a.peer && w !== 'default' && a.backend !== 'webgpu') {
      const pb = peerBatchFor(w, a)
      log(
        `${w}: peer (tf.layers, stock kernels), batch ${pb}, ${a.peerWarmup} warm-up + ${a.peerSteps} timed steps`
      )
      try {
        entry.peerBatchNote = entry.ours ? peerBatchNote(w, pb, entry.ours.batch) : undefined
        entry.peer = await runChild<SideResult>([
          '--child',
          'peer',
          '--workload',
          w,
          '--batch',
          String(pb),
          '--warmup',
          String(a.peerWarmup),
          '--steps',
          String(a.peerSteps)
        ])
      } catch (err) {
        entry.peerError = (err as Error).message
      }
    } else if (w === 'default') {
      entry.peerError = 'no tf.layers version of the engine model (the engine interprets its own layer specs)'
    } else if (!a.peer) {
      entry.peerError = 'not run in this measurement (--no-peer)'
    }
    if (entry.ours && entry.peer) {
      entry.speedup = Math.round((entry.peer.msPerImage / entry.ours.msPerImage) * 10) / 10
      entry.speedupCpu =
        Math.round(
          (entry.peer.medianCpuMs / entry.peer.batch / (entry.ours.medianCpuMs / entry.ours.batch)) * 10
        ) / 10
    }
    report.workloads.push(entry)
  }
  if (a.memorySteps > 0) {
    const problem = await defaultAvailable()
    const w = problem === null ? 'default' : 'seed'
    log(
      `memory check: ${a.memorySteps} steps of ${w}${problem === null ? '' : ' (default model unavailable)'}`
    )
    report.memory = await runChild<MemoryResult>([
      '--child',
      'memory',
      ...baseFlags(a, w),
      '--threads',
      String(Math.max(...a.threads)),
      '--memory-steps',
      String(a.memorySteps)
    ])
  }

  report.machine.loadAverage1mEnd = Math.round((os.loadavg()[0] ?? 0) * 100) / 100
  if (!write) return report
  const dir = path.resolve('bench/results')
  mkdirSync(dir, { recursive: true })
  const json = JSON.stringify(report, null, 2)
  writeFileSync(path.join(dir, 'latest.json'), json)
  writeFileSync(path.join(dir, `bench-${report.date.replace(/[:.]/g, '-')}.json`), json)
  const mdPath = path.resolve('bench/RESULTS.md')
  const previous = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : ''
  // Formatted as `prettier --check .` expects (the file is committed).
  const prettier = await import('prettier')
  const mdOptions = { ...(await prettier.resolveConfig(mdPath)), filepath: mdPath }
  writeFileSync(mdPath, await prettier.format(renderMarkdown(report, previous), mdOptions))
  // The committed copy the README's performance table is generated from (scripts/readme-perf.cjs).
  const jsonPath = path.resolve('bench/RESULTS.json')
  writeFileSync(jsonPath, await prettier.format(json, { ...mdOptions, filepath: jsonPath }))
  if (a.json) process.stdout.write(`${json}\n`)
  else process.stdout.write(`${renderTable(report)}\nSaved bench/results/latest.json and bench/RESULTS.md\n`)
  return report
}

/**
 * Several backends in one run: each is a whole bench (the peer runs once, with the first), then
 * one table compares ms per step. Saved as bench/results/backends-<date>.json; RESULTS.md and
 * latest.json are left to single-backend runs.
 */
async function multiMain(a: BenchArgs): Promise<void> {
  const reports: BenchReport[] = []
  for (const [i, backend] of a.backends.entries()) {
    log(`=== backend ${backend} ===`)
    reports.push(await parentMain({ ...a, backend, backends: [backend], peer: a.peer && i === 0 }, false))
  }
  const base = reports[reports.length - 1] as BenchReport
  const lines = [
    `Backends in one run (load average ${base.machine.loadAverage1m} at the start of the last):`,
    `| workload | ${reports.map((r) => `${r.oursBackend} ms/step`).join(' | ')} | ${reports
      .slice(0, -1)
      .map((r) => `${r.oursBackend} speed-up over ${base.oursBackend}`)
      .join(' | ')} |`,
    `|---|${reports.map(() => '---:').join('|')}|${reports
      .slice(0, -1)
      .map(() => '---:')
      .join('|')}|`
  ]
  for (const w of a.workloads) {
    const ms = reports.map((r) => r.workloads.find((x) => x.workload === w)?.ours?.medianMs)
    const baseMs = ms[ms.length - 1]
    lines.push(
      `| ${w} | ${ms.map((m) => (m === undefined ? 'skipped' : String(m))).join(' | ')} | ${ms
        .slice(0, -1)
        .map((m) => (m !== undefined && baseMs !== undefined ? `${(baseMs / m).toFixed(2)}×` : '–'))
        .join(' | ')} |`
    )
  }
  for (const r of reports) {
    lines.push(
      `${r.oursBackend}: ${r.oursBackend === 'webgpu' ? `adapter ${r.machine.gpu}` : r.machine.cpuModel}`
    )
    if (r.memory)
      lines.push(
        `  memory: ${r.memory.steps} steps of ${r.memory.workload}, tensors ${r.memory.tensorsAt10} → ${r.memory.tensorsAtEnd}${
          r.memory.gpuBuffersAt10 !== undefined
            ? `, GPU buffers ${r.memory.gpuBuffersAt10} → ${r.memory.gpuBuffersAtEnd}`
            : ''
        }, ${r.memory.pass ? 'flat' : 'GROWING'}`
      )
  }
  const dir = path.resolve('bench/results')
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `backends-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(reports, null, 2))
  if (a.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`)
  else {
    for (const r of reports) process.stdout.write(`\n## ${r.oursBackend}\n${renderTable(r)}\n`)
    process.stdout.write(`\n${lines.join('\n')}\nSaved ${path.relative(process.cwd(), file)}\n`)
  }
}

/** Entry point called by scripts/bench.cjs. */
export async function main(argv: string[]): Promise<void> {
  const a = parseArgs(argv)
  if (a.child !== undefined) await childMain(a)
  else if (a.backends.length > 1) await multiMain(a)
  else await parentMain(a)
}
