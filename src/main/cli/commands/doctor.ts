/** `gan-studio doctor`: which compute backend is active, every one tried and why it failed. */
import { BACKEND_CHOICES, type BackendChoice } from '../../../shared/hyperparams'
import { loadBackend } from '../../engine/backend'
import { physicalCoreCount } from '../../engine/thread-count'
import { listGpuAdapters } from '../../engine/backend-webgpu'
import { describeGpuAdapter, describeGpuAdapters } from '../../../shared/gpu-adapters'
import { parseArgs, type FlagSpec } from '../args'
import type { CliIo } from '../io'
import { THREADS_FLAG, threadsFlag } from '../threads-flag'

const FLAGS: Record<string, FlagSpec> = {
  json: { type: 'bool', help: 'print the report as JSON' },
  backend: { type: 'enum', values: BACKEND_CHOICES, help: 'check only this backend' },
  threads: THREADS_FLAG,
  help: { type: 'bool', help: 'show this help' }
}

/** What to do about a failed backend, in one line. */
function advice(variant: string): string {
  if (variant.endsWith('-gpu'))
    return 'needs Linux/Windows x64, an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1, and an npm install that can download libtensorflow'
  if (variant.endsWith('-webgpu'))
    return 'needs a GPU with a Vulkan (Linux), Direct3D 12 (Windows) or Metal (macOS) driver; a software adapter is used only with --backend webgpu'
  if (variant.endsWith('tfjs-node'))
    return 'reinstall on a machine that can reach the TensorFlow download host: npm install @tensorflow/tfjs-node'
  return ''
}

export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS)
  if (flags.help) {
    io.stdout(`Usage: gan-studio doctor [--json] [--backend ${BACKEND_CHOICES.join('|')}] [--threads N]\n`)
    return 0
  }
  const loaded = await loadBackend(
    (flags.backend ?? 'auto') as BackendChoice,
    undefined,
    threadsFlag(flags.threads)
  )
  // The adapters are listed whichever backend was asked for.
  const report = { ...loaded, gpu: loaded.gpu ?? (await listGpuAdapters()) }
  if (flags.json) {
    io.stdout(JSON.stringify(report, null, 2) + '\n')
    return 0
  }
  const lines = [
    `Active backend: ${report.active} (${report.variant})`,
    ...(report.gpuAdapter ? [`GPU adapter:    ${describeGpuAdapter(report.gpuAdapter)}`] : []),
    `TensorFlow.js:  ${report.tfjsVersion}`,
    `CPU threads:    ${report.cpuThreads} logical, ${physicalCoreCount()} physical`,
    ...(report.wasmThreads
      ? [
          `wasm threads:   ${report.wasmThreads} in use (--threads or the threads setting; 0 = one per physical core)`
        ]
      : []),
    ...(report.threadsProblem ? [`                ${report.threadsProblem}`] : []),
    `Platform:       ${report.platform}, Node ${report.nodeVersion}`,
    '',
    'WebGPU adapters (Dawn):',
    ...describeGpuAdapters(report.gpu).map((l) => `  ${l}`),
    '',
    'Backends tried, in order:'
  ]
  for (const a of report.attempts) {
    lines.push(`  ${a.ok ? '✓' : '✗'} ${a.name.padEnd(10)} ${a.variant}${a.ok ? '  (active)' : ''}`)
    if (!a.ok) {
      lines.push(`      why: ${a.reason}`)
      const fix = advice(a.variant)
      if (fix) lines.push(`      fix: ${fix}`)
    }
  }
  if (report.active !== 'tensorflow') {
    lines.push(
      '',
      `TensorFlow (libtensorflow) is not available here, so training runs on ${report.active}${report.active === 'wasm' ? " with GAN Studio's own fast training kernels" : ''}.`
    )
  }
  io.stdout(lines.join('\n') + '\n')
  return 0
}
