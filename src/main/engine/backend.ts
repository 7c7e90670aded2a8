/**
 * Compute-backend loading: tries tfjs-node-gpu, `webgpu` (hardware adapters only; see
 * backend-webgpu.ts), tfjs-node, `wasm`, `cpu` in that order, or only the one asked for, and
 * records every failure with its real reason so `doctor` and the status bar can tell the user
 * what to install.
 */
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { tf } from './tf'
import type { BackendAttempt, BackendReport } from '../../shared/domain'
import type { BackendChoice, BackendName } from '../../shared/hyperparams'
import { registerWasmTrainingKernels } from './kernels/wasm'
import {
  activeGpuAdapter,
  listGpuAdapters,
  loadWebGpu,
  type DawnImporter,
  type DawnModule
} from './backend-webgpu'

/** Loads a module by name; replaceable in tests to simulate missing or broken packages. */
export type ModuleImporter = (name: string) => Promise<unknown>

// require, not import(): the tfjs packages are CommonJS, and a require resolves the same way in
// the bundled app, the CLI and tests.
const defaultImporter: ModuleImporter = async (name) => createRequire(import.meta.url)(name) as unknown

/** Tests inject an importer; the real one keeps the per-process Dawn probe. */
function dawnImporter(importer: ModuleImporter): DawnImporter | undefined {
  return importer === defaultImporter ? undefined : async () => (await importer('webgpu')) as DawnModule
}

interface Candidate {
  name: BackendName
  variant: string
  load: (importer: ModuleImporter) => Promise<void>
}

/** Turns a loader error into one line a user can act on. */
export function describeLoadError(variant: string, err: unknown): string {
  const e = err as { code?: string; message?: string }
  const msg = (e?.message ?? String(err)).split('\n')[0] ?? ''
  if (
    e?.code === 'MODULE_NOT_FOUND' ||
    e?.code === 'ERR_MODULE_NOT_FOUND' ||
    /Cannot find (module|package)/.test(msg)
  ) {
    if (msg.includes(variant) || !msg.includes("'")) {
      return `package not installed (${variant} is optional; its install downloads libtensorflow, which failed or was skipped)`
    }
  }
  return msg
}

async function loadNative(importer: ModuleImporter, pkg: string): Promise<void> {
  await importer(pkg)
  // tfjs-node registers 'tensorflow' on import; make sure it really initialises here and now.
  const ok = await tf.setBackend('tensorflow')
  if (!ok) throw new Error(`${pkg} loaded but the tensorflow backend failed to initialise`)
  if (pkg.endsWith('-gpu')) {
    const backend = tf.backend() as unknown as {
      isUsingGpuDevice?: () => boolean
      binding?: { isUsingGpuDevice?: () => boolean }
    }
    const usingGpu = backend.isUsingGpuDevice?.() ?? backend.binding?.isUsingGpuDevice?.()
    if (usingGpu === false) {
      tf.removeBackend('tensorflow')
      throw new Error(
        'libtensorflow (GPU build) loaded but found no CUDA device: needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1'
      )
    }
  }
}

/** Directory holding tfjs-backend-wasm's .wasm files, unpacked from asar in a packaged app. */
export function wasmDir(): string {
  const file = createRequire(import.meta.url).resolve(
    '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'
  )
  return path.dirname(file).replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`) + path.sep
}

async function loadWasm(importer: ModuleImporter): Promise<void> {
  const wasm = (await importer('@tensorflow/tfjs-backend-wasm')) as {
    setWasmPaths: (p: string) => void
    setThreadsCount?: (n: number) => void
  }
  wasm.setWasmPaths(wasmDir())
  // Same numbers on every machine: XNNPACK's threaded reductions are not needed for determinism,
  // but the single-threaded SIMD build is what every Node 20+ and Electron can run.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  const ok = await tf.setBackend('wasm')
  if (!ok) throw new Error('the wasm backend failed to initialise (WebAssembly unavailable?)')
  registerWasmTrainingKernels()
}

async function loadCpu(): Promise<void> {
  const ok = await tf.setBackend('cpu')
  if (!ok) throw new Error('the cpu backend failed to initialise')
}

const CANDIDATES: Candidate[] = [
  {
    name: 'tensorflow',
    variant: '@tensorflow/tfjs-node-gpu',
    load: (i) => loadNative(i, '@tensorflow/tfjs-node-gpu')
  },
  // Before tfjs-node: any GPU through WebGPU beats libtensorflow on the CPU.
  {
    name: 'webgpu',
    variant: '@tensorflow/tfjs-backend-webgpu',
    load: async (i) => void (await loadWebGpu(webgpuForced, dawnImporter(i)))
  },
  {
    name: 'tensorflow',
    variant: '@tensorflow/tfjs-node',
    load: (i) => loadNative(i, '@tensorflow/tfjs-node')
  },
  { name: 'wasm', variant: '@tensorflow/tfjs-backend-wasm', load: loadWasm },
  { name: 'cpu', variant: '@tensorflow/tfjs-backend-cpu', load: loadCpu }
]

let current: BackendReport | undefined
let gpuReport: BackendReport['gpu']
let webgpuForced = false

/**
 * Activates the first backend that loads (or only the chosen one) and returns the report. A
 * forced backend that fails throws with the reason; `auto` never throws while cpu works.
 */
export async function loadBackend(
  choice: BackendChoice = 'auto',
  importer: ModuleImporter = defaultImporter
): Promise<BackendReport> {
  // Production mode silences tfjs's "install tfjs-node" banner on stdout (our --json output).
  tf.env().set('PROD', true)
  const attempts: BackendAttempt[] = []
  // Listed whichever backend wins (when webgpu is in the running), so doctor, the status bar and
  // About can show them.
  if (choice === 'auto' || choice === 'webgpu') gpuReport = await listGpuAdapters(dawnImporter(importer))
  // Only an explicit `webgpu` may train on a software adapter.
  webgpuForced = choice === 'webgpu'
  const candidates = choice === 'auto' ? CANDIDATES : CANDIDATES.filter((c) => c.name === choice)
  for (const c of candidates) {
    try {
      await c.load(importer)
      attempts.push({ name: c.name, variant: c.variant, ok: true })
      current = makeReport(c, attempts)
      return current
    } catch (err) {
      attempts.push({
        name: c.name,
        variant: c.variant,
        ok: false,
        reason: describeLoadError(c.variant, err)
      })
    }
  }
  const reasons = attempts.map((a) => `${a.variant}: ${a.reason}`).join('; ')
  throw Object.assign(new Error(`backend ${choice} is unavailable: ${reasons}`), {
    code: 'unavailable',
    attempts
  })
}

function makeReport(c: Candidate, attempts: BackendAttempt[]): BackendReport {
  return {
    active: c.name,
    variant: c.variant,
    attempts: [...attempts],
    tfjsVersion: tf.version_core,
    cpuThreads: os.availableParallelism?.() ?? os.cpus().length,
    wasmThreads: c.name === 'wasm' ? 1 : undefined,
    simd: c.name === 'wasm' ? true : undefined,
    platform: `${process.platform}-${process.arch}`,
    nodeVersion: process.versions.node,
    gpu: gpuReport,
    gpuAdapter: c.name === 'webgpu' ? activeGpuAdapter() : undefined
  }
}

/** The report of the backend loaded in this process, if any. */
export function currentBackend(): BackendReport | undefined {
  return current
}

/** Lists every backend the `auto` order would try and why each does or does not load (for doctor). */
export async function probeBackends(importer: ModuleImporter = defaultImporter): Promise<BackendReport> {
  const report = await loadBackend('auto', importer)
  // Also say why the ones after the winner were not needed: doctor shows the whole list.
  return report
}
