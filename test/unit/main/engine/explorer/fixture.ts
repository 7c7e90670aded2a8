/**
 * Checkpoints for explorer tests, made by code: a generator (and an EMA copy that differs) with
 * random weights large enough that different latents give visibly different images, saved with
 * the engine's own checkpoint writer so the reader verifies them like real ones.
 */
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { saveCheckpoint, type HostTensors } from '../../../../../src/main/engine/checkpoint/writer'
import type { CheckpointState } from '../../../../../src/main/engine/checkpoint/format'
import { buildArchs } from '../../../../../src/main/engine/models'
import { tensorSpecs } from '../../../../../src/main/engine/models/network'
import { Rng } from '../../../../../src/main/engine/rng'
import { defaultHyperparams, type Hyperparams } from '../../../../../src/shared/hyperparams'

/** Options of a fixture checkpoint. */
export interface FixtureOptions {
  model?: 'mlp' | 'dcgan'
  latentDim?: number
  width?: number
  ema?: boolean
  step?: number
  runId?: string
  /** Classes of a conditional generator (unconditional when omitted). */
  classes?: number
}

function tensorsFor(
  arch: ReturnType<typeof buildArchs>['generator'],
  seed: number
): NonNullable<HostTensors['generator']> {
  const rng = new Rng(seed)
  return tensorSpecs(arch).map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1)
    let values: Float32Array
    if (s.name.endsWith('/movingVariance')) values = rng.normalArray(size, 0.2).map((v) => 1 + Math.abs(v))
    else if (s.name.endsWith('/gamma')) values = rng.normalArray(size, 0.1).map((v) => 1 + v)
    else if (s.name.endsWith('/kernel'))
      values = rng.normalArray(size, 1 / Math.sqrt(s.shape.slice(0, -1).reduce((a, b) => a * b, 1)))
    else values = rng.normalArray(size, 0.1)
    return { name: s.name, shape: s.shape, values }
  })
}

/** Writes a run folder `<dir>/<runId>` with one checkpoint; returns the run and checkpoint folders. */
export async function makeFixtureRun(
  o: FixtureOptions = {},
  parent?: string
): Promise<{ runDir: string; checkpointDir: string; config: Hyperparams }> {
  const root = parent ?? mkdtempSync(path.join(os.tmpdir(), 'gs-explorer-'))
  const runId = o.runId ?? 'fixture-run'
  const runDir = path.join(root, runId)
  const config: Hyperparams = {
    ...defaultHyperparams(),
    model: o.model ?? 'mlp',
    latentDim: o.latentDim ?? 16,
    width: o.width ?? 0.25,
    ema: o.ema === false ? 0 : 0.999,
    conditional: (o.classes ?? 0) > 0
  }
  const archs = buildArchs(config, [28, 28, 1], o.classes ?? 0)
  const generator = tensorsFor(archs.generator, 1)
  const tensors: HostTensors = {
    generator,
    discriminator: tensorsFor(archs.discriminator, 2),
    ...(o.ema === false ? {} : { ema: tensorsFor(archs.generator, 3) })
  }
  const step = o.step ?? 100
  const state: CheckpointState = {
    formatVersion: 1,
    step,
    cursor: {
      step,
      epoch: 0,
      epochSeed: 1,
      position: 0,
      rng: [1, 2, 3, 4],
      adamSteps: { generator: step, discriminator: step },
      emaUpdates: step
    },
    config,
    archs,
    dataset: { id: 'mnist', fingerprint: 'f'.repeat(64) },
    backend: 'cpu',
    appVersion: '0.0.0-test',
    tfjsVersion: '4.22.0',
    time: new Date(0).toISOString(),
    runId
  }
  const checkpointDir = await saveCheckpoint(path.join(runDir, 'checkpoints'), state, tensors, { keep: 5 })
  return { runDir, checkpointDir, config }
}
