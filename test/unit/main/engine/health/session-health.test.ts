/**
 * The coach's findings reach the run as `warning` events: a run whose learning rates are far too
 * small for anything to change (flat losses, identical sample grids) gets one `no-progress`
 * warning with its code and suggestion, live and in events.jsonl.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readJsonl } from '../../../../../src/main/engine/runs/jsonl'
import { openSession } from '../../../../../src/main/engine/session'
import type { RunEvent } from '../../../../../src/shared/domain'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'

describe('health warnings in the session', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    await makeTinyDataset(dataDir, 256)
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('a stalled run raises exactly one no-progress warning', async () => {
    const runDir = path.join(dataDir, 'run')
    const config = {
      dataset: 'tiny',
      model: 'mlp' as const,
      width: 0.125,
      latentDim: 8,
      batchSize: 8,
      steps: 30,
      logEvery: 1,
      sampleEvery: 5,
      checkpointEvery: 30,
      lrG: 1e-9,
      lrD: 1e-9
    }
    const s = await openSession({ dataDir, runDir, backend: 'cpu', mode: { kind: 'new', config } })
    const live: RunEvent[] = []
    expect(await s.run({ event: (e) => live.push(e) })).toBe('finished')
    s.dispose()
    const warnings = live.filter((e) => e.kind === 'warning')
    expect(warnings.map((w) => w.data?.code)).toEqual(['no-progress'])
    expect(warnings[0]?.message).toMatch(/Training has stalled/)
    expect(String(warnings[0]?.data?.suggestion)).toMatch(/learning rates/)
    const onDisk = await readJsonl<RunEvent>(path.join(runDir, 'events.jsonl'))
    expect(onDisk.filter((e) => e.kind === 'warning')).toHaveLength(1)
  })
})
