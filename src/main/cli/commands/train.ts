/**
 * `gan-studio train`: a new run, `--resume <runDir>` to continue one, or `--from <checkpoint>` to
 * branch. Progress bar on a TTY, JSON lines with --json. SIGINT/SIGTERM pause with a checkpoint.
 */
import path from 'node:path'
import { StudioError } from '../../../shared/errors'
import { BACKEND_CHOICES, type BackendChoice } from '../../../shared/hyperparams'
import { loadBackend } from '../../engine/backend'
import { listDatasets } from '../../engine/data/datasets'
import { openSession } from '../../engine/session'
import type { SessionMode } from '../../engine/session-types'
import { newRunDirProblem, newRunId, runsDir } from '../../engine/runs/store'
import { UsageError, flagHelp, parseArgs, resolveDataDir, type FlagSpec } from '../args'
import { HYPERPARAM_FLAGS, hyperparamsFromFlags } from '../hyperparam-flags'
import type { CliIo } from '../io'
import { THREADS_FLAG, threadsFlag } from '../threads-flag'
import { ProgressBar, formatDuration, formatFd } from '../progress'

/** The hyperparameter flags (from the schema), then the command's own. */
export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  ...HYPERPARAM_FLAGS,
  out: { type: 'string', help: 'run folder (default <data-dir>/runs/<new id>)' },
  name: { type: 'string', help: 'run name shown in the studio' },
  resume: { type: 'string', help: 'continue the run in this folder from its latest checkpoint' },
  from: { type: 'string', help: 'branch a new run (--out) from this checkpoint folder' },
  force: { type: 'bool', help: 'resume/branch even if the dataset or model differs' },
  backend: {
    type: 'enum',
    values: BACKEND_CHOICES,
    help: `compute backend: ${BACKEND_CHOICES.join(', ')} (default auto)`
  },
  threads: THREADS_FLAG,
  'data-dir': { type: 'string', help: 'data folder (default $GAN_STUDIO_HOME or ~/.gan-studio)' },
  json: { type: 'bool', help: 'one JSON object per line on stdout' },
  help: { type: 'bool', help: 'show this help' }
}

export const TRAIN_HELP = `Usage: gan-studio train [flags]
       gan-studio train --resume <runDir> [--steps <total>]
       gan-studio train --from <checkpointDir> --out <newRunDir>

Trains a GAN and writes run.json, metrics.jsonl, samples/ and checkpoints/ into the run folder.
Ctrl-C pauses after the current step with a checkpoint; --resume continues exactly.

${flagHelp(TRAIN_FLAGS)}
`

export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, TRAIN_FLAGS)
  if (flags.help) {
    io.stdout(TRAIN_HELP)
    return 0
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument '${positionals[0]}'; see gan-studio train --help`)
  if (flags.resume && flags.from)
    throw new UsageError(
      '--resume and --from cannot be combined: resume continues a run, --from branches a new one'
    )
  const dataDir = resolveDataDir(flags['data-dir'], io.env)
  const json = Boolean(flags.json)
  const hp = hyperparamsFromFlags(flags)
  const backend = (flags.backend ?? 'auto') as BackendChoice

  let mode: SessionMode
  let runDir: string
  if (typeof flags.resume === 'string') {
    runDir = path.resolve(flags.resume)
    const { steps, ...rest } = hp
    mode = { kind: 'resume', steps: steps as number | undefined, force: Boolean(flags.force), config: rest }
  } else {
    if (hp.dataset !== undefined) {
      const known = await listDatasets(dataDir)
      if (!known.some((d) => d.id === hp.dataset)) {
        throw new UsageError(
          `--dataset: unknown dataset '${String(hp.dataset)}'; available: ${known.map((d) => d.id).join(', ')} (import one with gan-studio dataset import)`
        )
      }
    }
    runDir = typeof flags.out === 'string' ? path.resolve(flags.out) : path.join(runsDir(dataDir), newRunId())
    const dirProblem = await newRunDirProblem(runDir)
    if (dirProblem) throw new UsageError(`--out: ${dirProblem.message}`)
    const name = typeof flags.name === 'string' ? flags.name : undefined
    mode =
      typeof flags.from === 'string'
        ? { kind: 'branch', from: flags.from, config: hp, name, force: Boolean(flags.force) }
        : { kind: 'new', config: hp, name }
  }

  const threads = threadsFlag(flags.threads)
  const report = await loadBackend(backend, undefined, threads).catch((err: Error) => {
    throw new StudioError('unavailable', err.message)
  })
  const session = await openSession({ dataDir, runDir, mode, backend, threads })
  const emit = (o: Record<string, unknown>): void => {
    if (json) io.stdout(JSON.stringify(o) + '\n')
  }
  const bar = io.isTTY && !json ? new ProgressBar(io.stderr) : undefined
  const total = session.config.steps
  emit({
    event: 'start',
    runDir,
    runId: session.record.id,
    backend: report.active,
    ...(report.wasmThreads ? { threads: report.wasmThreads } : {}),
    step: session.record.step,
    steps: total,
    config: session.config
  })
  if (!json)
    io.stderr(
      `Training ${session.config.model} on ${session.config.dataset} with ${report.active}${report.wasmThreads ? ` (${report.wasmThreads} threads)` : ''} → ${runDir}\n`
    )

  let signals = 0
  const onSignal = (sig: string): void => {
    signals += 1
    if (signals > 1) process.exit(130)
    if (!json)
      io.stderr(`\n${sig}: pausing after this step and saving a checkpoint (press again to quit now)\n`)
    session.pause()
  }
  const onInt = (): void => onSignal('SIGINT')
  const onTerm = (): void => onSignal('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  const started = Date.now()
  let lastLine = 0
  // The latest GAN Studio FD: shown on every progress line once the first score exists.
  let fd = ''
  try {
    const status = await session.run({
      progress: (p) => {
        emit({ event: 'progress', ...p })
        if (p.quality) fd = `FD ${formatFd(p.quality.fd)}`
        if (bar) {
          bar.update(
            p.step,
            p.totalSteps,
            `D ${p.lossD.toFixed(3)} G ${p.lossG.toFixed(3)}${fd ? ` ${fd}` : ''} ${p.imagesPerSec.toFixed(0)} img/s`,
            p.etaSeconds
          )
        } else if (!json && (Date.now() - lastLine > 5000 || p.step === p.totalSteps)) {
          lastLine = Date.now()
          io.stderr(
            `step ${p.step}/${p.totalSteps}  lossD ${p.lossD.toFixed(3)}  lossG ${p.lossG.toFixed(3)}${fd ? `  ${fd}` : ''}  ${p.imagesPerSec.toFixed(1)} img/s  ETA ${formatDuration(p.etaSeconds)}\n`
          )
        }
      },
      sample: (s) => emit({ event: 'sample', step: s.step, path: s.path }),
      event: (e) => {
        if (e.kind === 'checkpoint') emit({ event: 'checkpoint', step: e.step, name: e.message })
        else if (e.kind === 'warning' || e.kind === 'error') {
          emit({ event: e.kind, step: e.step, message: e.message })
          if (!json) io.stderr(`${bar ? '\n' : ''}${e.kind}: ${e.message}\n`)
        }
      }
    })
    bar?.done()
    const seconds = (Date.now() - started) / 1000
    emit({
      event: 'done',
      status,
      step: session.record.step,
      runDir,
      seconds,
      message: session.record.message
    })
    if (!json) {
      io.stderr(
        `${status} at step ${session.record.step} in ${formatDuration(seconds)}${session.record.message ? `: ${session.record.message}` : ''}\n`
      )
      if (status === 'paused') io.stderr(`Continue with: gan-studio train --resume ${runDir}\n`)
    }
    return session.record.message && status === 'paused' && signals === 0 ? 1 : 0
  } finally {
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
    session.dispose()
  }
}
