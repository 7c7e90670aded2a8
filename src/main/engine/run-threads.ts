/**
 * The wasm thread count in a run's record, and what a resume on another count means. Results do
 * not depend on the count (test/unit/main/engine/threads/thread-determinism.test.ts: bit-identical
 * weights on 1, 2 and 3 threads), so a change is recorded for the record, not as a warning.
 */
import type { BackendReport, RunEvent, RunRecord } from '../../shared/domain'

/** run.json's backend fields for the backend in use: its name, and the wasm threads when on wasm. */
export function backendFields(report: BackendReport): Pick<RunRecord, 'backend' | 'threads'> {
  return {
    backend: report.active,
    ...(report.active === 'wasm' && report.wasmThreads ? { threads: report.wasmThreads } : {})
  }
}

/**
 * The event for a resume on a different wasm thread count than the run last used, or undefined
 * when the count is the same (or either side is not wasm, or the old record predates the field).
 */
export function threadChange(
  before: Pick<RunRecord, 'backend' | 'threads'>,
  now: BackendReport
): Pick<RunEvent, 'kind' | 'message' | 'data'> | undefined {
  if (before.backend !== 'wasm' || now.active !== 'wasm') return undefined
  if (before.threads === undefined || now.wasmThreads === undefined) return undefined
  if (before.threads === now.wasmThreads) return undefined
  return {
    kind: 'resume',
    message: `Resumed on ${now.wasmThreads} wasm thread(s); the run last trained on ${before.threads}. Results do not depend on the thread count.`,
    data: { threadsBefore: before.threads, threadsNow: now.wasmThreads }
  }
}
