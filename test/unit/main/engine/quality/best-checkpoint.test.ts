/**
 * Keep the best model: every new best FD gets a checkpoint that best.json names; pruning (keep 1)
 * never removes it; it is replaced only by a better score; listCheckpointInfos reports it.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBest, writeBest } from '../../../../../src/main/engine/checkpoint/best'
import { checkpointNames, pruneCheckpoints } from '../../../../../src/main/engine/checkpoint/writer'
import { checkpointName } from '../../../../../src/main/engine/checkpoint/format'
import { readJsonl } from '../../../../../src/main/engine/runs/jsonl'
import { openSession } from '../../../../../src/main/engine/session'
import { listCheckpointInfos } from '../../../../../src/main/services/run-files'
import type { RunEvent, StepMetrics } from '../../../../../src/shared/domain'
import { makeTinyDataset, tempDir } from '../../../../helpers/engine'

describe('best-FD checkpoint', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    await makeTinyDataset(dataDir, 256, 'mnist')
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  it('is checkpointed, named by best.json, kept by pruning and replaced only by a better FD', async () => {
    const runDir = path.join(dataDir, 'run')
    const config = {
      dataset: 'mnist',
      model: 'mlp' as const,
      width: 0.125,
      latentDim: 8,
      batchSize: 8,
      steps: 80,
      logEvery: 10,
      sampleEvery: 10,
      checkpointEvery: 1000,
      keep: 1,
      lrG: 0.01,
      lrD: 0.01
    }
    const s = await openSession({ dataDir, runDir, backend: 'cpu', mode: { kind: 'new', config } })
    expect(await s.run()).toBe('finished')
    s.dispose()
    const metrics = await readJsonl<StepMetrics>(path.join(runDir, 'metrics.jsonl'))
    const scores = metrics.flatMap((m) => (m.quality ? [m.quality] : []))
    expect(scores.length).toBe(8)
    const bestScore = scores.reduce((a, b) => (b.fd < a.fd ? b : a))
    const ckptDir = path.join(runDir, 'checkpoints')
    const best = await readBest(ckptDir)
    expect(best).toEqual({ name: checkpointName(bestScore.step), step: bestScore.step, fd: bestScore.fd })
    // Its checkpoint survived pruning to keep 1 (unless it is the latest anyway).
    const infos = await listCheckpointInfos(runDir)
    const named = infos.find((c) => c.name === best?.name)
    expect(named?.bestFd).toBe(bestScore.fd)
    expect(infos.filter((c) => c.bestFd !== undefined)).toHaveLength(1)
    // Each "best" event improves on the one before: replaced only by a better score.
    const events = await readJsonl<RunEvent>(path.join(runDir, 'events.jsonl'))
    const bests = events.filter((e) => e.data?.best === true).map((e) => e.data?.fd as number)
    expect(bests.length).toBeGreaterThanOrEqual(1)
    for (let i = 1; i < bests.length; i++) expect(bests[i]).toBeLessThan(bests[i - 1] as number)
    expect(bests[bests.length - 1]).toBe(bestScore.fd)
    // Best is not the last score here unless the run only improved; either way the file is right.
    const fdsAfterBest = scores.filter((q) => q.step > bestScore.step).map((q) => q.fd)
    for (const fd of fdsAfterBest) expect(fd).toBeGreaterThanOrEqual(bestScore.fd)
  })
  it('pruning keeps the checkpoint best.json names, and only that one besides keep and latest', async () => {
    const dir = path.join(dataDir, 'prune')
    for (const step of [10, 20, 30, 40])
      await fs.mkdir(path.join(dir, checkpointName(step)), { recursive: true })
    await fs.writeFile(path.join(dir, 'latest'), checkpointName(40))
    await writeBest(dir, { name: checkpointName(20), step: 20, fd: 7.5 })
    expect(await pruneCheckpoints(dir, 1)).toEqual([checkpointName(30), checkpointName(10)])
    expect(await checkpointNames(dir)).toEqual([checkpointName(40), checkpointName(20)])
  })
})
