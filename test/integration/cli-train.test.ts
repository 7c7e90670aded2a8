import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonLines, makeTinyDataset, runCli, tempDir } from '../helpers/engine'

describe('gan-studio train (real process)', () => {
  let dataDir: string
  let work: string
  beforeAll(async () => {
    dataDir = await tempDir()
    work = await tempDir()
    await makeTinyDataset(dataDir, 64)
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
    await fs.rm(work, { recursive: true, force: true })
  })

  it('writes run.json, metrics.jsonl and sample grids, with JSON lines on stdout', async () => {
    const out = path.join(work, 'run')
    const r = await runCli([
      'train',
      '--dataset',
      'tiny',
      '--model',
      'mlp',
      '--steps',
      '20',
      '--batch',
      '8',
      '--seed',
      '1',
      '--sample-every',
      '10',
      '--log-every',
      '5',
      '--out',
      out,
      '--backend',
      'cpu',
      '--data-dir',
      dataDir,
      '--json'
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const events = jsonLines(r.stdout)
    expect(events[0]?.event).toBe('start')
    expect(events.filter((e) => e.event === 'progress').map((e) => e.step)).toEqual([5, 10, 15, 20])
    expect(events.filter((e) => e.event === 'sample').map((e) => path.basename(String(e.path)))).toEqual([
      'step-000000.png',
      'step-000010.png',
      'step-000020.png'
    ])
    expect(events.at(-1)).toMatchObject({ event: 'done', status: 'finished', step: 20 })
    const record = JSON.parse(await fs.readFile(path.join(out, 'run.json'), 'utf8')) as Record<
      string,
      unknown
    >
    expect(record).toMatchObject({ status: 'finished', step: 20, backend: 'cpu' })
    const metrics = (await fs.readFile(path.join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>)
    expect(metrics).toHaveLength(4)
    for (const m of metrics) {
      for (const k of ['step', 'epoch', 'lossD', 'lossG', 'dReal', 'dFake', 'msPerStep', 'imagesPerSec'])
        expect(Number.isFinite(m[k])).toBe(true)
    }
    expect(existsSync(path.join(out, 'samples', 'step-000020.png'))).toBe(true)
  })

  const bad: Array<[string, string[], RegExp]> = [
    [
      'an unknown dataset',
      ['--dataset', 'cats'],
      /--dataset: unknown dataset 'cats'; available: mnist, fashion-mnist, tiny/
    ],
    ['an unknown model', ['--model', 'vae'], /--model: expected one of dcgan, mlp, but got 'vae'/],
    [
      'an unknown backend',
      ['--backend', 'gpu'],
      /--backend: expected one of auto, tensorflow, webgpu, wasm, cpu, but got 'gpu'/
    ],
    ['batch 0', ['--batch', '0'], /--batch: expected an integer from 1 to 1024, but got '0'/],
    ['steps "abc"', ['--steps', 'abc'], /--steps: expected an integer from 1 to 10000000, but got 'abc'/],
    ['lr -1', ['--lr', '-1'], /--lr: expected a number > 0 and ≤ 1, but got '-1'/],
    ['an unknown flag', ['--epochs', '3'], /unknown flag --epochs/]
  ]
  for (const [what, args, message] of bad) {
    it(`rejects ${what} with one line, exit code 2 and nothing written`, async () => {
      const out = path.join(work, `bad-${what.replace(/\W+/g, '-')}`)
      const r = await runCli(['train', ...args, '--out', out, '--data-dir', dataDir])
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(message)
      expect(existsSync(out)).toBe(false)
    })
  }

  it('rejects an --out that is a file, leaving the file as it was', async () => {
    const file = path.join(work, 'a-file.txt')
    await fs.writeFile(file, 'keep me')
    const r = await runCli(['train', '--out', file, '--data-dir', dataDir, '--steps', '1'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--out: .*a-file.txt is a file/)
    expect(await fs.readFile(file, 'utf8')).toBe('keep me')
  })

  it('doctor explains why tensorflow is unavailable', async () => {
    const r = await runCli(['doctor', '--json'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as {
      active: string
      attempts: Array<{ name: string; ok: boolean; reason?: string }>
      tfjsVersion: string
      cpuThreads: number
    }
    expect(report.tfjsVersion).toMatch(/^4\./)
    expect(report.cpuThreads).toBeGreaterThan(0)
    if (report.active !== 'tensorflow') {
      const tfAttempts = report.attempts.filter((a) => a.name === 'tensorflow')
      expect(tfAttempts.length).toBe(2)
      for (const a of tfAttempts) expect(a.reason).toBeTruthy()
    }
    const text = await runCli(['doctor'])
    expect(text.stdout).toMatch(/Active backend: /)
    expect(text.stdout).toMatch(/why: /)
  })

  it('doctor shows the wasm thread count in use, and --threads sets it', async () => {
    const two = await runCli(['doctor', '--backend', 'wasm', '--threads', '2', '--json'])
    expect(two.code).toBe(0)
    const report = JSON.parse(two.stdout) as { wasmThreads?: number; threadsProblem?: string }
    expect(report.threadsProblem).toBeUndefined()
    expect(report.wasmThreads).toBe(2)
    const one = await runCli(['doctor', '--backend', 'wasm', '--threads', '1'])
    expect(one.stdout).toMatch(/wasm threads: {3}1 in use/)
    const bad = await runCli(['doctor', '--threads', '-2'])
    expect(bad.code).toBe(2)
  })
})
