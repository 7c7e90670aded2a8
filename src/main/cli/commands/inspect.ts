/**
 * `gan-studio inspect <checkpointDir>`: step, config, backend, files with sizes and hashes, a
 * SHA-256 per tensor and one digest over all tensors in name order, so two checkpoints can be
 * compared for bit-identical weights and optimizer state.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import { TENSOR_GROUPS } from '../../engine/checkpoint/format'
import { readBest } from '../../engine/checkpoint/best'
import { readCheckpoint, type LoadedCheckpoint } from '../../engine/checkpoint/reader'
import { readMetrics, readRunRecord } from '../../engine/runs/store'
import type { QualityScore } from '../../../shared/domain'
import { UsageError, parseArgs, type FlagSpec } from '../args'
import type { CliIo } from '../io'
import { formatFd } from '../progress'

const FLAGS: Record<string, FlagSpec> = {
  json: { type: 'bool', help: 'print JSON' },
  help: { type: 'bool', help: 'show this help' }
}

export interface TensorDigests {
  tensors: Array<{ name: string; shape: number[]; sha256: string }>
  digest: string
}

/** Per-tensor SHA-256 (of the float32 bytes) and one digest over `name:sha` lines in name order. */
export function tensorDigests(ckpt: LoadedCheckpoint): TensorDigests {
  const tensors: TensorDigests['tensors'] = []
  for (const g of TENSOR_GROUPS) {
    for (const t of ckpt.tensors[g] ?? []) {
      const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength)
      tensors.push({
        name: `${g}/${t.name}`,
        shape: t.shape,
        sha256: createHash('sha256').update(bytes).digest('hex')
      })
    }
  }
  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const digest = createHash('sha256')
    .update(tensors.map((t) => `${t.name}:${t.sha256}\n`).join(''))
    .digest('hex')
  return { tensors, digest }
}

export async function inspectCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS)
  if (flags.help || positionals.length === 0) {
    if (!flags.help)
      throw new UsageError(
        'inspect: give a checkpoint folder, e.g. gan-studio inspect runs/<id>/checkpoints/ckpt-000500'
      )
    io.stdout('Usage: gan-studio inspect <checkpointDir> [--json]\n')
    return 0
  }
  const dir = path.resolve(positionals[0] as string)
  const ckpt = await readCheckpoint(dir).catch((err: Error) => {
    throw Object.assign(new Error(`Cannot read checkpoint ${dir}: ${err.message}`), { exitCode: 1 })
  })
  const { tensors, digest } = tensorDigests(ckpt)
  const s = ckpt.state
  // The checkpoint's score, when the run scored that step (<run>/checkpoints/<ckpt>).
  const runDir = path.dirname(path.dirname(dir))
  const metrics = await readMetrics(runDir, -1).catch(() => [])
  const quality: QualityScore | undefined = metrics.find((m) => m.quality?.step === s.step)?.quality
  const best = await readBest(path.dirname(dir))
  const isBest = best?.name === ckpt.name
  const unavailable = (await readRunRecord(runDir).catch(() => undefined))?.quality?.unavailable
  if (flags.json) {
    io.stdout(
      JSON.stringify({
        dir,
        step: s.step,
        epoch: s.cursor.epoch,
        backend: s.backend,
        appVersion: s.appVersion,
        tfjsVersion: s.tfjsVersion,
        dataset: s.dataset,
        config: s.config,
        quality: quality ?? null,
        best: isBest,
        files: ckpt.manifest.files,
        tensors,
        digest
      }) + '\n'
    )
    return 0
  }
  const lines = [
    `Checkpoint ${ckpt.name}  (verified: every file matches its manifest)`,
    `Step ${s.step}, epoch ${s.cursor.epoch}, saved ${s.time} on ${s.backend} (GAN Studio ${s.appVersion}, tfjs ${s.tfjsVersion})`,
    `Dataset ${s.dataset.id} (${s.dataset.fingerprint.slice(0, 16)}…)`,
    `GAN Studio FD ${quality ? `${formatFd(quality.fd)}, class coverage ${(quality.classCoverage * 100).toFixed(0)} %` : (unavailable ?? 'not scored at this step')}${isBest ? ' (the best checkpoint of its run)' : best ? ` (best of the run: ${formatFd(best.fd)} at ${best.name})` : ''}`,
    `Config ${JSON.stringify(s.config)}`,
    '',
    'Files:'
  ]
  for (const [f, e] of Object.entries(ckpt.manifest.files))
    lines.push(`  ${f.padEnd(28)} ${String(e.size).padStart(10)}  ${e.sha256}`)
  lines.push('', 'Tensors:')
  for (const t of tensors)
    lines.push(`  ${t.name.padEnd(48)} [${t.shape.join(',')}]  ${t.sha256.slice(0, 16)}`)
  lines.push('', `digest ${digest}`)
  io.stdout(lines.join('\n') + '\n')
  return 0
}
