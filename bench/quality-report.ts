/**
 * Renders the records `npm run bench:quality` wrote (`<dir>/*.json`) as the markdown table in
 * bench/QUALITY.md, between its `<!-- quality-results -->` markers, so no figure is typed by hand.
 *
 * Run: `npx tsx bench/quality-report.ts [--dir bench/quality-results] [--doc bench/QUALITY.md]`.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { defaultHyperparams } from '../src/shared/hyperparams'

interface Row {
  step: number
  fd: number
  wallS: number
  cpuS: number
  load1m: number
}
interface Record {
  label: string
  preset: string
  config: { [k: string]: unknown }
  status: string
  steps: number
  backend: string
  wasmThreads?: number | null
  wallS: number
  cpuS: number
  loadAverage: { min: number; max: number }
  final: Row | null
  best: Row | null
  finalWithin25PctOfBest: boolean | null
  curve: Row[]
  grid: string | null
  time: string
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback
}

/** The hyperparameters that differ from the defaults, e.g. `lrD 0.0004`. */
function diff(config: Record['config']): string {
  const d = defaultHyperparams() as unknown as { [k: string]: unknown }
  // Records written before the learning-rate decay existed trained at constant rates: say so,
  // since the default is now linear. (`lrDecaySteps N` was its first form: a fixed horizon.)
  const c = 'lrDecay' in config || 'lrDecaySteps' in config ? config : { ...config, lrDecay: 'none' }
  const out = Object.entries(c)
    .filter(([k, v]) => !['steps', 'dataset'].includes(k) && JSON.stringify(v) !== JSON.stringify(d[k]))
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
  return out.length ? out.join(', ') : 'defaults'
}

async function main(): Promise<void> {
  const dir = path.resolve(arg('dir', 'bench/quality-results'))
  const doc = path.resolve(arg('doc', 'bench/QUALITY.md'))
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json') && !f.endsWith('.cost.json')).sort()
  const records = await Promise.all(
    files.map(async (f) => JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')) as Record)
  )
  records.sort((a, b) => a.time.localeCompare(b.time))
  const lines = [
    '| run | dataset | changes from defaults | steps reached | wall / CPU | load (1 min) | threads | FD by step | best | final | final ≤ 1.25 × best |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const r of records) {
    // Every 500 steps (and the first few scores), so long runs stay readable; the JSON has all.
    const curve = r.curve
      .filter((c, i) => c.step % 500 === 0 || c.step <= 300 || i === r.curve.length - 1)
      .map((c) => `${c.step}: ${c.fd}`)
      .join(', ')
    lines.push(
      `| ${r.label} | ${String(r.config.dataset)} | ${diff(r.config)} | ${r.steps} (${r.status}) | ${Math.round(r.wallS)} s / ${Math.round(r.cpuS)} s | ${r.loadAverage.min}–${r.loadAverage.max} | ${r.wasmThreads ?? '-'} | ${curve || '-'} | ${r.best ? `${r.best.fd} @${r.best.step}` : '-'} | ${r.final ? `${r.final.fd} @${r.final.step}` : '-'} | ${r.finalWithin25PctOfBest === null ? '-' : r.finalWithin25PctOfBest ? 'yes' : 'no'} |`
    )
  }
  const grids = records
    .filter((r) => r.grid)
    .map(
      (r) =>
        `- ${r.label}, step ${r.steps}: ![${r.label}](${path.relative(path.dirname(doc), path.join(dir, path.basename(r.grid as string)))})`
    )
  const block = [
    '<!-- quality-results -->',
    ...lines,
    '',
    'Final grids (EMA weights, fixed latents):',
    '',
    ...grids,
    '<!-- /quality-results -->'
  ].join('\n')
  let text = await fs.readFile(doc, 'utf8')
  // bench/gradient-norms.ts's record, when present.
  const cost = await fs
    .readFile(path.join(dir, 'gradient-norms.cost.json'), 'utf8')
    .then((t) => JSON.parse(t) as { [k: string]: number | number[] | string })
    .catch(() => undefined)
  if (cost) {
    const n = (k: string, d = 0): string => Number(cost[k]).toFixed(d)
    const loads = (k: string): string => (cost[k] as number[]).map((x) => x.toFixed(1)).join(' / ')
    const costBlock = [
      '<!-- gradient-norm-cost -->',
      `| ${String(cost.model)}, ${String(cost.backend)} | tracking on | tracking off | on / off |`,
      '| --- | --- | --- | --- |',
      `| wall ms per step (median of ${n('blocks')} blocks of ${n('stepsPerBlock')}) | ${n('msPerStepOn')} | ${n('msPerStepOff')} | ${n('ratioOnOverOff', 3)} |`,
      `| process CPU ms per step (median) | ${n('cpuMsPerStepOn')} | ${n('cpuMsPerStepOff')} | ${n('cpuRatioOnOverOff', 3)} |`,
      '',
      `Load average (1 / 5 / 15 min) at the start ${loads('loadAverageStart')}, at the end ${loads('loadAverageEnd')}.`,
      '<!-- /gradient-norm-cost -->'
    ].join('\n')
    text = text.replace(/<!-- gradient-norm-cost -->[\s\S]*<!-- \/gradient-norm-cost -->/, costBlock)
  }
  const re = /<!-- quality-results -->[\s\S]*<!-- \/quality-results -->/
  if (!re.test(text)) throw new Error(`${doc} has no <!-- quality-results --> markers`)
  await fs.writeFile(doc, text.replace(re, block))
  await writeReadmeGrid(records, dir)
  process.stdout.write(`${records.length} records written into ${path.relative(process.cwd(), doc)}\n`)
}

/**
 * The README's grid: the newest 10-minute run of the MNIST default preset (label
 * `mnist-default-10min`), its image and its figures, between the README's quality-grid markers.
 */
async function writeReadmeGrid(records: Record[], dir: string): Promise<void> {
  const readme = path.resolve(arg('readme', 'README.md'))
  const r = records.filter((x) => x.label === 'mnist-default-10min' && x.grid).at(-1)
  if (!r) return
  const img = path.relative(path.dirname(readme), path.join(dir, path.basename(r.grid as string)))
  const block = [
    '<!-- quality-grid:start (generated by bench/quality-report.ts from bench/quality-results; do not edit) -->',
    '',
    `![The MNIST default preset's sample grid, trained within a 10-minute budget](${img})`,
    '',
    `The MNIST default preset after ${Math.round(r.wallS / 60)} minutes of wall time on this 2-core machine ` +
      `(\`npm run bench:quality -- --minutes 10\`, ${String(r.backend)}, ${r.wasmThreads ?? '-'} threads, ${r.time.slice(0, 10)}): ` +
      `step ${r.steps}, final GAN Studio FD ${r.final?.fd ?? '-'} (best ${r.best?.fd ?? '-'} at step ${r.best?.step ?? '-'}); ` +
      'real held-out MNIST scores 2.7. EMA weights, fixed latents.',
    '',
    '<!-- quality-grid:end -->'
  ].join('\n')
  const text = await fs.readFile(readme, 'utf8')
  const re = /<!-- quality-grid:start[\s\S]*<!-- quality-grid:end -->/
  if (!re.test(text)) throw new Error(`${readme} has no quality-grid markers`)
  await fs.writeFile(readme, text.replace(re, block))
}

void main()
