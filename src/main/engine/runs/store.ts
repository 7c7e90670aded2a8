/**
 * The run store: `<dataDir>/runs/<runId>/` holds run.json (rewritten atomically), metrics.jsonl
 * and events.jsonl (append-only), samples/ and checkpoints/.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { RunEvent, RunRecord, SampleInfo, StepMetrics } from '../../../shared/domain'
import { writeFileSynced } from '../durable-fs'
import { appendJsonl, readJsonl } from './jsonl'

export function runsDir(dataDir: string): string {
  return path.join(dataDir, 'runs')
}

export const RUN_FILES = {
  record: 'run.json',
  metrics: 'metrics.jsonl',
  events: 'events.jsonl',
  samples: 'samples',
  checkpoints: 'checkpoints'
} as const

/** A new run id: sortable by creation time, unique. */
export function newRunId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${t}-${randomBytes(3).toString('hex')}`
}

/**
 * Why a folder cannot take a new run, or undefined when it can (absent or empty). Checked before
 * anything is written, by the session and, for its exit code 2, by the CLI.
 */
export async function newRunDirProblem(
  dir: string
): Promise<{ code: 'invalid-input' | 'conflict'; message: string } | undefined> {
  const st = await fs.stat(dir).catch(() => undefined)
  if (!st) return undefined
  if (!st.isDirectory())
    return { code: 'invalid-input', message: `${dir} is a file; give a new or empty folder` }
  if ((await fs.readdir(dir)).length === 0) return undefined
  return {
    code: 'conflict',
    message: `${dir} is not empty; give a new folder, or continue that run with --resume ${dir}`
  }
}

/** Writes a file atomically: temp file, fsync, rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`
  await writeFileSynced(tmp, data)
  try {
    await fs.rename(tmp, file)
  } catch (err) {
    await fs.rm(tmp, { force: true })
    throw err
  }
}

export async function writeRunRecord(runDir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(path.join(runDir, RUN_FILES.record), JSON.stringify(record, null, 2))
}

/** Reads run.json, or undefined when the folder holds no run. */
export async function readRunRecord(runDir: string): Promise<RunRecord | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(runDir, RUN_FILES.record), 'utf8')) as RunRecord
  } catch {
    return undefined
  }
}

export async function appendMetrics(runDir: string, metrics: readonly StepMetrics[]): Promise<void> {
  await appendJsonl(path.join(runDir, RUN_FILES.metrics), metrics)
}

export async function appendEvents(runDir: string, events: readonly RunEvent[]): Promise<void> {
  await appendJsonl(path.join(runDir, RUN_FILES.events), events)
}

/** Metrics with step > sinceStep (all when omitted). */
export async function readMetrics(runDir: string, sinceStep = -1): Promise<StepMetrics[]> {
  const all = await readJsonl<StepMetrics>(path.join(runDir, RUN_FILES.metrics))
  return all.filter((m) => m.step > sinceStep)
}

/**
 * Drops metric records after `step`: a resumed or rolled-back run replays those steps, and the
 * history must not hold them twice.
 */
export async function trimMetrics(runDir: string, step: number): Promise<void> {
  const all = await readMetrics(runDir)
  const kept = all.filter((m) => m.step <= step)
  if (kept.length === all.length) return
  await writeFileAtomic(
    path.join(runDir, RUN_FILES.metrics),
    kept.map((m) => JSON.stringify(m)).join('\n') + (kept.length ? '\n' : '')
  )
}

export async function readEvents(runDir: string): Promise<RunEvent[]> {
  return readJsonl<RunEvent>(path.join(runDir, RUN_FILES.events))
}

/** Sample grids on disk, by step. */
export async function listSamples(runDir: string): Promise<SampleInfo[]> {
  const names = await fs.readdir(path.join(runDir, RUN_FILES.samples)).catch(() => [] as string[])
  return names
    .map((file) => ({ file, m: /^step-(\d+)\.png$/.exec(file) }))
    .filter((x): x is { file: string; m: RegExpExecArray } => x.m !== null)
    .map(({ file, m }) => ({ step: Number(m[1]), file }))
    .sort((a, b) => a.step - b.step)
}

export function sampleFileName(step: number): string {
  return `step-${String(step).padStart(6, '0')}.png`
}

/** Every run in the data dir, newest first. */
export async function listRuns(dataDir: string): Promise<RunRecord[]> {
  const dir = runsDir(dataDir)
  const names = await fs.readdir(dir).catch(() => [] as string[])
  const records = await Promise.all(names.map((n) => readRunRecord(path.join(dir, n))))
  return records
    .filter((r): r is RunRecord => r !== undefined)
    .sort((a, b) => b.created.localeCompare(a.created))
}
