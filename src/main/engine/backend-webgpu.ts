/**
 * The `webgpu` backend in Node: TensorFlow.js's WebGPU backend on Dawn's Node binding (the
 * `webgpu` npm package, prebuilt N-API addons for linux/darwin/win32 inside the package).
 *
 * Adapters are listed once per process. A software adapter (Mesa's lavapipe/llvmpipe, SwiftShader,
 * Microsoft's WARP) is slower than our wasm kernels, so `auto` never picks one; only an explicit
 * `--backend webgpu` trains on it (that is how CI checks the backend without a GPU).
 */
import { tf } from './tf'
import type { GpuAdapterReport, GpuAdapterSummary } from '../../shared/domain'
import { registerWebGpuTrainingKernels } from './kernels/webgpu'

/** The part of Dawn's `webgpu` module we use. */
export interface DawnModule {
  create: (flags: string[]) => GPU
  globals: Record<string, unknown>
}

/** Loads the `webgpu` package (ESM); replaceable in tests to simulate a missing binding. */
export type DawnImporter = () => Promise<DawnModule>

const defaultDawnImporter: DawnImporter = async () => (await import('webgpu')) as unknown as DawnModule

/** Names in an adapter's info that mean "this is a CPU pretending to be a GPU". */
const SOFTWARE_PATTERN = /llvmpipe|lavapipe|softpipe|swiftshader|subzero|microsoft basic render|\bwarp\b/i

/**
 * True for a software rasteriser. Dawn sets `isFallbackAdapter` for the ones it knows, but not
 * every build and driver does, so the names are checked too.
 */
export function isSoftwareAdapter(info: {
  vendor?: string
  architecture?: string
  device?: string
  description?: string
  isFallbackAdapter?: boolean
}): boolean {
  if (info.isFallbackAdapter) return true
  if (info.architecture === 'software' || info.vendor === 'swiftshader') return true
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ')
  return SOFTWARE_PATTERN.test(text)
}

interface Probe {
  gpu?: GPU
  adapters: Array<{ adapter: GPUAdapter; summary: GpuAdapterSummary }>
  note?: string
}

let probe: Promise<Probe> | undefined

/** One line a user can act on when Dawn loaded but found nothing. */
function noAdapterNote(): string {
  if (process.platform === 'linux')
    return "Dawn found no Vulkan adapter: install your GPU's Vulkan driver (Debian/Ubuntu: mesa-vulkan-drivers, or NVIDIA's driver); Mesa 22.3 lavapipe is too old for Dawn, 25.0 works"
  if (process.platform === 'win32')
    return 'Dawn found no Direct3D 12 or Vulkan adapter: update the GPU driver'
  return 'Dawn found no Metal adapter'
}

async function runProbe(importDawn: DawnImporter): Promise<Probe> {
  let dawn: DawnModule
  try {
    dawn = await importDawn()
  } catch (err) {
    const msg = (err as Error)?.message?.split('\n')[0] ?? String(err)
    return { adapters: [], note: `the webgpu package (Dawn) did not load: ${msg}` }
  }
  // tfjs-backend-webgpu reads the WebGPU constants (GPUBufferUsage, GPUMapMode, ...) as globals,
  // as in a browser.
  for (const [k, v] of Object.entries(dawn.globals)) {
    if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true })
  }
  const gpu = dawn.create([])
  const adapters: Probe['adapters'] = []
  const seen = new Set<string>()
  // Dawn answers one adapter per request; asking with each preference (and for the fallback)
  // is how the others show up on a laptop with two GPUs or a machine with only lavapipe.
  const requests: GPURequestAdapterOptions[] = [
    { powerPreference: 'high-performance' },
    { powerPreference: 'low-power' },
    { forceFallbackAdapter: true }
  ]
  for (const options of requests) {
    const adapter = await gpu.requestAdapter(options).catch(() => null)
    if (!adapter) continue
    const info = adapter.info
    const summary: GpuAdapterSummary = {
      vendor: info.vendor || 'unknown',
      architecture: info.architecture || 'unknown',
      device: info.device || '',
      description: info.description || '',
      software: isSoftwareAdapter({
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
        isFallbackAdapter: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter
      })
    }
    const key = [summary.vendor, summary.architecture, summary.device, summary.description].join('|')
    if (seen.has(key)) continue
    seen.add(key)
    adapters.push({ adapter, summary })
  }
  return { gpu, adapters, note: adapters.length === 0 ? noAdapterNote() : undefined }
}

/** The process-wide probe; an injected importer (tests) gets a fresh, uncached one. */
function getProbe(importDawn?: DawnImporter): Promise<Probe> {
  if (importDawn) return runProbe(importDawn)
  probe ??= runProbe(defaultDawnImporter)
  return probe
}

/** Lists the WebGPU adapters Dawn finds here, or why there are none (for doctor and About). */
export async function listGpuAdapters(importDawn?: DawnImporter): Promise<GpuAdapterReport> {
  const p = await getProbe(importDawn)
  return { adapters: p.adapters.map((a) => a.summary), note: p.note }
}

/** The adapter the webgpu backend runs on, once loaded. */
let activeAdapter: GpuAdapterSummary | undefined
/** The adapter our `webgpu` factory was registered with. */
let registeredOn: GPUAdapter | undefined

export function activeGpuAdapter(): GpuAdapterSummary | undefined {
  return activeAdapter
}

/**
 * Registers and activates tfjs's `webgpu` backend on the first hardware adapter, or on a
 * software one when `allowSoftware` (an explicit `--backend webgpu`). Throws with the reason a
 * user can act on otherwise.
 */
export async function loadWebGpu(
  allowSoftware: boolean,
  importDawn?: DawnImporter
): Promise<GpuAdapterSummary> {
  const p = await getProbe(importDawn)
  if (!p.gpu || p.adapters.length === 0) throw new Error(p.note ?? 'no WebGPU adapter')
  const hardware = p.adapters.find((a) => !a.summary.software)
  const chosen = hardware ?? (allowSoftware ? p.adapters[0] : undefined)
  if (!chosen) {
    const names = p.adapters.map((a) => a.summary.description || a.summary.device).join(', ')
    throw new Error(
      `only software WebGPU adapters found (${names}); they are slower than wasm, so auto skips them: pass --backend webgpu to use one anyway`
    )
  }
  const gpu = p.gpu
  // tfjs-backend-webgpu registers its own factory on import when navigator.gpu exists; ours is
  // registered afterwards under the same name, so the adapter is the one chosen here.
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU }
  if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true })
  const { WebGPUBackend } = (await import('@tensorflow/tfjs-backend-webgpu')) as {
    WebGPUBackend: new (device: GPUDevice, info?: GPUAdapterInfo) => tf.KernelBackend
  }
  const adapter = chosen.adapter
  // A WebGPU adapter hands out one device: switching back to webgpu later in this process
  // (doctor, tests, resuming a run) reuses the backend already made on it.
  if (registeredOn === adapter && tf.findBackend('webgpu')) {
    if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to re-activate')
    activeAdapter = chosen.summary
    return chosen.summary
  }
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu')
  const registered = tf.registerBackend('webgpu', async () => {
    // The same device request tfjs makes for itself: the adapter's full limits, so large
    // convolutions are not refused by WebGPU's conservative defaults.
    const limits = adapter.limits
    const features: GPUFeatureName[] = []
    if (adapter.features.has('timestamp-query')) features.push('timestamp-query')
    const device = await adapter.requestDevice({
      requiredFeatures: features,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        // tfjs's AddN binds one storage buffer per input; summing the gradients of a weight used
        // in several places (G's and D's shared layers, Adam's slots) needs more than WebGPU's 8.
        maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage
      }
    })
    return new WebGPUBackend(device, adapter.info)
  })
  if (!registered) throw new Error('could not register the webgpu backend with our adapter')
  registeredOn = adapter
  registerWebGpuTrainingKernels()
  const ok = await tf.setBackend('webgpu')
  if (!ok) throw new Error('the webgpu backend failed to initialise on the adapter Dawn offered')
  activeAdapter = chosen.summary
  return chosen.summary
}

/** GPU buffers in use by the webgpu backend, where it exposes them (leak checks). */
export function gpuBuffersInUse(): number | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined
  const b = tf.backend() as unknown as { bufferManager?: { getNumUsedBuffers?: () => number } }
  return b.bufferManager?.getNumUsedBuffers?.()
}
