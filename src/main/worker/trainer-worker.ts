/**
 * The trainer worker process: owns tfjs and one training session, so tfjs's synchronous ops never
 * block the serving process and a native crash (CUDA, OOM) ends one run, not the app.
 *
 * Runs under child_process.fork (serve, CLI: `process.send`) or Electron's utilityProcess
 * (`process.parentPort`); the protocol is the same (./protocol.ts).
 */
import { promises as fs } from 'node:fs'
import { openSession } from '../engine/session'
import { currentBackend, loadBackend } from '../engine/backend'
import { listGpuAdapters } from '../engine/backend-webgpu'
import { appendEvents, writeRunRecord } from '../engine/runs/store'
import type { ProgressInfo, SessionListener } from '../engine/session-types'
import { toWireError } from '../../shared/errors'
import type { ToWorker } from './protocol'
import { connectToParent } from './parent-channel'

/** Longest the worker holds logged steps before sending them (keeps IPC traffic small). */
const PROGRESS_FLUSH_MS = 100

let session: Awaited<ReturnType<typeof openSession>> | undefined
let state: 'idle' | 'running' | 'paused' | 'done' = 'idle'
let pending: ProgressInfo[] = []
let flushTimer: NodeJS.Timeout | undefined

const connected = connectToParent((msg) => {
  handle(msg).catch((err) => void fail(err))
})
if (!connected) {
  process.stderr.write('trainer-worker: not started as a worker process (no IPC channel)\n')
  process.exit(2)
}
const channel = connected

function flushProgress(): void {
  if (flushTimer) clearTimeout(flushTimer)
  flushTimer = undefined
  if (pending.length === 0) return
  const items = pending
  pending = []
  void channel.post({ type: 'progress', items })
}

const listener: SessionListener = {
  progress(p) {
    pending.push({ ...p })
    flushTimer ??= setTimeout(flushProgress, PROGRESS_FLUSH_MS)
  },
  sample(s) {
    flushProgress()
    void channel.post({ type: 'sample', step: s.step, path: s.path })
  },
  event(e) {
    void channel.post({ type: 'event', event: e })
  },
  status(status, message) {
    flushProgress()
    void channel.post({ type: 'status', status, step: session?.record.step ?? 0, message })
  }
}

/** Ends the worker once the parent has read every message (the exit handshake). */
async function exitWith(code: number): Promise<never> {
  flushProgress()
  return channel.exit(code)
}

async function fail(err: unknown): Promise<never> {
  await channel.post({ type: 'error', error: toWireError(err), fatal: true })
  try {
    session?.dispose()
  } catch {
    // Disposing after a failure is best effort; the process is about to end anyway.
  }
  return exitWith(1)
}

/** Trains until the session returns; stays alive while paused, exits when the run is over. */
async function runLoop(): Promise<void> {
  if (!session) return
  state = 'running'
  const status = await session.run(listener)
  flushProgress()
  await channel.post({ type: 'status', status, step: session.record.step, message: session.record.message })
  if (status === 'paused') {
    state = 'paused'
    return
  }
  state = 'done'
  session.dispose()
  await exitWith(0)
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'start': {
      if (session) throw new Error('this worker already has a session')
      session = await openSession({
        dataDir: msg.dataDir,
        runDir: msg.runDir,
        mode: msg.mode,
        backend: msg.backend,
        threads: msg.threads
      })
      await channel.post({
        type: 'ready',
        record: session.record,
        backend: currentBackend() ?? null,
        pid: process.pid
      })
      await runLoop()
      return
    }
    case 'pause':
      if (state === 'running') session?.pause()
      return
    case 'resume':
      if (state === 'paused') await runLoop()
      return
    case 'stop':
      if (state === 'running') session?.stop()
      else if (state === 'paused' && session) {
        // The pause already wrote a checkpoint, so stopping a paused session is only bookkeeping.
        const step = session.record.step
        session.record = { ...session.record, status: 'stopped', updated: new Date().toISOString() }
        await writeRunRecord(session.runDir, session.record)
        const e = { kind: 'stop' as const, step, time: Date.now() }
        await appendEvents(session.runDir, [e])
        await channel.post({ type: 'event', event: e })
        await channel.post({ type: 'status', status: 'stopped', step })
        state = 'done'
        session.dispose()
        await exitWith(0)
      } else if (state === 'idle') await exitWith(0)
      return
    case 'rename':
      if (session) {
        session.record = { ...session.record, name: msg.name, updated: new Date().toISOString() }
        await writeRunRecord(session.runDir, session.record)
      }
      return
    case 'update':
      session?.update(msg.live)
      return
    case 'probe': {
      const loaded = await loadBackend(msg.backend ?? 'auto', undefined, msg.threads)
      // The status bar and About list the WebGPU adapters whichever backend the settings force.
      const report = { ...loaded, gpu: loaded.gpu ?? (await listGpuAdapters()) }
      await channel.post({ type: 'backend', report })
      await exitWith(0)
      return
    }
    case 'estimate': {
      await estimate(msg)
      await exitWith(0)
      return
    }
  }
}

/** Trains a throwaway run for a few steps in scratchDir and reports the median step time. */
async function estimate(msg: Extract<ToWorker, { type: 'estimate' }>): Promise<void> {
  await fs.mkdir(msg.scratchDir, { recursive: true })
  // One extra step: the first includes graph building and kernel warm-up, not steady speed.
  const s = await openSession({
    dataDir: msg.dataDir,
    runDir: msg.scratchDir,
    backend: msg.backend,
    threads: msg.threads,
    mode: {
      kind: 'new',
      name: 'estimate',
      config: {
        ...msg.config,
        steps: msg.steps + 1,
        logEvery: 1,
        sampleEvery: 1_000_000,
        checkpointEvery: 1_000_000
      }
    }
  })
  const times: Array<{ ms: number; ips: number }> = []
  try {
    await s.run({
      progress: (p) => {
        if (p.step > 1 || times.length > 0) times.push({ ms: p.msPerStep, ips: p.imagesPerSec })
      }
    })
  } finally {
    s.dispose()
  }
  const steady = times.length > 1 ? times.slice(1) : times
  const sorted = [...steady].sort((a, b) => a.ms - b.ms)
  const mid = sorted[Math.floor(sorted.length / 2)] ?? { ms: NaN, ips: NaN }
  await channel.post({
    type: 'estimate',
    msPerStep: mid.ms,
    imagesPerSec: mid.ips,
    steps: steady.length,
    backend: currentBackend()?.active ?? 'unknown'
  })
}

// If the parent goes away, a trainer must not keep burning the machine: stop with a checkpoint.
process.on('disconnect', () => {
  if (state === 'running') session?.stop()
  else void exitWith(0)
})
process.on('uncaughtException', (err) => void fail(err))
process.on('unhandledRejection', (err) => void fail(err))
