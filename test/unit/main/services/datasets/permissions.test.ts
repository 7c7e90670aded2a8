/**
 * A file without read permission must end as `unreadable`. Root reads anything, so when the tests
 * run as root the import runs in a child process dropped to the `nobody` user (uid 65534); where
 * that is impossible the case is skipped with the reason printed.
 */
import { spawnSync } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importDataset } from '../../../../../src/main/services/datasets/import'
import type { FileRecord } from '../../../../../src/main/services/datasets/report'
import { pattern, permissionsAreEnforced } from '../../../../fixtures/images'

const root = path.resolve(__dirname, '../../../../..')
const NOBODY = 65534
let tmp: string

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gan-perm-'))
  await fs.chmod(tmp, 0o755)
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

async function makeFolder(): Promise<string> {
  const src = path.join(tmp, 'src')
  await fs.mkdir(src, { mode: 0o755 })
  const png = await sharp(pattern(16, 16, 1), { raw: { width: 16, height: 16, channels: 3 } })
    .png()
    .toBuffer()
  await fs.writeFile(path.join(src, 'ok.png'), png, { mode: 0o644 })
  await fs.writeFile(path.join(src, 'no permission.png'), png)
  await fs.chmod(path.join(src, 'no permission.png'), 0)
  return src
}

/** Runs the import as `nobody` and returns the per-file statuses it recorded. */
async function importAsNobody(src: string, dataDir: string): Promise<Record<string, string> | string> {
  const script = path.join(tmp, 'run.mts')
  const code = `
import { importDataset } from ${JSON.stringify(path.join(root, 'src/main/services/datasets/import.ts'))}
await importDataset(${JSON.stringify(dataDir)}, { source: ${JSON.stringify(src)}, name: 'perm', options: { size: 28 } })
const { readDatasetIndex } = await import(${JSON.stringify(path.join(root, 'src/main/engine/data/cache.ts'))})
const index = await readDatasetIndex(${JSON.stringify(dataDir)}, 'perm')
console.log(JSON.stringify(Object.fromEntries(index.files.map((f) => [f.path, f.status + ': ' + (f.reason ?? '')]))))
`
  await fs.writeFile(script, code, { mode: 0o644 })
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    uid: NOBODY,
    gid: NOBODY,
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, HOME: tmp },
    timeout: 50_000
  })
  if (r.status !== 0)
    return `child failed (${String(r.status)}): ${(r.stderr ?? String(r.error)).slice(0, 400)}`
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, string>
}

describe('unreadable files', () => {
  it('a file without read permission is imported as unreadable, the rest as usual', async () => {
    const src = await makeFolder()
    const dataDir = path.join(tmp, 'data')
    await fs.mkdir(dataDir, { mode: 0o777 })
    await fs.chmod(dataDir, 0o777)
    let statuses: Record<string, string> | string
    if (await permissionsAreEnforced(tmp)) {
      await importDataset(dataDir, { source: src, name: 'perm', options: { size: 28 } })
      const index = JSON.parse(
        await fs.readFile(path.join(dataDir, 'datasets', 'perm', 'index.json'), 'utf8')
      ) as { files: FileRecord[] }
      statuses = Object.fromEntries(index.files.map((f) => [f.path, `${f.status}: ${f.reason ?? ''}`]))
    } else if (process.getuid?.() === 0) {
      statuses = await importAsNobody(src, dataDir)
    } else {
      console.log(
        '[permissions test] skipped: permissions are not enforced and this process cannot switch user'
      )
      return
    }
    if (typeof statuses === 'string' && /EPERM|setuid|setgid/.test(statuses)) {
      console.log(`[permissions test] skipped: cannot run as nobody here (${statuses})`)
      return
    }
    expect(statuses).toEqual({
      'no permission.png': 'unreadable: no permission to read it',
      'ok.png': 'imported: '
    })
  })
})
