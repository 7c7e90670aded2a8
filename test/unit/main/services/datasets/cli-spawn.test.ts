/**
 * The real `gan-studio dataset ...` binary (bin/gan-studio.cjs → out/main/cli.js). Needs a build
 * (`npx electron-vite build`); without one the cases are skipped with the reason printed, because
 * building from a unit test would take minutes of a shared machine.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLabelledFolder } from '../../../../fixtures/images'

const root = path.resolve(__dirname, '../../../../..')
const built = existsSync(path.join(root, 'out', 'main', 'cli.js'))
if (!built)
  console.log(
    '[dataset cli-spawn test] skipped: out/main/cli.js is missing; run `npx electron-vite build` first'
  )

let tmp: string
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gan-dspawn-'))
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'gan-studio.cjs'), 'dataset', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GAN_STUDIO_HOME: path.join(tmp, 'home') },
    timeout: 50_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe.skipIf(!built)('gan-studio dataset (spawned)', () => {
  it('imports a labelled folder with --json and lists it', async () => {
    const src = path.join(tmp, 'pets')
    await makeLabelledFolder(src, { cats: 3, dogs: 3 })
    const r = cli([
      'import',
      src,
      '--name',
      'pets',
      '--size',
      '28',
      '--channels',
      '1',
      '--labels',
      'folders',
      '--json'
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      event: string
      dataset: { count: number; shape: number[] }
    }
    expect(last).toMatchObject({ event: 'done', dataset: { count: 6, shape: [28, 28, 1] } })
    const list = cli(['list', '--json'])
    expect(list.code).toBe(0)
    expect((JSON.parse(list.stdout) as { id: string }[]).map((d) => d.id)).toContain('pets')
  })

  it('refuses an empty folder (exit 2, no dataset) and a bad flag (exit 2, one line)', async () => {
    const empty = path.join(tmp, 'empty')
    await fs.mkdir(empty)
    const r = cli(['import', empty, '--name', 'nothing'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`No usable images in ${empty}`)
    expect(existsSync(path.join(tmp, 'home', 'datasets', 'nothing'))).toBe(false)
    const bad = cli(['import', empty, '--name', 'x', '--fit', 'zoom'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toEqual([
      "gan-studio dataset: --fit: expected one of crop, letterbox, stretch, but got 'zoom'"
    ])
  })
})
