/**
 * `gan-studio`: the engine without a window. Dispatches to one module per command; usage errors
 * print one line and exit 2, other failures one line and exit 1 — never a stack trace.
 */
import { toWireError } from '../../shared/errors'
import { APP_VERSION } from '../version'
import { UsageError } from './args'
import { processIo, type CliIo } from './io'

type Command = (argv: string[], io: CliIo) => Promise<number>

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  train: {
    summary: 'train a GAN (new, --resume, or --from a checkpoint)',
    load: async () => (await import('./commands/train')).trainCommand
  },
  doctor: {
    summary: 'show the compute backend and why others are unavailable',
    load: async () => (await import('./commands/doctor')).doctorCommand
  },
  runs: { summary: 'list runs', load: async () => (await import('./commands/runs')).runsCommand },
  inspect: {
    summary: 'verify a checkpoint and print its tensors and digest',
    load: async () => (await import('./commands/inspect')).inspectCommand
  },
  dataset: {
    summary: 'import, list, report on and remove datasets',
    load: async () => (await import('./commands/dataset')).datasetCommand
  },
  serve: {
    summary: 'serve the studio to a browser',
    load: async () => (await import('./commands/serve')).serveCommand
  },
  sample: {
    summary: 'render a PNG grid of images for seeds from a checkpoint',
    load: async () => (await import('./commands/sample')).sampleCommand
  },
  interpolate: {
    summary: 'render a strip (and GIF) between two seeds',
    load: async () => (await import('./commands/interpolate')).interpolateCommand
  },
  'export-model': {
    summary: 'export the generator as a TensorFlow.js model',
    load: async () => (await import('./commands/export-model')).exportModelCommand
  }
}

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(12)} ${c.summary}`)
  return `GAN Studio ${APP_VERSION}: train GANs, watch them learn, explore what they learned.

Usage: gan-studio <command> [flags]   (gan-studio <command> --help for its flags)

${rows.join('\n')}
`
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage())
    return name ? 0 : 2
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${APP_VERSION}\n`)
    return 0
  }
  const cmd = COMMANDS[name]
  if (!cmd) {
    io.stderr(`gan-studio: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}\n`)
    return 2
  }
  try {
    return await (
      await cmd.load()
    )(rest, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`gan-studio ${name}: ${err.message}\n`)
      return 2
    }
    const wire = toWireError(err)
    io.stderr(`gan-studio ${name}: ${wire.message}\n`)
    if (process.env.GAN_STUDIO_DEBUG && err instanceof Error) io.stderr(`${err.stack ?? ''}\n`)
    const exit = (err as { exitCode?: number }).exitCode
    return typeof exit === 'number' ? exit : wire.code === 'invalid-input' ? 2 : 1
  }
}
