/**
 * `npm run bench:quality [-- --preset NAME] [--minutes M] [--steps N] [--set key=value …] [--out DIR]`
 *
 * Trains a preset (default: the MNIST default preset, i.e. the schema defaults) with the app's
 * own TrainingSession and backend choice, and prints GAN Studio FD at every sample step with the
 * wall time, the process CPU time and the load average (the machine may be shared: read the
 * figures with the load). Stops at the preset's step count or after --minutes of wall time,
 * whichever comes first. Saves the final sample grid as `<out>/<label>-final.png` and a JSON
 * record `<out>/<label>.json` (config, FD curve, times, loads) that bench/QUALITY.md is built from.
 * `--set` overrides single hyperparameters (sweeps): `--set r1Gamma=1 --set loss=hinge`.
 */
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { currentBackend } from '../src/main/engine/backend'
import { openSession } from '../src/main/engine/session'
import { PRESETS, hyperparamsSchema, type HyperparamsInput } from '../src/shared/hyperparams'
import { parseSet } from './quality-args'

interface Args {
  preset: string
  minutes: number
  steps?: number
  set: Record<string, unknown>
  out: string
  label?: string
  dataDir: string
}

function parse(argv: string[]): Args {
  const a: Args = {
    preset: 'mnist-default',
    minutes: Infinity,
    set: {},
    out: path.resolve('bench/quality-results'),
    dataDir: process.env.GAN_STUDIO_HOME ?? path.join(os.homedir(), '.gan-studio')
  }
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]
    const v = argv[i + 1] ?? ''
    if (k === '--preset') a.preset = v
    else if (k === '--minutes') a.minutes = Number(v)
    else if (k === '--steps') a.steps = Number(v)
    else if (k === '--out') a.out = path.resolve(v)
    else if (k === '--label') a.label = v
    else if (k === '--data-dir') a.dataDir = path.resolve(v)
    else if (k === '--set') Object.assign(a.set, parseSet(v))
    else continue
    i += 1
  }
  return a
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2))
  const preset = PRESETS.find((p) => p.id === args.preset)
  if (!preset) {
    process.stderr.write(
      `Unknown preset '${args.preset}': use one of ${PRESETS.map((p) => p.id).join(', ')}\n`
    )
    process.exit(2)
  }
  const input: HyperparamsInput = {
    ...preset.values,
    ...args.set,
    ...(args.steps ? { steps: args.steps } : {})
  }
  const config = hyperparamsSchema.parse(input)
  const label =
    args.label ??
    [preset.id, ...Object.entries(args.set).map(([k, v]) => `${k}-${String(v)}`)]
      .join('_')
      .replace(/[^\w.-]+/g, '')
  await fs.mkdir(args.out, { recursive: true })
  const runDir = await fs.mkdtemp(path.join(os.tmpdir(), `gs-quality-${label}-`))
  await fs.rm(runDir, { recursive: true })
  const session = await openSession({
    dataDir: args.dataDir,
    runDir,
    mode: { kind: 'new', config: input, name: `bench ${label}` }
  })
  // A sweep stops runs it has seen enough of: SIGINT/SIGTERM stop at the next step boundary and
  // the record (status 'stopped') is still written.
  // `on`, not `once`: npm exec and tsx forward the signal too, so it can arrive more than once.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => session.stop())
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const curve: Array<{
    step: number
    fd: number
    classCoverage: number
    wallS: number
    cpuS: number
    load1m: number
  }> = []
  const loads: number[] = []
  let lastSample = ''
  process.stdout.write(
    `bench:quality ${label}: ${session.record.backend} (${currentBackend()?.wasmThreads ?? '-'} threads), ${config.dataset}, ${config.steps} steps or ${args.minutes} min, load ${os
      .loadavg()
      .map((x) => round(x))
      .join(' ')}\n`
  )
  const status = await session.run({
    progress: (p) => {
      loads.push(os.loadavg()[0] ?? 0)
      if ((performance.now() - t0) / 60000 >= args.minutes) session.stop()
      if (!p.quality) return
      const c = process.cpuUsage(cpu0)
      const row = {
        step: p.quality.step,
        fd: round(p.quality.fd),
        classCoverage: round(p.quality.classCoverage),
        wallS: round((performance.now() - t0) / 1000, 1),
        cpuS: round((c.user + c.system) / 1e6, 1),
        load1m: round(os.loadavg()[0] ?? 0)
      }
      curve.push(row)
      process.stdout.write(
        `step ${String(row.step).padStart(5)}  FD ${String(row.fd).padStart(7)}  coverage ${row.classCoverage}  wall ${row.wallS}s  cpu ${row.cpuS}s  load ${row.load1m}\n`
      )
    },
    sample: (s) => {
      lastSample = s.path
    }
  })
  const wallS = (performance.now() - t0) / 1000
  const c = process.cpuUsage(cpu0)
  session.dispose()
  const grid = path.join(args.out, `${label}-final.png`)
  if (lastSample) await fs.copyFile(lastSample, grid)
  const best = curve.reduce<(typeof curve)[number] | undefined>(
    (b, r) => (!b || r.fd < b.fd ? r : b),
    undefined
  )
  const final = curve.at(-1)
  const record = {
    label,
    preset: preset.id,
    config,
    status,
    steps: session.record.step,
    backend: session.record.backend,
    wasmThreads: currentBackend()?.wasmThreads ?? null,
    wallS: round(wallS, 1),
    cpuS: round((c.user + c.system) / 1e6, 1),
    loadAverage: {
      min: round(Math.min(...loads)),
      max: round(Math.max(...loads)),
      end: os.loadavg().map((x) => round(x))
    },
    cpus: os.availableParallelism(),
    final: final ?? null,
    best: best ?? null,
    finalWithin25PctOfBest: final && best ? final.fd <= best.fd * 1.25 : null,
    curve,
    /** File name of the final grid, next to this record. */
    grid: lastSample ? path.basename(grid) : null,
    runDir,
    time: new Date().toISOString()
  }
  await fs.writeFile(path.join(args.out, `${label}.json`), JSON.stringify(record, null, 2) + '\n')
  process.stdout.write(
    `${status} at step ${record.steps} in ${record.wallS}s wall, ${record.cpuS}s CPU; final FD ${final?.fd ?? '-'}, best ${best?.fd ?? '-'} at ${best?.step ?? '-'}; grid ${record.grid ?? '-'}\n`
  )
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
