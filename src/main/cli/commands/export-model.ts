/**
 * `gan-studio export-model --checkpoint <dir> --out <folder>`: the generator (EMA weights when the
 * checkpoint has them) as a TensorFlow.js Layers model (model.json + weights) with a README that
 * shows how to load it with plain `@tensorflow/tfjs`.
 */
import path from 'node:path'
import { UsageError, flagHelp, parseArgs, type FlagSpec } from '../args'
import type { CliIo } from '../io'
import { COMMON_FLAGS, openModel } from './sample'

const FLAGS: Record<string, FlagSpec> = {
  out: { type: 'string', help: 'output folder (created; files in it are overwritten)' },
  ...COMMON_FLAGS
}

export async function exportModelCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS)
  if (flags.help) {
    io.stdout(`Usage: gan-studio export-model --checkpoint <dir> --out <folder>\n\n${flagHelp(FLAGS)}\n`)
    return 0
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  if (typeof flags.out !== 'string' || flags.out === '')
    throw new UsageError('--out: give an output folder, e.g. --out my-generator')
  const out = path.resolve(flags.out)
  const { engine, ref } = await openModel(flags)
  const info = await engine.info(ref)
  const r = await engine.exportModel(ref, out)
  if (flags.json)
    io.stdout(
      JSON.stringify({
        event: 'exported',
        dir: r.dir,
        files: r.files,
        bytes: r.bytes,
        runId: info.runId,
        checkpoint: info.checkpoint,
        step: info.step,
        ema: info.ema
      }) + '\n'
    )
  else
    io.stdout(
      `Exported the generator of ${info.checkpoint} (step ${info.step}, ${info.ema ? 'EMA' : 'raw'} weights) to ${out}: ${r.files.join(', ')}\nLoad it with tf.loadLayersModel — see README.md there.\n`
    )
  return 0
}
