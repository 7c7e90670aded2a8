/** `gan-studio runs`: the runs in the data dir with status, step and dataset. */
import { listRuns } from '../../engine/runs/store'
import { parseArgs, resolveDataDir, type FlagSpec } from '../args'
import type { CliIo } from '../io'

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
          parent: r.parent
        }))
      ) + '\n'
    )
    return 0
  }
  if (runs.length === 0) {
    io.stdout(`No runs in ${dataDir}. Start one with: gan-studio train --dataset mnist\n`)
    return 0
  }
  const rows = [['ID', 'NAME', 'STATUS', 'STEP', 'DATASET', 'BACKEND', 'CREATED']]
  for (const r of runs)
    rows.push([
      r.id,
      r.name,
      r.status,
      `${r.step}/${r.config.steps}`,
      r.dataset.id,
      r.backend,
      r.created.slice(0, 16).replace('T', ' ')
    ])
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? []
  io.stdout(rows.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n') + '\n')
  return 0
}
