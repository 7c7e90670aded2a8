/**
 * `gan-studio --self-test` (the desktop app started with `--self-test`, e.g. `npm start --
 * --self-test`): proves the installed app works end to end without a person at the window. It
 * asks the app's own page to make each request through `window.studio` (the preload), so the
 * sender check, the context bridge, the service, a trainer worker and the export are all real:
 * app:info, a 2-step training run of the Quick demo preset on MNIST, and a PNG export.
 *
 * Plain Node: the caller supplies how a request is made (`PageCall`). In the app that is
 * `webContents.executeJavaScript` in the hidden window (index.ts); the test drives it with a
 * StudioService directly.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { AppInfo, FileRef, RequestName, RunDetail } from '../shared/contract'
import { PRESETS } from '../shared/hyperparams'
import type { RunRecord } from '../shared/domain'

/** Makes one contract request the way the page would; rejects with the request's error. */
export type PageCall = (name: RequestName, payload: unknown) => Promise<unknown>

/** The outcome: `ok` with what was checked, or the first failure's reason. */
export interface SelfTestReport {
  ok: boolean
  reason: string
  /** One line per step that passed, in order. */
  passed: string[]
}

export interface SelfTestOptions {
  /** Where the studio keeps its files (to check the exported PNG on disk). */
  dataDir: string
  /** The transport app:info must report ('electron' in the app). */
  transport: 'electron' | 'serve'
  /** Dataset to train on (MNIST: built in, converted on first use). */
  dataset?: string
  /** How long the 2-step run may take before the test gives up. */
  timeoutMs?: number
  /** How often the run's status is read while it trains. */
  pollMs?: number
  /** Progress lines (stdout in the app). */
  log?: (line: string) => void
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** The command-line switch that turns the desktop app into its self-test. */
export const SELF_TEST_FLAG = '--self-test'

/** True when the app was started as a self-test. */
export function isSelfTest(argv: readonly string[]): boolean {
  return argv.includes(SELF_TEST_FLAG)
}

/**
 * The JavaScript that makes one request through the page's `window.studio`: a contract name and
 * a JSON payload only, so nothing but the table's own methods can be reached. It resolves with
 * `{ ok, value }` or `{ ok: false, message }` (executeJavaScript keeps only plain data).
 */
export function pageScript(name: RequestName, payload: unknown): string {
  const [domain, verb] = name.split(':')
  return `(async () => {
  try {
    const api = window.studio
    if (!api) return { ok: false, message: 'window.studio is missing: the preload did not run' }
    const value = await api[${JSON.stringify(domain)}][${JSON.stringify(verb)}](${JSON.stringify(payload)})
    return { ok: true, value: value === undefined ? null : value }
  } catch (e) {
    return { ok: false, message: (e && e.message) || String(e) }
  }
})()`
}

/** Turns a pageScript result back into a value or a rejection. */
export function unwrapPageResult(name: RequestName, r: unknown): unknown {
  const res = r as { ok?: unknown; value?: unknown; message?: unknown } | null
  if (res && res.ok === true) return res.value
  const message =
    res && typeof res.message === 'string' ? res.message : `unexpected answer ${JSON.stringify(r)}`
  throw new Error(`${name}: ${message}`)
}

/** Runs the checks in order and stops at the first failure. Never throws. */
export async function runSelfTest(call: PageCall, opts: SelfTestOptions): Promise<SelfTestReport> {
  const passed: string[] = []
  const log = opts.log ?? ((): void => undefined)
  const step = (line: string): void => {
    passed.push(line)
    log(`self-test: ✓ ${line}`)
  }
  try {
    const info = (await call('app:info', {})) as AppInfo
    if (info.transport !== opts.transport)
      throw new Error(`app:info says transport '${info.transport}', expected '${opts.transport}'`)
    if (!info.backend)
      throw new Error(`no compute backend loads: ${info.backendError ?? 'app:info gave no reason'}`)
    step(
      `app:info through the preload (${info.backend.active}, ${info.backend.variant}; data in ${info.dataDir})`
    )

    const preset = PRESETS.find((p) => p.id === 'quick-demo')
    if (!preset) throw new Error('the Quick demo preset is missing')
    const record = (await call('training:start', {
      name: 'self-test',
      config: {
        ...preset.values,
        dataset: opts.dataset ?? 'mnist',
        steps: 2,
        logEvery: 1,
        sampleEvery: 2,
        checkpointEvery: 2
      }
    })) as RunRecord
    const detail = await waitForEnd(call, record.id, opts.timeoutMs ?? 300_000, opts.pollMs ?? 250)
    if (detail.record.status !== 'finished')
      throw new Error(
        `the 2-step run ended '${detail.record.status}' at step ${detail.record.step}${detail.record.message ? `: ${detail.record.message}` : ''}`
      )
    if (detail.record.step !== 2)
      throw new Error(`the run finished at step ${detail.record.step}, expected 2`)
    if (detail.checkpoints.length === 0) throw new Error('the finished run has no checkpoint')
    step(`trained 2 steps in a worker (run ${record.id})`)

    const ref = (await call('export:png', {
      runId: record.id,
      source: { seeds: [1, 2, 3, 4] },
      columns: 2
    })) as FileRef
    const file = path.join(opts.dataDir, ...ref.path.split('/'))
    const head = Buffer.alloc(8)
    const fh = await fs.open(file, 'r')
    try {
      await fh.read(head, 0, 8, 0)
    } finally {
      await fh.close()
    }
    if (!head.equals(PNG_SIGNATURE)) throw new Error(`${ref.path} is not a PNG`)
    step(`exported a PNG (${ref.path}, ${ref.bytes} bytes)`)
    return { ok: true, reason: 'all checks passed', passed }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    log(`self-test: ✗ ${reason}`)
    return { ok: false, reason, passed }
  }
}

async function waitForEnd(
  call: PageCall,
  runId: string,
  timeoutMs: number,
  pollMs: number
): Promise<RunDetail> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const detail = (await call('runs:get', { runId })) as RunDetail
    const s = detail.record.status
    if (s === 'finished' || s === 'stopped' || s === 'crashed') return detail
    if (Date.now() > deadline)
      throw new Error(
        `the 2-step run did not end within ${Math.round(timeoutMs / 1000)} s (status ${s}, step ${detail.record.step})`
      )
    await new Promise((r) => setTimeout(r, pollMs))
  }
}
