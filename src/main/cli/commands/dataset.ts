/**
 * `gan-studio dataset import|list|report|remove`: the dataset service from a terminal. Human
 * output by default (a progress bar on a TTY, on stderr), one JSON object per line with --json.
 * Exit codes: 0 done, 2 bad input (nothing written), 1 anything else, 130 interrupted.
 */
import path from 'node:path'
import { StudioError } from '../../../shared/errors'
import type { DatasetInfo } from '../../../shared/domain'
import { DatasetService } from '../../services/datasets/service'
import { IMPORT_FITS, IMPORT_SIZES, type ImportOptions } from '../../services/datasets/options'
import type { HealthReport } from '../../services/datasets/report'
import { flagHelp, parseArgs, resolveDataDir, UsageError, type FlagSpec, type ParsedFlags } from '../args'
import type { CliIo } from '../io'
import { ProgressBar } from '../progress'

const COMMON: Record<string, FlagSpec> = {
  json: { type: 'bool', help: 'one JSON object per line instead of text' },
  'data-dir': { type: 'string', help: 'data folder (default: $GAN_STUDIO_HOME or ~/.gan-studio)' },
  help: { type: 'bool', help: 'show this help' }
}

const IMPORT_FLAGS: Record<string, FlagSpec> = {
  name: { type: 'string', help: "dataset name: letters, digits, '.', '-', '_' (required)" },
  size: {
    type: 'enum',
    values: IMPORT_SIZES.map(String),
    help: 'image size in px: 28, 32, 64 or 128 (default 64)'
  },
  channels: { type: 'enum', values: ['1', '3'], help: '1 = grey, 3 = RGB (default 3)' },
  fit: { type: 'enum', values: IMPORT_FITS, help: 'crop (centre), letterbox or stretch (default crop)' },
  'pad-color': { type: 'string', help: 'letterbox bar colour #rrggbb (default #000000)' },
  background: { type: 'string', help: 'colour transparency is flattened on, #rrggbb (default #ffffff)' },
  labels: {
    type: 'enum',
    values: ['folders', 'none'],
    help: 'folders = class from the first sub-folder name (default none)'
  },
  'max-pixels': { type: 'int', min: 1, help: 'skip images with more pixels than this (default 100000000)' },
  'max-file-mb': {
    type: 'number',
    min: 0,
    exclusiveMin: true,
    help: 'skip files larger than this many MB (default 50)'
  },
  ...COMMON
}

const USAGE = `Usage:
  gan-studio dataset import <folder|images-idx3-ubyte[.gz]> --name <name> [options]
  gan-studio dataset list [--json]
  gan-studio dataset report <name> [--json]
  gan-studio dataset remove <name>

Import options:
${flagHelp(IMPORT_FLAGS)}`

const HEX = /^#[0-9a-f]{6}$/i

/** Runs `gan-studio dataset ...`; `argv` is what follows `dataset` (a leading `dataset` is accepted too). Returns the exit code. */
export async function datasetCommand(argv: string[], io: CliIo): Promise<number> {
  const args = argv[0] === 'dataset' ? argv.slice(1) : argv
  const sub = args[0]
  const rest = args.slice(1)
  const json = rest.includes('--json')
  try {
    switch (sub) {
      case 'import':
        return await importCmd(rest, io)
      case 'list':
        return await listCmd(rest, io)
      case 'report':
        return await reportCmd(rest, io)
      case 'remove':
        return await removeCmd(rest, io)
      case undefined:
      case 'help':
      case '--help':
        io.stdout(`${USAGE}\n`)
        return sub === undefined ? 2 : 0
      default:
        throw new UsageError(`unknown dataset command '${sub}'; use one of: import, list, report, remove`)
    }
  } catch (err) {
    return fail(err, io, json)
  }
}

function fail(err: unknown, io: CliIo, json: boolean): number {
  const message = err instanceof Error ? err.message : String(err)
  const code =
    err instanceof StudioError ? err.code : err instanceof UsageError ? 'invalid-input' : 'internal'
  const exit =
    code === 'cancelled'
      ? 130
      : err instanceof UsageError || code === 'invalid-input' || code === 'not-found' || code === 'conflict'
        ? 2
        : 1
  if (json) io.stdout(`${JSON.stringify({ event: 'error', code, message })}\n`)
  io.stderr(`gan-studio dataset: ${message}\n`)
  return exit
}

function one(positionals: string[], what: string, command: string): string {
  if (positionals.length === 0) throw new UsageError(`${command}: missing ${what}`)
  if (positionals.length > 1)
    throw new UsageError(
      `${command}: expected one ${what}, but got ${positionals.length}: ${positionals.join(' ')}`
    )
  return positionals[0]!
}

function optionsFrom(flags: ParsedFlags): Partial<ImportOptions> {
  for (const f of ['pad-color', 'background'] as const) {
    const v = flags[f]
    if (v !== undefined && (typeof v !== 'string' || !HEX.test(v)))
      throw new UsageError(`--${f}: expected a colour like #000000, but got '${String(v)}'`)
  }
  return {
    size: flags.size !== undefined ? (Number(flags.size) as ImportOptions['size']) : undefined,
    channels: flags.channels !== undefined ? (Number(flags.channels) as 1 | 3) : undefined,
    fit: flags.fit as ImportOptions['fit'] | undefined,
    padColor: flags['pad-color'] as string | undefined,
    background: flags.background as string | undefined,
    labels: flags.labels as ImportOptions['labels'] | undefined,
    maxPixels: flags['max-pixels'] as number | undefined,
    maxFileBytes:
      flags['max-file-mb'] !== undefined
        ? Math.round((flags['max-file-mb'] as number) * 1024 * 1024)
        : undefined
  }
}

async function importCmd(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, IMPORT_FLAGS)
  if (flags.help) {
    io.stdout(`${USAGE}\n`)
    return 0
  }
  const source = one(positionals, 'folder or IDX file', 'dataset import')
  if (typeof flags.name !== 'string')
    throw new UsageError(
      "dataset import: --name is required (letters, digits, '.', '-', '_'), e.g. --name cats"
    )
  const json = flags.json === true
  const service = new DatasetService(resolveDataDir(flags['data-dir'], io.env))
  const bar = io.isTTY && !json ? new ProgressBar(io.stderr) : undefined
  const started = Date.now()
  let lastJson = 0
  const controller = new AbortController()
  const onSigint = (): void => controller.abort()
  process.once('SIGINT', onSigint)
  try {
    const handle = service.startImport(
      { source: path.resolve(source), name: flags.name, options: optionsFrom(flags) },
      (p) => {
        if (p.phase === 'done' || p.phase === 'failed' || p.phase === 'cancelled') return
        if (json) {
          const now = Date.now()
          if (p.done !== p.total && now - lastJson < 100) return
          lastJson = now
          io.stdout(
            `${JSON.stringify({ event: 'progress', phase: p.phase, done: p.done, total: p.total, ...(p.message ? { current: p.message } : {}) })}\n`
          )
        } else if (bar && p.phase === 'decoding' && p.total > 0) {
          const elapsed = (Date.now() - started) / 1000
          const eta = p.done > 0 ? (elapsed / p.done) * (p.total - p.done) : NaN
          bar.update(p.done, p.total, 'files', eta)
        }
      },
      controller.signal
    )
    let result
    try {
      result = await handle.done
    } finally {
      bar?.done()
    }
    const r = result.report
    if (json) {
      io.stdout(
        `${JSON.stringify({
          event: 'done',
          dataset: {
            id: result.index.id,
            count: result.index.count,
            shape: result.index.shape,
            labels: result.index.labelNames,
            fingerprint: result.index.fingerprint
          },
          counts: r.counts,
          decoded: result.decoded,
          reused: result.reused,
          warnings: r.warnings
        })}\n`
      )
    } else {
      const [h, w, c] = result.index.shape
      io.stdout(
        `Imported '${result.index.id}': ${result.index.count} images ${h}x${w}x${c}` +
          `${result.index.labelNames.length ? `, ${result.index.labelNames.length} classes` : ''}` +
          ` (${r.counts.found} files found, ${r.counts.skipped} skipped; ${result.decoded} decoded, ${result.reused} unchanged since the last import)\n`
      )
      for (const warning of r.warnings) io.stdout(`  ! ${warning}\n`)
      io.stdout(`Details: gan-studio dataset report ${result.index.id}\n`)
    }
    return 0
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
}

async function listCmd(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, COMMON)
  if (positionals.length > 0)
    throw new UsageError(`dataset list: takes no arguments, but got ${positionals.join(' ')}`)
  const list = await new DatasetService(resolveDataDir(flags['data-dir'], io.env)).list()
  if (flags.json) {
    io.stdout(`${JSON.stringify(list)}\n`)
    return 0
  }
  const rows = list.map((d: DatasetInfo) => [
    d.id,
    String(d.count),
    d.shape.join('x'),
    d.labels.length ? String(d.labels.length) : '-',
    d.builtin ? 'built-in' : (d.source ?? '')
  ])
  io.stdout(table([['NAME', 'IMAGES', 'SHAPE', 'CLASSES', 'SOURCE'], ...rows]))
  return 0
}

async function reportCmd(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, COMMON)
  const name = one(positionals, 'dataset name', 'dataset report')
  const report = await new DatasetService(resolveDataDir(flags['data-dir'], io.env)).report(name)
  if (flags.json) {
    io.stdout(`${JSON.stringify(report)}\n`)
    return 0
  }
  io.stdout(formatReport(report))
  return 0
}

async function removeCmd(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, COMMON)
  const name = one(positionals, 'dataset name', 'dataset remove')
  await new DatasetService(resolveDataDir(flags['data-dir'], io.env)).remove(name)
  if (flags.json) io.stdout(`${JSON.stringify({ event: 'removed', id: name })}\n`)
  else io.stdout(`Removed dataset '${name}'.\n`)
  return 0
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  return (
    rows
      .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '))
      .join('\n') + '\n'
  )
}

/** The report as text for a terminal. */
export function formatReport(r: HealthReport): string {
  const out: string[] = []
  const counts = r.counts
  out.push(`Dataset '${r.id}' from ${r.source}: ${r.count} images ${r.shape.join('x')}`)
  if (counts) out.push(`Files: ${counts.found} found, ${counts.imported} imported, ${counts.skipped} skipped`)
  if (r.classBalance.length)
    out.push(`Classes: ${r.classBalance.map((c) => `${c.label} ${c.count}`).join(', ')}`)
  if (r.sizeHistogram?.length)
    out.push(
      `Source sizes (longest side): ${r.sizeHistogram.map((b) => `${b.bucket} ${b.count}`).join(', ')}`
    )
  if (r.aspectHistogram?.length)
    out.push(
      `Aspect ratios: ${r.aspectHistogram
        .filter((b) => b.count > 0)
        .map((b) => `${b.bucket} ${b.count}`)
        .join(', ')}`
    )
  if (r.fit)
    out.push(
      `Fit: ${r.fit.unchanged} already square, ${r.fit.cropped} cropped, ${r.fit.padded} padded, ${r.fit.stretched} stretched, ${r.fit.upscaled} enlarged`
    )
  if (r.duplicates.length) {
    out.push(`Exact duplicates (${r.exactDuplicateCount ?? r.duplicates.length}):`)
    for (const g of r.duplicates.slice(0, 20)) out.push(`  ${g.join('  =  ')}`)
  }
  if (r.nearDuplicateGroups?.length) {
    out.push(`Near duplicates (${r.nearDuplicatesPartial ? 'at least ' : ''}${r.nearDuplicateCount}):`)
    for (const g of r.nearDuplicateGroups.slice(0, 20)) out.push(`  ${g.join('  ~  ')}`)
  }
  if (r.skipped.length) {
    out.push(`Skipped (${r.skipped.length}):`)
    for (const s of r.skipped.slice(0, 100)) out.push(`  ${s.file}: ${s.reason}`)
    if (r.skipped.length > 100) out.push(`  ... and ${r.skipped.length - 100} more (--json lists all)`)
  }
  if (r.notes.length) {
    out.push('Warnings:')
    for (const w of r.notes) out.push(`  ! ${w}`)
  }
  return out.join('\n') + '\n'
}
