/**
 * `gan-studio dataset ...` through `datasetCommand` with a captured io. (The spawned-binary cases
 * live in cli-spawn.test.ts and run once the lead's dispatcher is built.)
 */
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetCommand } from '../../../../../src/main/cli/commands/dataset'
import type { CliIo } from '../../../../../src/main/cli/io'
import { makeLabelledFolder, writeIdx } from '../../../../fixtures/images'

let tmp: string
let src: string
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gan-dcli-'))
  src = path.join(tmp, 'pets')
  await makeLabelledFolder(src, { cats: 5, dogs: 5 })
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

function capture(
  env: NodeJS.ProcessEnv = {},
  isTTY = false
): { io: CliIo; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY, env },
    out: () => out,
    err: () => err
  }
}

async function datasetsIn(dataDir: string): Promise<string[]> {
  return fs.readdir(path.join(dataDir, 'datasets')).catch(() => [])
}

describe('gan-studio dataset', () => {
  it('import --json prints progress lines and a done line; list, report and remove work', async () => {
    const dataDir = path.join(tmp, 'data')
    const c = capture()
    const code = await datasetCommand(
      [
        'import',
        src,
        '--name',
        'pets',
        '--size',
        '32',
        '--channels',
        '1',
        '--labels',
        'folders',
        '--json',
        '--data-dir',
        dataDir
      ],
      c.io
    )
    expect(c.err()).toBe('')
    expect(code).toBe(0)
    const lines = c
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.some((l) => l.event === 'progress')).toBe(true)
    const done = lines.at(-1)!
    expect(done.event).toBe('done')
    expect(done.dataset).toMatchObject({
      id: 'pets',
      count: 10,
      shape: [32, 32, 1],
      labels: ['cats', 'dogs']
    })

    // GAN_STUDIO_HOME stands in for --data-dir.
    const l = capture({ GAN_STUDIO_HOME: dataDir })
    expect(await datasetCommand(['list'], l.io)).toBe(0)
    expect(l.out()).toMatch(/^NAME\s+IMAGES\s+SHAPE/)
    expect(l.out()).toMatch(/pets\s+10\s+32x32x1\s+2/)

    const lj = capture({ GAN_STUDIO_HOME: dataDir })
    expect(await datasetCommand(['list', '--json'], lj.io)).toBe(0)
    expect((JSON.parse(lj.out()) as { id: string }[]).map((d) => d.id)).toContain('pets')

    const r = capture({ GAN_STUDIO_HOME: dataDir })
    expect(await datasetCommand(['report', 'pets'], r.io)).toBe(0)
    expect(r.out()).toContain("Dataset 'pets'")
    expect(r.out()).toContain('Classes: cats 5, dogs 5')
    expect(r.out()).toMatch(/Only 10 images/)

    const rm = capture({ GAN_STUDIO_HOME: dataDir })
    expect(await datasetCommand(['remove', 'pets'], rm.io)).toBe(0)
    expect(rm.out()).toBe("Removed dataset 'pets'.\n")
    expect(await datasetsIn(dataDir)).toEqual([])
  })

  it('human import on a TTY draws a progress bar on stderr and a summary on stdout', async () => {
    const dataDir = path.join(tmp, 'data-tty')
    const c = capture({}, true)
    expect(
      await datasetCommand(
        [
          'dataset',
          'import',
          src,
          '--name=tty',
          '--fit',
          'letterbox',
          '--pad-color',
          '#112233',
          '--data-dir',
          dataDir
        ],
        c.io
      )
    ).toBe(0)
    expect(c.err()).toMatch(/10\/10 files ETA/)
    expect(c.out()).toMatch(
      /^Imported 'tty': 10 images 64x64x3 \(10 files found, 0 skipped; 10 decoded, 0 unchanged/
    )
  })

  it('bad input: one line naming the flag and the allowed values, exit 2, nothing written', async () => {
    const dataDir = path.join(tmp, 'data-bad')
    const cases: Array<[string[], RegExp]> = [
      [
        ['import', src, '--name', 'x', '--size', '50'],
        /--size: expected one of 28, 32, 64, 128, but got '50'/
      ],
      [
        ['import', src, '--name', 'x', '--fit', 'zoom'],
        /--fit: expected one of crop, letterbox, stretch, but got 'zoom'/
      ],
      [['import', src, '--name', 'x', '--channels', '4'], /--channels: expected one of 1, 3, but got '4'/],
      [
        ['import', src, '--name', 'x', '--pad-color', 'red'],
        /--pad-color: expected a colour like #000000, but got 'red'/
      ],
      [['import', src, '--name', 'x', '--max-file-mb', '0'], /--max-file-mb: expected a number > 0/],
      [['import', src], /--name is required/],
      [['import', src, '--name', 'fashion-mnist'], /reserved/],
      [['import', src, '--name', 'a b'], /dataset name must be/],
      [['import', src, '--name', 'x', '--colour', '1'], /unknown flag --colour/],
      [['import', path.join(tmp, 'nope'), '--name', 'x'], /No such folder or file/],
      [['frobnicate'], /unknown dataset command 'frobnicate'; use one of: import, list, report, remove/]
    ]
    for (const [argv, message] of cases) {
      const c = capture()
      const code = await datasetCommand([...argv, '--data-dir', dataDir], c.io)
      expect(code, argv.join(' ')).toBe(2)
      expect(c.err(), argv.join(' ')).toMatch(message)
      expect(c.err().trim().split('\n'), argv.join(' ')).toHaveLength(1)
    }
    expect(await datasetsIn(dataDir)).toEqual([])
  })

  it('a folder with no usable image: the skip summary, exit 2, no dataset', async () => {
    const dataDir = path.join(tmp, 'data-junk')
    const junk = path.join(tmp, 'junk')
    await fs.mkdir(junk, { recursive: true })
    await fs.writeFile(path.join(junk, 'a.png'), '')
    await fs.writeFile(path.join(junk, 'b.jpg'), 'text')
    const c = capture()
    expect(await datasetCommand(['import', junk, '--name', 'junk', '--data-dir', dataDir], c.io)).toBe(2)
    expect(c.err()).toBe(
      `gan-studio dataset: No usable images in ${junk} (2 files skipped: 1 zero bytes, 1 not an image)\n`
    )
    expect(await datasetsIn(dataDir)).toEqual([])
  })

  it('imports a gzipped IDX file and refuses a bad one with its magic number', async () => {
    const dataDir = path.join(tmp, 'data-idx')
    const { imagesPath } = await writeIdx(path.join(tmp, 'idx'), 20, 28, 28, true)
    const c = capture()
    expect(
      await datasetCommand(
        ['import', imagesPath, '--name', 'digits', '--size', '28', '--channels', '1', '--data-dir', dataDir],
        c.io
      )
    ).toBe(0)
    expect(c.out()).toMatch(/^Imported 'digits': 20 images 28x28x1, 10 classes/)
    const bad = path.join(tmp, 'idx', 'bad-images-idx3-ubyte')
    await fs.writeFile(bad, Buffer.from([0, 0, 8, 1, 0, 0, 0, 1]))
    const b = capture()
    expect(await datasetCommand(['import', bad, '--name', 'bad', '--data-dir', dataDir], b.io)).toBe(2)
    expect(b.err()).toBe(
      'gan-studio dataset: bad-images-idx3-ubyte is not an IDX image file: only 8 bytes (the header alone is 16)\n'
    )
    await fs.writeFile(bad, Buffer.alloc(16 + 784, 0).fill(7, 0, 4))
    const m = capture()
    expect(await datasetCommand(['import', bad, '--name', 'bad', '--data-dir', dataDir], m.io)).toBe(2)
    expect(m.err()).toBe(
      'gan-studio dataset: bad-images-idx3-ubyte is not an IDX image file: magic 0x07070707 (expected 0x00000803)\n'
    )
    expect(await datasetsIn(dataDir)).toEqual(['digits'])
  })

  it('report of an unknown dataset names the way to list them', async () => {
    const c = capture()
    expect(await datasetCommand(['report', 'ghost', '--data-dir', path.join(tmp, 'data-none')], c.io)).toBe(2)
    expect(c.err()).toMatch(/No dataset named 'ghost'. List them with: gan-studio dataset list/)
  })
})
