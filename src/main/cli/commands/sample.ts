/**
 * `gan-studio sample --checkpoint <dir> --seeds 1-64 --grid 8 --scale 4 --out grid.png`: a PNG grid
 * of the generator's images for explicit seeds, with provenance (run, checkpoint, step, seeds,
 * latents, truncation, app version) in its text chunks.
 */
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { BACKEND_CHOICES, type BackendChoice } from '../../../shared/hyperparams'
import { InferenceEngine, type ModelRef } from '../../engine/explorer/inference'
import { THREADS_FLAG, threadsFlag } from '../threads-flag'
import { CheckpointNotFoundError, resolveCheckpoint } from '../../engine/explorer/checkpoint-source'
import { latentsForSeeds, parseSeeds } from '../../engine/explorer/latent'
import { UsageError, flagHelp, parseArgs, type FlagSpec, type ParsedFlags } from '../args'
import type { CliIo } from '../io'

// Shared with `interpolate` and `export-model` (they import these from here).

/** Flags every explorer command takes. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  checkpoint: { type: 'string', help: 'checkpoint folder, or a run folder (its newest complete checkpoint)' },
  'no-ema': { type: 'bool', help: 'use the raw generator weights even when the checkpoint has EMA weights' },
  backend: {
    type: 'enum',
    values: BACKEND_CHOICES,
    help: `compute backend: ${BACKEND_CHOICES.join(', ')} (default auto)`
  },
  threads: THREADS_FLAG,
  json: { type: 'bool', help: 'print one JSON object on stdout' },
  help: { type: 'bool', help: 'show this help' }
}

/** Resolves --checkpoint into a verified checkpoint; bad input is a UsageError (exit 2). */
export async function openModel(flags: ParsedFlags): Promise<{ engine: InferenceEngine; ref: ModelRef }> {
  const dir = flags.checkpoint
  if (typeof dir !== 'string' || dir === '')
    throw new UsageError('--checkpoint: give a checkpoint folder or a run folder')
  const abs = path.resolve(dir)
  if (!existsSync(abs)) throw new UsageError(`--checkpoint: ${dir} does not exist`)
  // Verify before loading the backend so a wrong folder answers at once.
  const resolved = await resolveCheckpoint(abs).catch((err: unknown) => {
    if (err instanceof CheckpointNotFoundError) throw new UsageError(`--checkpoint: ${err.message}`)
    throw Object.assign(new Error(`Cannot read checkpoint ${dir}: ${(err as Error).message}`), {
      exitCode: 1
    })
  })
  const engine = new InferenceEngine((flags.backend ?? 'auto') as BackendChoice, threadsFlag(flags.threads))
  return { engine, ref: { checkpointDir: resolved.checkpoint.dir, ema: !flags['no-ema'] } }
}

/** --out as an absolute path, required. */
export function outPath(flags: ParsedFlags, flag = 'out', example = 'grid.png'): string {
  const v = flags[flag]
  if (typeof v !== 'string' || v === '')
    throw new UsageError(`--${flag}: give an output file, e.g. --${flag} ${example}`)
  return path.resolve(v)
}

const FLAGS: Record<string, FlagSpec> = {
  seeds: { type: 'string', help: 'seeds: 7, 1-64 or 1,2,10-12 (default 1-64)' },
  grid: { type: 'int', min: 1, max: 64, help: 'columns of the grid (default 8)' },
  scale: { type: 'int', min: 1, max: 8, help: 'pixel scale, nearest-neighbour (default 1)' },
  truncation: {
    type: 'number',
    min: 0,
    max: 4,
    help: 'truncation ψ: scale latents towards zero (default 1 = off)'
  },
  out: { type: 'string', help: 'output PNG file' },
  ...COMMON_FLAGS
}

export async function sampleCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS)
  if (flags.help) {
    io.stdout(
      `Usage: gan-studio sample --checkpoint <dir> [--seeds 1-64] [--grid 8] [--scale 4] --out grid.png\n\n${flagHelp(FLAGS)}\n`
    )
    return 0
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  let seeds: number[]
  try {
    seeds = parseSeeds(typeof flags.seeds === 'string' ? flags.seeds : '1-64')
  } catch (err) {
    throw new UsageError(`--seeds: ${(err as Error).message}`)
  }
  if (seeds.length > 1024)
    throw new UsageError(`--seeds: at most 1024 images in one grid, but got ${seeds.length}`)
  const out = outPath(flags)
  const { engine, ref } = await openModel(flags)
  const info = await engine.info(ref)
  const columns = Math.min((flags.grid as number | undefined) ?? 8, seeds.length)
  const scale = (flags.scale as number | undefined) ?? 1
  const truncation = (flags.truncation as number | undefined) ?? 1
  const png = await engine.gridPng(ref, latentsForSeeds(seeds, info.latentDim), {
    truncation,
    columns,
    scale,
    provenance: { kind: seeds.length === 1 ? 'image' : 'grid', seeds }
  })
  await fs.mkdir(path.dirname(out), { recursive: true })
  await fs.writeFile(out, png)
  const summary = {
    event: 'written',
    file: out,
    bytes: png.length,
    images: seeds.length,
    columns,
    scale,
    truncation,
    runId: info.runId,
    checkpoint: info.checkpoint,
    step: info.step,
    ema: info.ema
  }
  io.stdout(
    flags.json
      ? JSON.stringify(summary) + '\n'
      : `Wrote ${seeds.length} image${seeds.length > 1 ? 's' : ''} (${columns} columns, ×${scale}) from ${info.checkpoint} (step ${info.step}${info.ema ? ', EMA' : ''}) to ${out}\n`
  )
  return 0
}
