/**
 * Run-folder reads and small writes the service needs beyond the engine's run store: locating a
 * run by id (never outside `<dataDir>/runs`), checkpoint listings with sizes, and marking a run
 * crashed when its trainer process died.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { CheckpointInfo, RunEvent, RunRecord } from '../../shared/domain'
import { StudioError } from '../../shared/errors'
import { idSchema } from '../../shared/contract'
import { RUN_FILES, appendEvents, readRunRecord, runsDir, writeRunRecord } from '../engine/runs/store'
import { readBest } from '../engine/checkpoint/best'
import { checkpointNames, readLatest, readPins, setPinned } from '../engine/checkpoint/writer'
import { stepOfCheckpoint } from '../engine/checkpoint/format'

/** The folder of run `runId` inside the data dir; the id is re-checked here as defence in depth. */
export function runDirOf(dataDir: string, runId: string): string {
  if (!idSchema.safeParse(runId).success)
    throw new StudioError('invalid-input', `Invalid run id '${String(runId).slice(0, 60)}'`)
  return path.join(runsDir(dataDir), runId)
}

/** run.json of a run, or `not-found` in words. */
export async function requireRun(
  dataDir: string,
  runId: string
): Promise<{ runDir: string; record: RunRecord }> {
  const runDir = runDirOf(dataDir, runId)
  const record = await readRunRecord(runDir)
  if (!record) throw new StudioError('not-found', `There is no run '${runId}'`)
  return { runDir, record }
}

/** Complete checkpoints (those with a manifest), newest first. */
export async function listCheckpointInfos(runDir: string): Promise<CheckpointInfo[]> {
  const dir = path.join(runDir, RUN_FILES.checkpoints)
  const [names, pins, latest, best] = await Promise.all([
    checkpointNames(dir),
    readPins(dir),
    readLatest(dir),
    readBest(dir)
  ])
  const out: CheckpointInfo[] = []
  for (const name of names) {
    const manifestFile = path.join(dir, name, 'manifest.json')
    let manifest: { files?: Record<string, { size?: number }> }
    let mtime: number
    try {
      manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as typeof manifest
      mtime = (await fs.stat(manifestFile)).mtimeMs
    } catch {
      continue // no manifest yet: an incomplete (or damaged) checkpoint is not offered
    }
    const bytes = Object.values(manifest.files ?? {}).reduce(
      (sum, f) => sum + (typeof f.size === 'number' ? f.size : 0),
      0
    )
    out.push({
      name,
      step: stepOfCheckpoint(name) ?? 0,
      pinned: pins.includes(name),
      latest: name === latest,
      ...(best?.name === name ? { bestFd: best.fd } : {}),
      bytes,
      time: Math.round(mtime)
    })
  }
  return out
}

/** Pins or unpins a complete checkpoint. */
export async function pinCheckpoint(
  runDir: string,
  name: string,
  pinned: boolean
): Promise<CheckpointInfo[]> {
  const list = await listCheckpointInfos(runDir)
  if (!list.some((c) => c.name === name))
    throw new StudioError('not-found', `There is no complete checkpoint '${name}' in this run`)
  await setPinned(path.join(runDir, RUN_FILES.checkpoints), name, pinned)
  return listCheckpointInfos(runDir)
}

/**
 * Records that a run's trainer died: status `crashed` with the reason in run.json and a `crash`
 * line in events.jsonl. Returns the event and record written (undefined when there is no run.json).
 */
export async function markCrashed(
  runDir: string,
  message: string,
  now: number
): Promise<{ record: RunRecord; event: RunEvent } | undefined> {
  const record = await readRunRecord(runDir)
  if (!record) return undefined
  const next: RunRecord = { ...record, status: 'crashed', message, updated: new Date(now).toISOString() }
  await writeRunRecord(runDir, next)
  const event: RunEvent = { kind: 'crash', step: record.step, time: now, message }
  await appendEvents(runDir, [event])
  return { record: next, event }
}

/** Sets a run's status without a worker (e.g. stopping a run paused by a previous session). */
export async function setRunStatus(
  runDir: string,
  record: RunRecord,
  status: RunRecord['status'],
  now: number
): Promise<RunRecord> {
  const next: RunRecord = { ...record, status, updated: new Date(now).toISOString() }
  if (status === 'stopped') delete next.message
  await writeRunRecord(runDir, next)
  return next
}

/**
 * Path of a sample file relative to the data dir (forward slashes), for `studio.fileUrl`. Falls
 * back to `runs/<id>/samples/<file>` so a worker can never make the UI point outside the data dir.
 */
export function relativeSamplePath(dataDir: string, runDir: string, abs: string): string {
  const rel = path.relative(dataDir, abs)
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/')
  return ['runs', path.basename(runDir), RUN_FILES.samples, path.basename(abs)].join('/')
}
