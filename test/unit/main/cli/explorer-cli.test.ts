import { beforeAll, describe, expect, test } from 'vitest'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../../../src/main/cli/index'
import type { CliIo } from '../../../../src/main/cli/io'
import { readProvenance } from '../../../../src/main/engine/explorer/provenance'
import { readPngText } from '../../../../src/main/imaging/png'
import { latentForSeed } from '../../../../src/main/engine/rng'
import { makeFixtureRun } from '../engine/explorer/fixture'
import { parseGif } from '../engine/explorer/gif-parse'

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    env: {} as NodeJS.ProcessEnv,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s)
  }
  return io
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture()
  const code = await main(args, io)
  return { code, out: io.out, err: io.err }
}

describe('gan-studio sample / interpolate / export-model', () => {
  let fx: Awaited<ReturnType<typeof makeFixtureRun>>
  const out = mkdtempSync(path.join(os.tmpdir(), 'gs-cli-explorer-'))
  beforeAll(async () => {
    fx = await makeFixtureRun({ model: 'mlp', runId: 'cli-run' })
  })

  test('sample writes a grid with provenance (run folder → newest checkpoint)', async () => {
    const file = path.join(out, 'grid.png')
    const r = await run([
      'sample',
      '--checkpoint',
      fx.runDir,
      '--seeds',
      '1-6',
      '--grid',
      '3',
      '--scale',
      '2',
      '--out',
      file,
      '--backend',
      'cpu',
      '--json'
    ])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({
      event: 'written',
      images: 6,
      columns: 3,
      scale: 2,
      runId: 'cli-run',
      checkpoint: 'ckpt-000100',
      step: 100,
      ema: true
    })
    const png = readFileSync(file)
    expect(readPngText(png).seed).toBe('1,2,3,4,5,6')
    const p = readProvenance(png)
    expect(Float32Array.from(p?.latents[5] ?? [])).toEqual(latentForSeed(6, 16))
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([3 * 56 + 4, 2 * 56 + 3])
  })

  test('interpolate writes a strip and a GIF', async () => {
    const strip = path.join(out, 'strip.png')
    const gif = path.join(out, 'anim.gif')
    const r = await run([
      'interpolate',
      '--checkpoint',
      fx.checkpointDir,
      '--from-seed',
      '1',
      '--to-seed',
      '2',
      '--steps',
      '5',
      '--mode',
      'lerp',
      '--out',
      strip,
      '--gif',
      gif,
      '--fps',
      '12',
      '--backend',
      'cpu'
    ])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toContain('5-step linear strip from seed 1 to seed 2')
    expect(readProvenance(readFileSync(strip))?.interpolation).toEqual({
      mode: 'linear',
      steps: 5,
      fromSeed: 1,
      toSeed: 2
    })
    expect(parseGif(readFileSync(gif))).toMatchObject({ frames: 5, width: 56, height: 56 })
  })

  test('export-model writes model.json, weights and README', async () => {
    const dir = path.join(out, 'model')
    const r = await run(['export-model', '--checkpoint', fx.runDir, '--out', dir, '--backend', 'cpu'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('Exported the generator of ckpt-000100')
    for (const f of ['model.json', 'generator.weights.bin', 'README.md'])
      expect(existsSync(path.join(dir, f))).toBe(true)
  })

  test.each([
    [
      ['sample', '--checkpoint', '/nonexistent/ckpt', '--out', 'x.png'],
      '--checkpoint: /nonexistent/ckpt does not exist'
    ],
    [
      ['sample', '--checkpoint', 'FIXTURE', '--seeds', '5-1', '--out', 'x.png'],
      "--seeds: the seed range '5-1' runs backwards"
    ],
    [['sample', '--checkpoint', 'FIXTURE'], '--out: give an output file'],
    [['sample', '--out', 'x.png'], '--checkpoint: give a checkpoint folder or a run folder'],
    [
      ['sample', '--checkpoint', 'FIXTURE', '--scale', '9', '--out', 'x.png'],
      "--scale: expected an integer from 1 to 8, but got '9'"
    ],
    [
      [
        'interpolate',
        '--checkpoint',
        'FIXTURE',
        '--from-seed',
        '1',
        '--to-seed',
        '2',
        '--steps',
        '0',
        '--out',
        's.png'
      ],
      "--steps: expected an integer from 2 to 240, but got '0'"
    ],
    [
      ['interpolate', '--checkpoint', 'FIXTURE', '--from-seed', '1', '--out', 's.png'],
      'give both --from-seed and --to-seed'
    ],
    [
      [
        'interpolate',
        '--checkpoint',
        'FIXTURE',
        '--from-seed',
        '1',
        '--to-seed',
        '2',
        '--mode',
        'cubic',
        '--out',
        's.png'
      ],
      '--mode: expected one of slerp, lerp'
    ],
    [['export-model', '--checkpoint', 'FIXTURE'], '--out: give an output folder'],
    [['export-model', '--checkpoint', os.tmpdir(), '--out', 'm'], 'is neither a checkpoint folder']
  ])('bad input %j → one line, exit 2', async (args, message) => {
    const r = await run(args.map((a) => (a === 'FIXTURE' ? fx.runDir : a)))
    expect(r.code).toBe(2)
    expect(r.err).toContain(message)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.out).toBe('')
  })
})
