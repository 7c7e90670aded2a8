/**
 * From one checkpoint, one step three ways: uninterrupted, resumed, resumed with a fresh Adam.
 * resumed == uninterrupted and fresh != uninterrupted: fails if optimizer state came back empty
 * or matched to the wrong weights.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadBackend } from '../../../src/main/engine/backend'
import { findLatestCheckpoint } from '../../../src/main/engine/checkpoint/reader'
import { restoreTensors } from '../../../src/main/engine/checkpoint/trainer-io'
import { loadDataset } from '../../../src/main/engine/data/datasets'
import { buildArchs } from '../../../src/main/engine/models'
import { openSession } from '../../../src/main/engine/session'
import { GanTrainer } from '../../../src/main/engine/trainer'
import { tf } from '../../../src/main/engine/tf'
import type { OptimizerKind } from '../../../src/shared/hyperparams'
import { makeTinyDataset, tempDir } from '../../helpers/engine'

async function weights(t: GanTrainer): Promise<number[]> {
  const out: number[] = []
  for (const net of [t.G, t.D]) for (const w of net.weights.values()) out.push(...(await w.data()))
  return out
}

describe.each<[string, { optimizerG?: OptimizerKind; optimizerD?: OptimizerKind }]>([
  ['adam', {}],
  ['rmsprop D, optimistic Adam G', { optimizerD: 'rmsprop', optimizerG: 'optimistic-adam' }],
  ['sgd-momentum D, extragradient G', { optimizerD: 'sgd-momentum', optimizerG: 'extragradient' }]
])('optimizer state is really restored (%s)', (_label, optimizers) => {
  let dataDir: string
  let runDir: string
  beforeAll(async () => {
    await loadBackend('wasm')
    dataDir = await tempDir()
    runDir = path.join(await tempDir(), 'run')
    await makeTinyDataset(dataDir, 64)
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
    await fs.rm(path.dirname(runDir), { recursive: true, force: true })
  })

  it('resumed == uninterrupted, and a fresh optimizer differs', async () => {
    const tensorsBefore = tf.memory().numTensors
    const session = await openSession({
      dataDir,
      runDir,
      mode: {
        kind: 'new',
        config: {
          dataset: 'tiny',
          model: 'dcgan',
          width: 0.25,
          latentDim: 16,
          batchSize: 8,
          steps: 6,
          checkpointEvery: 1000,
          sampleEvery: 1000,
          // Constant rates: with the default linear decay the rate is 0 after the last step, and
          // the extra step below would move nothing.
          lrDecay: 'none',
          ...optimizers
        }
      }
    })
    expect(await session.run()).toBe('finished')
    // Uninterrupted: the same trainer takes one more step.
    session.engine.trainStep()
    const uninterrupted = await weights(session.engine)

    const found = await findLatestCheckpoint(path.join(runDir, 'checkpoints'))
    expect(found?.checkpoint.state.step).toBe(6)
    const ckpt = found!.checkpoint
    const data = await loadDataset(dataDir, 'tiny')
    const make = (): GanTrainer =>
      new GanTrainer(ckpt.state.config, data, buildArchs(ckpt.state.config, data.index.shape))

    const resumed = make()
    restoreTensors(resumed, ckpt)
    // Extragradient counts both half steps.
    expect(resumed.optG.t).toBe(optimizers.optimizerG === 'extragradient' ? 12 : 6)
    expect(resumed.optG.kind).toBe(optimizers.optimizerG ?? 'adam')
    resumed.trainStep()
    expect(await weights(resumed)).toEqual(uninterrupted)

    const fresh = make()
    restoreTensors(fresh, ckpt, { skipOptimizers: true })
    fresh.trainStep()
    expect(await weights(fresh)).not.toEqual(uninterrupted)

    // Slots are matched by name: shuffling the saved order changes nothing.
    const shuffled = {
      ...ckpt,
      tensors: { ...ckpt.tensors, optimizers: [...(ckpt.tensors.optimizers ?? [])].reverse() }
    }
    const reordered = make()
    restoreTensors(reordered, shuffled)
    reordered.trainStep()
    expect(await weights(reordered)).toEqual(uninterrupted)

    for (const t of [resumed, fresh, reordered]) t.dispose()
    session.dispose()
    // Three trainers and a session came and went: nothing of theirs stays behind.
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })
})
