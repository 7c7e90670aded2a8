/**
 * Event-loop delay of the serving process while a run trains (target p99 < 20 ms), measured with
 * perf_hooks.monitorEventLoopDelay, with a peer in the same run: the same training in-process on
 * the serving loop (what the worker design avoids).
 *
 *   npx tsx bench/event-loop.ts [--seconds 20] [--model dcgan|mlp] [--batch 32] [--json]
 *
 * "ours": `gan-studio serve` (StudioService + HTTP/WebSocket server) with the trainer in a worker
 * process, a WebSocket client receiving every event, and a 50 ms ping over the socket (what a UI
 * does while it waits) whose round trips are measured too.
 * "peer": openSession() and run() in this process, the same config, same duration.
 * "idle": the same server and pings with no run: what the machine's own load costs the loop.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { StudioService } from '../src/main/services/studio-service'
import { MemorySettingsStore } from '../src/main/services/settings'
import { ForkWorkerLauncher, defaultWorkerScript } from '../src/main/services/worker-launcher'
import { startServer } from '../src/main/serve/server'
import { openSession } from '../src/main/engine/session'
import type { HyperparamsInput } from '../src/shared/hyperparams'

interface Stats {
  p50: number
  p99: number
  max: number
  mean: number
}

function args(): { seconds: number; model: 'dcgan' | 'mlp'; batch: number; json: boolean } {
  const a = process.argv.slice(2)
  const get = (k: string): string | undefined => {
    const i = a.indexOf(`--${k}`)
    return i >= 0 ? a[i + 1] : undefined
  }
  return {
    seconds: Number(get('seconds') ?? 20),
    model: (get('model') as 'dcgan' | 'mlp') ?? 'dcgan',
    batch: Number(get('batch') ?? 32),
    json: a.includes('--json')
  }
}

const ms = (ns: number): number => Math.round((ns / 1e6) * 100) / 100

function pct(values: number[], p: number): number {
  const s = [...values].sort((x, y) => x - y)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}

async function ours(
  config: HyperparamsInput,
  seconds: number,
  dataDir: string,
  train = true
): Promise<{ loop: Stats; rtt: Stats; progressMsgs: number; steps: number }> {
  const worker = defaultWorkerScript()
  const service = new StudioService({
    dataDir,
    settings: new MemorySettingsStore(),
    launcher: new ForkWorkerLauncher(worker),
    transport: 'serve'
  })
  const server = await startServer({ service, rendererDir: path.join(dataDir, 'no-ui') })
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
  await new Promise((r) => ws.once('open', r))
  let id = 0
  const pending = new Map<number, (v: { ok: boolean; value?: unknown; error?: unknown }) => void>()
  let progressMsgs = 0
  let lastStep = 0
  let firstProgress: () => void = () => undefined
  const started = new Promise<void>((r) => (firstProgress = r))
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString()) as {
      type: string
      id: number
      event?: string
      data?: { metrics?: Array<{ step: number }> }
    }
    if (m.type === 'reply') pending.get(m.id)?.(m as never)
    else if (m.event === 'training:progress') {
      progressMsgs++
      lastStep = m.data?.metrics?.at(-1)?.step ?? lastStep
      firstProgress()
    }
  })
  const call = (
    method: string,
    payload: unknown
  ): Promise<{ ok: boolean; value?: unknown; error?: unknown }> =>
    new Promise((resolve) => {
      const i = ++id
      pending.set(i, resolve)
      ws.send(JSON.stringify({ id: i, method, payload }))
    })
  let runId = 'none'
  if (train) {
    const start = (await call('training:start', { config })) as {
      ok: boolean
      value?: { id: string }
      error?: unknown
    }
    if (!start.ok) throw new Error(`training:start failed: ${JSON.stringify(start.error)}`)
    runId = start.value!.id
    await started // measure steady training, not process start-up
  }
  const h = monitorEventLoopDelay({ resolution: 5 })
  const rtts: number[] = []
  h.enable()
  const t0 = performance.now()
  progressMsgs = 0
  const stepAtStart = lastStep
  while (performance.now() - t0 < seconds * 1000) {
    const a = performance.now()
    await call(
      train ? 'runs:metrics' : 'runs:list',
      train ? { runId, sinceStep: Math.max(-1, lastStep - 5) } : {}
    )
    rtts.push(performance.now() - a)
    await new Promise((r) => setTimeout(r, 50))
  }
  h.disable()
  const elapsed = (performance.now() - t0) / 1000
  const steps = lastStep - stepAtStart
  if (train) await call('training:stop', { runId })
  ws.close()
  await service.close()
  await server.close()
  return {
    loop: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) },
    rtt: {
      p50: round(pct(rtts, 50)),
      p99: round(pct(rtts, 99)),
      max: round(Math.max(...rtts)),
      mean: round(rtts.reduce((x, y) => x + y, 0) / rtts.length)
    },
    progressMsgs: Math.round((progressMsgs / elapsed) * 100) / 100,
    steps: Math.round((steps / elapsed) * 100) / 100
  }
}

const round = (x: number): number => Math.round(x * 100) / 100

async function peer(
  config: HyperparamsInput,
  seconds: number,
  dataDir: string
): Promise<{ loop: Stats; steps: number }> {
  const session = await openSession({
    dataDir,
    runDir: path.join(dataDir, 'runs', 'peer'),
    mode: { kind: 'new', config }
  })
  let first = 0
  let last = 0
  const h = monitorEventLoopDelay({ resolution: 5 })
  let t0 = 0
  const stopper = setInterval(() => {
    if (t0 && performance.now() - t0 > seconds * 1000) session.stop()
  }, 10)
  const done = session.run({
    progress: (p) => {
      if (!t0) {
        t0 = performance.now()
        first = p.step
        h.enable()
      }
      last = p.step
    }
  })
  await done
  h.disable()
  clearInterval(stopper)
  const elapsed = (performance.now() - t0) / 1000
  session.dispose()
  return {
    loop: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) },
    steps: round((last - first) / elapsed)
  }
}

async function main(): Promise<void> {
  const a = args()
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gs-bench-loop-'))
  const config: HyperparamsInput = {
    dataset: 'mnist',
    model: a.model,
    width: 0.5,
    latentDim: 32,
    batchSize: a.batch,
    steps: 1_000_000,
    logEvery: 1,
    sampleEvery: 50,
    checkpointEvery: 1_000_000
  }
  try {
    const idle = await ours(config, a.seconds, dataDir, false)
    const o = await ours(config, a.seconds, dataDir)
    const p = await peer(config, a.seconds, dataDir)
    const result = {
      workload: { ...config, seconds: a.seconds },
      machine: { cpus: os.availableParallelism(), load: os.loadavg().map(round) },
      idle,
      ours: o,
      peer: p
    }
    if (a.json) process.stdout.write(JSON.stringify(result) + '\n')
    else {
      process.stdout.write(
        `event-loop delay of the serving process while training (${a.model}, batch ${a.batch}, ${a.seconds} s each, load ${result.machine.load.join('/')})\n`
      )
      process.stdout.write(
        `  idle (server up, no run):   p50 ${idle.loop.p50} ms  p99 ${idle.loop.p99} ms  max ${idle.loop.max} ms; socket round trip p50 ${idle.rtt.p50} ms p99 ${idle.rtt.p99} ms (machine contention baseline)\n`
      )
      process.stdout.write(
        `  ours (trainer in a worker): p50 ${o.loop.p50} ms  p99 ${o.loop.p99} ms  max ${o.loop.max} ms; socket round trip p50 ${o.rtt.p50} ms p99 ${o.rtt.p99} ms; ${o.progressMsgs} progress msgs/s; ${o.steps} steps/s\n`
      )
      process.stdout.write(
        `  peer (training in-process): p50 ${p.loop.p50} ms  p99 ${p.loop.p99} ms  max ${p.loop.max} ms; ${p.steps} steps/s\n`
      )
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench/event-loop: ${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  }
)
