/**
 * Rebuilds the JSON record of a `bench:quality` run that was killed before it could write one
 * (an older sweep process without the SIGTERM handler), from what the run printed: the header
 * line and one `step … FD …` line per score. Everything comes from the log; the config is the
 * preset plus the `--set` flags the run was started with, given again here.
 *
 * `npx tsx bench/quality-from-log.ts <log> [--preset NAME] [--set key=value …] [--out DIR]`
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { PRESETS, hyperparamsSchema } from '../src/shared/hyperparams'
import { parseSet } from './quality-args'

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const log = argv[0] as string
  const opt = (k: string, d: string): string => {
    const i = argv.indexOf(k)
    return i >= 0 ? (argv[i + 1] ?? d) : d
  }
  const presetId = opt('--preset', 'mnist-default')
  const out = path.resolve(opt('--out', 'bench/quality-results'))
  const set: Record<string, unknown> = {}
  argv.forEach((a, i) => {
    if (a === '--set') Object.assign(set, parseSet(argv[i + 1] ?? ''))
  })
  const preset = PRESETS.find((p) => p.id === presetId)
  if (!preset) throw new Error(`Unknown preset '${presetId}'`)
  const text = await fs.readFile(log, 'utf8')
  const header = /^bench:quality (\S+): (\S+) \((\S+) threads\)/m.exec(text)
  if (!header) throw new Error(`${log} has no bench:quality header line`)
  const curve = [
    ...text.matchAll(
      /^step +(\d+) +FD +([\d.]+) +coverage ([\d.]+) +wall ([\d.]+)s +cpu ([\d.]+)s +load ([\d.]+)$/gm
    )
  ].map((m) => ({
    step: Number(m[1]),
    fd: Number(m[2]),
    classCoverage: Number(m[3]),
    wallS: Number(m[4]),
    cpuS: Number(m[5]),
    load1m: Number(m[6])
  }))
  const last = curve.at(-1)
  if (!last) throw new Error(`${log} has no step lines`)
  const best = curve.reduce((b, r) => (r.fd < b.fd ? r : b))
  const label = header[1] as string
  const record = {
    label,
    preset: preset.id,
    config: hyperparamsSchema.parse({ ...preset.values, ...set }),
    status: 'stopped (killed; record rebuilt from its log)',
    steps: last.step,
    backend: header[2],
    wasmThreads: Number(header[3]),
    wallS: last.wallS,
    cpuS: last.cpuS,
    loadAverage: {
      min: Math.min(...curve.map((r) => r.load1m)),
      max: Math.max(...curve.map((r) => r.load1m))
    },
    final: last,
    best,
    finalWithin25PctOfBest: last.fd <= best.fd * 1.25,
    curve,
    grid: null,
    time: (await fs.stat(log)).mtime.toISOString()
  }
  await fs.mkdir(out, { recursive: true })
  await fs.writeFile(path.join(out, `${label}.json`), JSON.stringify(record, null, 2) + '\n')
  process.stdout.write(
    `${label}: ${curve.length} scores to step ${last.step}, best ${best.fd} at ${best.step}\n`
  )
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`)
  process.exit(1)
})
