/**
 * `gan-studio interpolate --checkpoint <dir> --from-seed 1 --to-seed 2 --steps 16 --mode slerp
 * --out strip.png [--gif anim.gif --fps 12]`: a strip of images along the path between two seeds'
 * latents (and optionally the same frames as a looping GIF), with the interpolation parameters in
 * the PNG's text chunks.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { interpolatePath, latentsForSeeds, type InterpolationMode } from '../../engine/explorer/latent'
import { UsageError, flagHelp, parseArgs, type FlagSpec } from '../args'
import type { CliIo } from '../io'
import { COMMON_FLAGS, openModel, outPath } from './sample'

const FLAGS: Record<string, FlagSpec> = {
  'from-seed': { type: 'int', min: 0, max: 2 ** 31 - 1, help: 'seed of the first latent' },
  'to-seed': { type: 'int', min: 0, max: 2 ** 31 - 1, help: 'seed of the last latent' },
  steps: { type: 'int', min: 2, max: 240, help: 'images along the path, endpoints included (default 16)' },
  mode: { type: 'enum', values: ['slerp', 'lerp'], help: 'slerp (spherical, default) or lerp (linear)' },
  truncation: { type: 'number', min: 0, max: 4, help: 'truncation ψ (default 1 = off)' },
  scale: { type: 'int', min: 1, max: 8, help: 'pixel scale, nearest-neighbour (default 2)' },
  out: { type: 'string', help: 'output strip PNG' },
  gif: { type: 'string', help: 'also write the frames as an animated GIF' },
  fps: { type: 'int', min: 1, max: 50, help: 'GIF frames per second (default 12)' },
  ...COMMON_FLAGS
}

export async function interpolateCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS)
  if (flags.help) {
    io.stdout(
      `Usage: gan-studio interpolate --checkpoint <dir> --from-seed 1 --to-seed 2 [--steps 16] [--mode slerp|lerp] --out strip.png [--gif anim.gif --fps 12]\n\n${flagHelp(FLAGS)}\n`
    )
    return 0
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const from = flags['from-seed'] as number | undefined
  const to = flags['to-seed'] as number | undefined
  if (from === undefined || to === undefined) throw new UsageError('give both --from-seed and --to-seed')
  const steps = (flags.steps as number | undefined) ?? 16
  const mode: InterpolationMode = flags.mode === 'lerp' ? 'linear' : 'slerp'
  const out = outPath(flags, 'out', 'strip.png')
  const gifOut = typeof flags.gif === 'string' && flags.gif !== '' ? path.resolve(flags.gif) : undefined
  if (flags.fps !== undefined && !gifOut) throw new UsageError('--fps applies to --gif; add --gif anim.gif')
  const { engine, ref } = await openModel(flags)
  const info = await engine.info(ref)
  const [a, b] = latentsForSeeds([from, to], info.latentDim) as [Float32Array, Float32Array]
  const frames = interpolatePath(a, b, steps, mode)
  const truncation = (flags.truncation as number | undefined) ?? 1
  const scale = (flags.scale as number | undefined) ?? 2
  const png = await engine.gridPng(ref, frames, {
    truncation,
    columns: steps,
    scale,
    provenance: {
      kind: 'strip',
      seeds: [from, to],
      latents: [a, b],
      interpolation: { mode, steps, fromSeed: from, toSeed: to }
    }
  })
  await fs.mkdir(path.dirname(out), { recursive: true })
  await fs.writeFile(out, png)
  let gifBytes = 0
  const fps = (flags.fps as number | undefined) ?? 12
  if (gifOut) {
    const gif = await engine.gif(ref, frames, { truncation, fps, scale })
    await fs.mkdir(path.dirname(gifOut), { recursive: true })
    await fs.writeFile(gifOut, gif)
    gifBytes = gif.length
  }
  if (flags.json) {
    io.stdout(
      JSON.stringify({
        event: 'written',
        file: out,
        bytes: png.length,
        ...(gifOut ? { gif: gifOut, gifBytes, fps } : {}),
        steps,
        mode,
        truncation,
        runId: info.runId,
        checkpoint: info.checkpoint,
        step: info.step
      }) + '\n'
    )
  } else {
    io.stdout(
      `Wrote a ${steps}-step ${mode} strip from seed ${from} to seed ${to} (${info.checkpoint}, step ${info.step}) to ${out}${gifOut ? `\nWrote the ${steps}-frame GIF at ${fps} fps to ${gifOut}` : ''}\n`
    )
  }
  return 0
}
