/**
 * The timing protocol shared by ours and the peer: warm-up steps, then timed steps each ended by
 * one host read, with the tensor count and RSS after timed step 10 and after the last one.
 */
import { quantile, round, rssMb } from './stats'
import type { BenchWorkload } from './workloads/types'

/** What one side (ours or peer) reports for one workload. */
export interface SideResult {
  side: 'ours' | 'peer'
  workload: string
  backend: string
  /** The WebGPU adapter (webgpu only): vendor, architecture, software or not. */
  adapter?: string
  /** Why a faster stock backend was not used (peer only). */
  backendNote?: string
  /** wasm threads in use (ours). */
  threads?: number
  batch: number
  warmupSteps: number
  timedSteps: number
  medianMs: number
  p90Ms: number
  /**
   * Median process CPU time (user + system) per step. The backends are single-threaded, so on an
   * idle core this equals wall time; on a shared machine it is the figure that does not depend on
   * what the neighbours run.
   */
  medianCpuMs: number
  /** Images per second of CPU time: the throughput one idle core would give. */
  imagesPerCpuSec: number
  imagesPerSec: number
  /** Median ms per real image: the fair comparison when batches differ. */
  msPerImage: number
  gflopPerStep: number
  gflops: number
  /** Effective GFLOP/s on CPU time. */
  gflopsCpu: number
  numTensorsAfter10: number | null
  numTensorsAfterLast: number
  rssMbAfter10: number | null
  rssMbAfterLast: number
  lastLosses: [number, number]
}

/** Runs the protocol on a workload; `numTensors` reads the tensor count of the workload's tf. */
export async function measure(
  w: BenchWorkload,
  side: 'ours' | 'peer',
  backend: string,
  warmup: number,
  steps: number,
  numTensors: () => number,
  log: (msg: string) => void = () => {}
): Promise<SideResult> {
  let losses: [number, number] = [Number.NaN, Number.NaN]
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now()
    losses = await w.step()
    log(`${side} ${w.name} warm-up ${i + 1}/${warmup}: ${(performance.now() - t0).toFixed(0)} ms`)
  }
  const times: number[] = []
  const cpuTimes: number[] = []
  let after10: { n: number; rss: number } | null = null
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    losses = await w.step()
    times.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpuTimes.push((c.user + c.system) / 1000)
    if (i === 9) after10 = { n: numTensors(), rss: rssMb() }
    if (steps <= 10 || i % 10 === 9)
      log(`${side} ${w.name} step ${i + 1}/${steps}: ${(times[i] as number).toFixed(0)} ms`)
  }
  const median = quantile(times, 0.5)
  const medianCpu = quantile(cpuTimes, 0.5)
  return {
    side,
    workload: w.name,
    backend,
    batch: w.batch,
    warmupSteps: warmup,
    timedSteps: steps,
    medianMs: round(median, 1),
    p90Ms: round(quantile(times, 0.9), 1),
    medianCpuMs: round(medianCpu, 1),
    imagesPerCpuSec: round((w.batch * 1000) / medianCpu, 2),
    imagesPerSec: round((w.batch * 1000) / median, 2),
    msPerImage: round(median / w.batch, 2),
    gflopPerStep: round(w.flopsPerStep / 1e9, 3),
    gflops: round(w.flopsPerStep / 1e6 / median, 2),
    gflopsCpu: round(w.flopsPerStep / 1e6 / medianCpu, 2),
    numTensorsAfter10: after10?.n ?? null,
    numTensorsAfterLast: numTensors(),
    rssMbAfter10: after10 ? round(after10.rss, 1) : null,
    rssMbAfterLast: round(rssMb(), 1),
    lastLosses: losses
  }
}
