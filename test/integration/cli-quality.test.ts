/**
 * GAN Studio FD in the CLI: the progress lines carry FD once it exists, `runs` shows best and
 * latest FD (or why there is none), `inspect` shows a checkpoint's FD and whether it is the best.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTinyDataset, runCli, tempDir } from '../helpers/engine'

describe('FD in the CLI (real processes)', () => {
  let dataDir: string
  beforeAll(async () => {
    dataDir = await tempDir()
    // Stored under the id `mnist`, so the shipped classifier scores it; `tiny` has none.
    await makeTinyDataset(dataDir, 128, 'mnist')
    await makeTinyDataset(dataDir, 64)
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
  })

  const train = (dataset: string, id: string): ReturnType<typeof runCli> =>
    runCli([
      'train',
      '--dataset',
      dataset,
      '--model',
      'mlp',
      '--width',
      '0.125',
      '--latent',
      '8',
      '--steps',
      '20',
      '--batch',
      '8',
      '--sample-every',
      '10',
      '--log-every',
      '10',
      '--out',
      path.join(dataDir, 'runs', id),
      '--backend',
      'cpu',
      '--data-dir',
      dataDir
    ])

  it('prints FD on progress lines, in runs and in inspect', async () => {
    const r = await train('mnist', 'scored')
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('step '))
    expect(lines.at(-1)).toMatch(/ FD \d+(\.\d\d)? /)

    const t = await train('tiny', 'imported')
    expect(t.code, t.stderr).toBe(0)
    expect(t.stderr).not.toMatch(/ FD /)

    const runs = await runCli(['runs', '--data-dir', dataDir])
    expect(runs.code, runs.stderr).toBe(0)
    expect(runs.stdout).toContain('BEST FD')
    const scored = runs.stdout.split('\n').find((l) => l.startsWith('scored')) ?? ''
    expect(scored).toMatch(/\d+(\.\d\d)? @(10|20) +\d+(\.\d\d)? @20/)
    const imported = runs.stdout.split('\n').find((l) => l.startsWith('imported')) ?? ''
    expect(imported).toContain('no classifier for imported datasets')

    const json = JSON.parse((await runCli(['runs', '--data-dir', dataDir, '--json'])).stdout) as Array<{
      id: string
      quality: { best?: { fd: number }; latest?: { fd: number; step: number } } | null
    }>
    const q = json.find((x) => x.id === 'scored')?.quality
    expect(q?.latest?.step).toBe(20)
    expect(q?.best?.fd).toBeLessThanOrEqual(q?.latest?.fd ?? -1)

    const ckpt = path.join(dataDir, 'runs', 'scored', 'checkpoints', 'ckpt-000020')
    const ins = await runCli(['inspect', ckpt])
    expect(ins.code, ins.stderr).toBe(0)
    expect(ins.stdout).toMatch(/GAN Studio FD \d+(\.\d\d)?, class coverage \d+ %/)
    const insJson = JSON.parse((await runCli(['inspect', ckpt, '--json'])).stdout) as {
      quality: { fd: number; step: number } | null
    }
    expect(insJson.quality?.step).toBe(20)
    expect(insJson.quality?.fd).toBe(q?.latest?.fd)
  })
})
