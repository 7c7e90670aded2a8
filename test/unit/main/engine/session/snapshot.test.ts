/**
 * "Explore the current weights": a snapshot request checkpoints the step in progress of a running
 * session (between two steps, without stopping it), and at once when the session is paused.
 */
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSession } from '../../../../../src/main/engine/session'
import { checkpointName } from '../../../../../src/main/engine/checkpoint/format'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'

describe('session snapshots', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    await makeTinyDataset(dataDir, 64)
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('checkpoints a running session between steps, and a paused one at once', async () => {
    const runDir = path.join(dataDir, 'run')
    const config = {
      dataset: 'tiny',
      model: 'mlp' as const,
      width: 0.125,
      latentDim: 8,
      batchSize: 8,
      steps: 400,
      logEvery: 1,
      sampleEvery: 1000,
      checkpointEvery: 1000
    }
    const s = await openSession({ dataDir, runDir, backend: 'cpu', mode: { kind: 'new', config } })
    let snap: Promise<{ checkpoint: string; step: number }> | undefined
    const done = s.run({
      progress: (p) => {
        if (p.step === 3 && !snap) {
          snap = s.snapshot()
          // Pause as soon as the snapshot is answered, so the run does not train to the end.
          void snap.then(() => s.pause())
        }
      }
    })
    expect(await done).toBe('paused')
    const running = await snap!
    expect(running.step).toBeGreaterThanOrEqual(3)
    expect(running.step).toBeLessThan(400)
    expect(running.checkpoint).toBe(checkpointName(running.step))
    expect(existsSync(path.join(runDir, 'checkpoints', running.checkpoint, 'manifest.json'))).toBe(true)

    // Paused: the pause's checkpoint is the current weights.
    const paused = await s.snapshot()
    expect(paused.step).toBe(s.record.step)
    expect(existsSync(path.join(runDir, 'checkpoints', paused.checkpoint, 'manifest.json'))).toBe(true)
    s.dispose()
  })
})
