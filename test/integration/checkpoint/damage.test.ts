/**
 * Damage and mismatch: a truncated weights file and a flipped bit in optimizer state are both
 * detected and the run falls back to the previous checkpoint with a message; a disk that fails
 * mid-write pauses training and leaves earlier checkpoints intact; resuming with another dataset
 * or model width is refused with a message naming the difference.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCheckpoint } from '../../../src/main/engine/checkpoint/reader'
import {
  checkpointNames,
  pruneCheckpoints,
  readLatest,
  setPinned
} from '../../../src/main/engine/checkpoint/writer'
import { openSession, type TrainingSession } from '../../../src/main/engine/session'
import { loadBackend } from '../../../src/main/engine/backend'
import { jsonLines, makeTinyDataset, runCli, tempDir } from '../../helpers/engine'

describe('damaged checkpoints, failing disks, mismatches', () => {
  let dataDir: string
  let work: string
  let n = 0
  const common = (): string[] => [
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
    '--checkpoint-every',
    '5',
    '--sample-every',
    '100',
    '--backend',
    'cpu',
    '--data-dir',
    dataDir
  ]
  async function trainedRun(steps = 10): Promise<string> {
    const out = path.join(work, `run-${n++}`)
    const r = await runCli(['train', ...common(), '--steps', String(steps), '--out', out])
    expect(r.code, r.stderr).toBe(0)
    return out
  }

  /** A cpu mlp session whose checkpoint write at step 10 fails at `stage` with the errno of `message`. */
  async function sessionFailingAt(
    runDir: string,
    steps: number,
    stage: string,
    message: string
  ): Promise<TrainingSession> {
    await loadBackend('cpu')
    return openSession({
      dataDir,
      runDir,
      mode: {
        kind: 'new',
        config: {
          dataset: 'tiny',
          model: 'mlp',
          width: 0.25,
          latentDim: 8,
          batchSize: 8,
          steps,
          checkpointEvery: 5,
          sampleEvery: 100
        }
      },
      checkpointHook: (at, step) => {
        if (step === 10 && at === stage)
          throw Object.assign(new Error(message), { code: message.split(':')[0] })
      }
    })
  }

  beforeAll(async () => {
    dataDir = await tempDir()
    work = await tempDir()
    await makeTinyDataset(dataDir, 64)
    await makeTinyDataset(dataDir, 32, 'other')
  })
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true })
    await fs.rm(work, { recursive: true, force: true })
  })

  it('detects a weights file truncated by one byte and falls back to the previous checkpoint', async () => {
    const run = await trainedRun()
    const file = path.join(run, 'checkpoints', 'ckpt-000010', 'generator', 'tensors.bin')
    const buf = await fs.readFile(file)
    await fs.writeFile(file, buf.subarray(0, buf.length - 1))
    await expect(readCheckpoint(path.dirname(path.dirname(file)))).rejects.toThrow(
      /generator\/tensors.bin is \d+ bytes, the manifest says \d+/
    )
    const r = await runCli([
      'train',
      '--resume',
      run,
      '--steps',
      '15',
      '--backend',
      'cpu',
      '--data-dir',
      dataDir,
      '--json'
    ])
    expect(r.code, r.stderr).toBe(0)
    const events = jsonLines(r.stdout)
    expect(events.find((e) => e.event === 'start')?.step).toBe(5)
    const warnings = events.filter((e) => e.event === 'warning').map((e) => String(e.message))
    expect(warnings.some((w) => /ckpt-000010.*truncated or damaged/.test(w))).toBe(true)
    expect(warnings.some((w) => /Resumed from ckpt-000005/.test(w))).toBe(true)
  })

  it('detects one flipped bit in optimizer state', async () => {
    const run = await trainedRun()
    const file = path.join(run, 'checkpoints', 'ckpt-000010', 'optimizers', 'tensors.bin')
    const buf = await fs.readFile(file)
    buf[Math.floor(buf.length / 2)] = (buf[Math.floor(buf.length / 2)] as number) ^ 0x01
    await fs.writeFile(file, buf)
    await expect(readCheckpoint(path.dirname(path.dirname(file)))).rejects.toThrow(
      /optimizers\/tensors.bin does not match its SHA-256/
    )
    const inspect = await runCli(['inspect', path.dirname(path.dirname(file))])
    expect(inspect.code).toBe(1)
    expect(inspect.stderr).toMatch(/does not match its SHA-256/)
    const r = await runCli([
      'train',
      '--resume',
      run,
      '--steps',
      '15',
      '--backend',
      'cpu',
      '--data-dir',
      dataDir,
      '--json'
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(jsonLines(r.stdout).find((e) => e.event === 'start')?.step).toBe(5)
  })

  it('a full disk during a checkpoint pauses training with a clear error; earlier checkpoints stay intact', async () => {
    const runDir = path.join(work, `run-${n++}`)
    const session = await sessionFailingAt(
      runDir,
      20,
      'file:generator/tensors.bin',
      'ENOSPC: no space left on device, write'
    )
    const statuses: string[] = []
    const status = await session.run({ status: (s, m) => statuses.push(`${s}: ${m ?? ''}`) })
    expect(status).toBe('paused')
    expect(session.record.message).toMatch(
      /Could not save checkpoint ckpt-000010: the disk is full\. Training paused; earlier checkpoints are intact/
    )
    expect(statuses.at(-1)).toMatch(/^paused: Could not save/)
    const ckDir = path.join(runDir, 'checkpoints')
    expect(await checkpointNames(ckDir)).toEqual(['ckpt-000005'])
    expect(await readLatest(ckDir)).toBe('ckpt-000005')
    await expect(readCheckpoint(path.join(ckDir, 'ckpt-000005'))).resolves.toBeTruthy()
    expect((await fs.readdir(ckDir)).filter((f) => f.includes('.tmp-'))).toEqual([])
    const record = JSON.parse(await fs.readFile(path.join(runDir, 'run.json'), 'utf8')) as { status: string }
    expect(record.status).toBe('paused')
    session.dispose()
  })

  it('a read-only run folder is reported, not crashed on', async () => {
    const runDir = path.join(work, `run-${n++}`)
    const session = await sessionFailingAt(
      runDir,
      10,
      'file:state.json',
      "EROFS: read-only file system, open 'state.json'"
    )
    expect(await session.run()).toBe('paused')
    expect(session.record.message).toMatch(
      /the folder is not writable\. Training paused; earlier checkpoints are intact\. Check the folder's permissions/
    )
    expect(await checkpointNames(path.join(runDir, 'checkpoints'))).toEqual(['ckpt-000005'])
    session.dispose()
  })

  it('pruning keeps the newest N, pinned ones and latest', async () => {
    const run = await trainedRun(30)
    const ck = path.join(run, 'checkpoints')
    expect(await checkpointNames(ck)).toEqual([
      'ckpt-000030',
      'ckpt-000025',
      'ckpt-000020',
      'ckpt-000015',
      'ckpt-000010'
    ])
    await setPinned(ck, 'ckpt-000010', true)
    await pruneCheckpoints(ck, 2)
    expect(await checkpointNames(ck)).toEqual(['ckpt-000030', 'ckpt-000025', 'ckpt-000010'])
  })

  it('SIGKILL between save and prune never leaves fewer than N checkpoints or a dangling latest', async () => {
    const out = path.join(work, `run-${n++}`)
    const killed = await runCli(['train', ...common(), '--keep', '2', '--steps', '30', '--out', out], {
      GAN_STUDIO_CRASH_AT: 'latest',
      GAN_STUDIO_CRASH_AFTER_STEP: '20'
    })
    expect(killed.signal).toBe('SIGKILL')
    const ck = path.join(out, 'checkpoints')
    const names = await checkpointNames(ck)
    expect(names.length).toBeGreaterThanOrEqual(2)
    const latest = await readLatest(ck)
    expect(latest).toBe('ckpt-000020')
    for (const name of names) await expect(readCheckpoint(path.join(ck, name))).resolves.toBeTruthy()
  })

  it('refuses to resume with another dataset or model width, naming the difference', async () => {
    const run = await trainedRun()
    const a = await runCli([
      'train',
      '--resume',
      run,
      '--dataset',
      'other',
      '--backend',
      'cpu',
      '--data-dir',
      dataDir
    ])
    expect(a.code).not.toBe(0)
    expect(a.stderr).toMatch(/dataset: the checkpoint was trained on 'tiny', this run asks for 'other'/)
    const b = await runCli([
      'train',
      '--resume',
      run,
      '--width',
      '0.5',
      '--backend',
      'cpu',
      '--data-dir',
      dataDir
    ])
    expect(b.code).not.toBe(0)
    expect(b.stderr).toMatch(/width: the checkpoint has 0.25, this run asks for 0.5/)
    // Nothing was changed by the refusals: the run still resumes normally.
    const c = await runCli([
      'train',
      '--resume',
      run,
      '--steps',
      '12',
      '--backend',
      'cpu',
      '--data-dir',
      dataDir
    ])
    expect(c.code, c.stderr).toBe(0)
  })
})
