/**
 * The desktop app's `--self-test` logic in plain Node: each request is made by the exact script
 * the app runs in its hidden window (pageScript), evaluated against a `window.studio` built from
 * the contract over a real StudioService with real trainer and inference workers.
 */
import { rmSync } from 'node:fs'
import vm from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import { TEST_WORKER, tempDir, writeTinyDataset } from './helpers'
import { StudioService } from '../../src/main/services/studio-service'
import { MemorySettingsStore } from '../../src/main/services/settings'
import { ForkWorkerLauncher } from '../../src/main/services/worker-launcher'
import { createDatasetsPort } from '../../src/main/services/datasets-port'
import { createExplorerPorts } from '../../src/main/services/explorer'
import { createClient, type RequestName } from '../../src/shared/contract'
import {
  isSelfTest,
  pageScript,
  runSelfTest,
  unwrapPageResult,
  type PageCall
} from '../../src/main/self-test'

let dataDir = ''
let service: StudioService | undefined
afterEach(async () => {
  await service?.close(20_000)
  service = undefined
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function studioPage(): Promise<PageCall> {
  dataDir = tempDir('selftest')
  await writeTinyDataset(dataDir)
  const explorer = createExplorerPorts(dataDir)
  const svc = new StudioService({
    dataDir,
    settings: new MemorySettingsStore(),
    launcher: new ForkWorkerLauncher(TEST_WORKER),
    transport: 'electron',
    datasets: createDatasetsPort(dataDir),
    explorer,
    exporter: explorer
  })
  service = svc
  const studio = createClient(
    (name, payload) => svc.dispatch(name, payload),
    () => () => undefined,
    { fileUrl: (p) => `app://data/${p}`, transport: 'electron', toError: (e) => ({ ...e }) }
  )
  // The page: its own global scope with window.studio, as the preload exposes it.
  const page = vm.createContext({ window: { studio } })
  return async (name: RequestName, payload: unknown) =>
    unwrapPageResult(name, await (vm.runInContext(pageScript(name, payload), page) as Promise<unknown>))
}

describe('self-test', () => {
  it('passes on a working studio: app:info, 2 training steps, a PNG export', async () => {
    const call = await studioPage()
    const lines: string[] = []
    const report = await runSelfTest(call, {
      dataDir,
      transport: 'electron',
      dataset: 'tiny',
      log: (l) => lines.push(l)
    })
    expect(report).toMatchObject({ ok: true, reason: 'all checks passed' })
    expect(report.passed).toHaveLength(3)
    expect(lines.at(-1)).toMatch(/exported a PNG \(exports\/.+\.png/)
  })

  it('fails with the reason of the first failing step', async () => {
    const bare = vm.createContext({ window: {} })
    const r = (await vm.runInContext(pageScript('app:info', {}), bare)) as unknown
    expect(() => unwrapPageResult('app:info', r)).toThrow('window.studio is missing')
    expect(isSelfTest(['electron', '.', '--self-test'])).toBe(true)
    expect(isSelfTest(['electron', '.'])).toBe(false)

    // One studio for both (its backend probe is the slow part).
    const call = await studioPage()
    const wrong = await runSelfTest(call, { dataDir, transport: 'serve' })
    expect(wrong).toMatchObject({ ok: false, reason: "app:info says transport 'electron', expected 'serve'" })
    const report = await runSelfTest(call, { dataDir, transport: 'electron', dataset: 'no-such-dataset' })
    expect(report.ok).toBe(false)
    expect(report.passed).toHaveLength(1)
    expect(report.reason).toContain('training:start')
    expect(report.reason).toContain('no-such-dataset')
  })
})
