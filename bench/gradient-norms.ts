/**
 * What logging gradient norms costs: the default MNIST model on wasm, one process, alternating
 * blocks of steps with `trackGradients` on and off (ABAB…; medians of wall and process CPU time per step), each block ending with the one
 * read-back the session does per logEvery. Alternating in one run cancels most of the drift of a
 * shared machine's load; the load average is printed with the figures.
 *
 * Run: `npx tsx bench/gradient-norms.ts [--blocks N] [--steps S]`.
 */
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadBackend } from '../src/main/engine/backend'
import { loadDataset } from '../src/main/engine/data/datasets'
import { buildArchs } from '../src/main/engine/models'
import { GanTrainer } from '../src/main/engine/trainer'
import { defaultHyperparams } from '../src/shared/hyperparams'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

async function main(): Promise<void> {
  const blocks = arg('blocks', 6)
  const steps = arg('steps', 10)
  const backend = await loadBackend('wasm')
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'gs-bench-gn-'))
  const config = defaultHyperparams()
  const data = await loadDataset(work, 'mnist')
  const t = new GanTrainer(config, data, buildArchs(config, data.index.shape))
  // Warm-up: kernels compiled, first allocations done.
  for (let i = 0; i < 3; i++) t.trainStep()
  await t.readAverages()
  const ms: Record<'on' | 'off', number[]> = { on: [], off: [] }
  // CPU time of this process per step: less sensitive than wall time to other processes' load.
  const cpu: Record<'on' | 'off', number[]> = { on: [], off: [] }
  const load0 = os.loadavg()
  for (let b = 0; b < blocks * 2; b++) {
    const mode = b % 2 === 0 ? 'on' : 'off'
    t.trackGradients = mode === 'on'
    const start = performance.now()
    const cpu0 = process.cpuUsage()
    for (let i = 0; i < steps; i++) t.trainStep()
    const avg = await t.readAverages()
    if ((avg.gradNorm !== undefined) !== (mode === 'on')) throw new Error('tracking switch had no effect')
    ms[mode].push((performance.now() - start) / steps)
    const c = process.cpuUsage(cpu0)
    cpu[mode].push((c.user + c.system) / 1000 / steps)
  }
  const load1 = os.loadavg()
  t.dispose()
  await fs.rm(work, { recursive: true, force: true })
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
  const on = median(ms.on)
  const off = median(ms.off)
  const result = {
    backend: backend.active,
    model: `${config.model} width ${config.width}, batch ${config.batchSize}`,
    blocks,
    stepsPerBlock: steps,
    msPerStepOn: on,
    msPerStepOff: off,
    stepsPerSecOn: 1000 / on,
    stepsPerSecOff: 1000 / off,
    ratioOnOverOff: on / off,
    cpuMsPerStepOn: median(cpu.on),
    cpuMsPerStepOff: median(cpu.off),
    cpuRatioOnOverOff: median(cpu.on) / median(cpu.off),
    blockMsOn: ms.on,
    blockMsOff: ms.off,
    loadAverageStart: load0,
    loadAverageEnd: load1
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
}

void main()
