/** `gan-studio runs`: the runs in the data dir with status, step, dataset and GAN Studio FD. */
import type { RunRecord } from '../../../shared/domain'
import { listRuns } from '../../engine/runs/store'
import { parseArgs, resolveDataDir, type FlagSpec } from '../args'
import type { CliIo } from '../io'
import { formatFd } from '../progress'

/** "12.34 @1200" or the reason there is no score ("no classifier for imported datasets"), or "-". */
function fdCell(r: RunRecord, which: 'best' | 'latest'): string {
  const q = r.quality?.[which]
  if (q) return `${formatFd(q.fd)} @${q.step}`
  return r.quality?.unavailable ?? '-'
}

const FLAGS: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', help: 'data folder' },
  json: { type: 'bool', help: 'print JSON' },
  help: { type: 'bool', help: 'show this help' }
}

export async function runsCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS)
  if (flags.help) {
    io.stdout('Usage: gan-studio runs [--data-dir DIR] [--json]\n')
    return 0
  }
  const dataDir = resolveDataDir(flags['data-dir'], io.env)
  const runs = await listRuns(dataDir)
  if (flags.json) {
    io.stdout(
      JSON.stringify(
        runs.map((r) => ({
          id: r.id,
          name: r.name,
          status: r.status,
          step: r.step,
          steps: r.config.steps,
          dataset: r.dataset.id,
          backend: r.backend,
          created: r.created,
          parent: r.parent,
          quality: r.quality ?? null
        }))
      ) + '\n'
    )
    return 0
  }
  if (runs.length === 0) {
    io.stdout(`No runs in ${dataDir}. Start one with: gan-studio train --dataset mnist\n`)
    return 0
  }
  const rows = [['ID', 'NAME', 'STATUS', 'STEP', 'DATASET', 'BEST FD', 'LATEST FD', 'BACKEND', 'CREATED']]
  for (const r of runs)
    rows.push([
      r.id,
      r.name,
      r.status,
      `${r.step}/${r.config.steps}`,
      r.dataset.id,
      fdCell(r, 'best'),
      r.quality?.unavailable ? '' : fdCell(r, 'latest'),
      r.backend,
      r.created.slice(0, 16).replace('T', ' ')
    ])
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? []
  io.stdout(rows.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n') + '\n')
  return 0
}
