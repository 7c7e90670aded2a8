/** `gan-studio doctor`: which compute backend is active, every one tried and why it failed. */
import { BACKEND_CHOICES, type BackendChoice } from '../../../shared/hyperparams'
import { loadBackend } from '../../engine/backend'
import { physicalCoreCount } from '../../engine/thread-count'
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
  if (variant.endsWith('tfjs-node'))
    return 'reinstall on a machine that can reach the TensorFlow download host: npm install @tensorflow/tfjs-node'
  return ''
}

export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS)
  if (flags.help) {
    io.stdout('Usage: gan-studio doctor [--json] [--backend auto|tensorflow|wasm|cpu] [--threads N]\n')
    return 0
  }
  const report = await loadBackend(
    (flags.backend ?? 'auto') as BackendChoice,
    undefined,
    threadsFlag(flags.threads)
  )
  if (flags.json) {
    io.stdout(JSON.stringify(report, null, 2) + '\n')
    return 0
  }
  const lines = [
    `Active backend: ${report.active} (${report.variant})`,
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
