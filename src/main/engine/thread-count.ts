/**
 * How many threads the wasm backend should use. The `threads` setting (and `--threads`) is an
 * integer where 0 means "one per physical core"; this module turns it into a concrete count.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'

/**
 * tfjs-backend-wasm pre-creates 8 pthread workers and its C side caps the XNNPACK pool at 8
 * (`max_num_threads` in tfjs-backend-wasm/src/cc/backend.cc), so more than 8 is never used.
 */
export const MAX_WASM_THREADS = 8

/** Logical CPUs this process may run on (affinity and cgroup limits included where Node sees them). */
export function logicalCoreCount(): number {
  return os.availableParallelism?.() ?? os.cpus().length
}

/**
 * Physical cores, never more than the logical CPUs this process may use. Hyper-threads share one
 * core's SIMD units, so a second XNNPACK thread on the same core adds little and makes the first
 * one slower; one thread per physical core is the useful maximum.
 *
 * Linux: distinct (package, core) pairs in sysfs. macOS: `sysctl hw.physicalcpu`. Elsewhere (and
 * if either fails) the logical count, which over-counts only on SMT machines.
 */
export function physicalCoreCount(): number {
  const logical = logicalCoreCount()
  const physical = process.platform === 'linux' ? linuxPhysicalCores() : darwinPhysicalCores()
  return Math.max(1, Math.min(logical, physical ?? logical))
}

function linuxPhysicalCores(): number | undefined {
  try {
    const cores = new Set<string>()
    for (let i = 0; i < os.cpus().length; i++) {
      const dir = `/sys/devices/system/cpu/cpu${i}/topology`
      const pkg = readFileSync(`${dir}/physical_package_id`, 'utf8').trim()
      const core = readFileSync(`${dir}/core_id`, 'utf8').trim()
      cores.add(`${pkg}:${core}`)
    }
    return cores.size > 0 ? cores.size : undefined
  } catch {
    return undefined
  }
}

function darwinPhysicalCores(): number | undefined {
  if (process.platform !== 'darwin') return undefined
  try {
    const n = Number(execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8', timeout: 2000 }))
    return Number.isInteger(n) && n > 0 ? n : undefined
  } catch {
    return undefined
  }
}

/**
 * The thread count to use for a `threads` setting: 0 means the physical core count; anything
 * else is taken as asked, within 1..MAX_WASM_THREADS.
 */
export function resolveThreads(setting: number | undefined, cores: () => number = physicalCoreCount): number {
  const wanted = setting === undefined || setting === 0 ? cores() : setting
  if (!Number.isInteger(wanted) || wanted < 0)
    throw new Error(
      `Expected threads to be 0 (one per physical core) or a positive integer, but got ${setting}`
    )
  return Math.max(1, Math.min(MAX_WASM_THREADS, wanted))
}

/** The `threads` setting from GAN_STUDIO_THREADS, for worker processes started without one. */
export function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.GAN_STUDIO_THREADS
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  return Number.isInteger(n) && n >= 0 ? n : undefined
}
