/**
 * SIGKILL at every stage of a checkpoint write (between files, between fsync and rename, after
 * the rename, after `latest`, before pruning). A restart always resumes from a complete
 * checkpoint, every checkpoint on disk matches its manifest, no temp dir is ever taken as latest,
 * and the resumed run ends bit-identical to an uninterrupted one.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCheckpoint } from '../../../src/main/engine/checkpoint/reader'
import { checkpointNames, readLatest } from '../../../src/main/engine/checkpoint/writer'
import { makeTinyDataset, runCli, tempDir } from '../../helpers/engine'

const STAGES = [
  'file:state.json',
  'file:generator/tensors.bin',
  'file:generator/tensors.json',
  'file:discriminator/tensors.bin',
  'file:ema/tensors.json',
  'file:optimizers/tensors.bin',
  'fsync-dir',
  'renamed',
  'latest',
  'pruned'
]

describe('SIGKILL during a checkpoint write', () => {
  let dataDir: string
  let work: string
  let reference: string
  const common = (dataDir: string): string[] => [
    '--dataset',
    'tiny',
    '--model',
    'mlp',
    '--width',
    '0.25',
    '--latent',
    '8',
    '--batch',
    '8',
    '--seed',
    '5',
    '--checkpoint-every',
    '5',
    '--keep',
    '2',
    '--sample-every',
    '100',
    '--backend',
    'cpu',
    '--data-dir',
    dataDir
  ]

  beforeAll(async () => {
    dataDir = await tempDir()
    work = await tempDir()
    await makeTinyDataset(dataDir, 64)
    const out = path.join(work, 'reference')
    const r = await runCli(['train', ...common(dataDir), '--steps', '20', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    reference = JSON.parse(
      (await runCli(['inspect', path.join(out, 'checkpoints', 'ckpt-000020'), '--json'])).stdout
    ).digest as string
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
    await fs.rm(work, { recursive: true, force: true })
  })

  it.each(STAGES)('killed at %s: resumes from a complete checkpoint and ends identical', async (stage) => {
    const out = path.join(work, stage.replace(/\W+/g, '-'))
    const killed = await runCli(['train', ...common(dataDir), '--steps', '20', '--out', out], {
      GAN_STUDIO_CRASH_AT: stage,
      GAN_STUDIO_CRASH_AFTER_STEP: '15'
    })
    expect(killed.signal).toBe('SIGKILL')
    const ckDir = path.join(out, 'checkpoints')
    // Every checkpoint folder on disk is complete and verifies; `latest` names one of them.
    const names = await checkpointNames(ckDir)
    for (const n of names) await expect(readCheckpoint(path.join(ckDir, n))).resolves.toBeTruthy()
    const latest = await readLatest(ckDir)
    expect(latest && names.includes(latest)).toBe(true)
    expect(names.length).toBeGreaterThanOrEqual(2)

    const resumed = await runCli([
      'train',
      '--resume',
      out,
      '--backend',
      'cpu',
      '--data-dir',
      dataDir,
      '--json'
    ])
    expect(resumed.code, resumed.stderr).toBe(0)
    const start = resumed.stdout
      .split('\n')
      .map((l) => JSON.parse(l || '{}') as { event?: string; step?: number })
      .find((e) => e.event === 'start')
    expect([10, 15]).toContain(start?.step)
    const leftovers = (await fs.readdir(ckDir)).filter((n) => n.includes('.tmp-'))
    expect(leftovers).toEqual([])
    const d = JSON.parse((await runCli(['inspect', path.join(ckDir, 'ckpt-000020'), '--json'])).stdout)
      .digest as string
    expect(d).toBe(reference)
  })
})
