/**
 * A file without read permission must end as `unreadable`. Root reads anything, so when the tests
 * run as root the import runs in a child process that loads the code as root and then drops to
 * the `nobody` user (uid 65534) before importing: the checkout itself may lie anywhere, even in a
 * folder nobody cannot enter. Where no user switch is possible the case is skipped with the reason.
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

/** Why `nobody` cannot reach `dir` (an ancestor without search permission for others), if so. */
async function unreachableForOthers(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (((await fs.stat(d)).mode & 0o001) === 0) return `${d} cannot be entered by other users`
    if (path.dirname(d) === d) return undefined
  }
}

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

type Statuses = Record<string, string>

/**
 * Runs the import as `nobody` and returns the per-file statuses it recorded, or why that cannot
 * be done here. The child starts as root, loads every module (so the checkout need not be
 * readable by nobody), then switches user; only the temp folder has to be reachable.
 */
async function importAsNobody(
  src: string,
  dataDir: string
): Promise<{ statuses: Statuses } | { skip: string }> {
  const unreachable = await unreachableForOthers(tmp)
  if (unreachable) return { skip: unreachable }
  const script = path.join(tmp, 'run.mts')
  const code = `
const { importDataset } = await import(${JSON.stringify(path.join(root, 'src/main/services/datasets/import.ts'))})
const { readDatasetIndex } = await import(${JSON.stringify(path.join(root, 'src/main/engine/data/cache.ts'))})
try {
  process.setgroups([${NOBODY}])
  process.setgid(${NOBODY})
  process.setuid(${NOBODY})
} catch (err) {
  console.log(JSON.stringify({ skip: 'cannot switch to the nobody user here: ' + err.message }))
  process.exit(0)
}
await importDataset(${JSON.stringify(dataDir)}, { source: ${JSON.stringify(src)}, name: 'perm', options: { size: 28 } })
const index = await readDatasetIndex(${JSON.stringify(dataDir)}, 'perm')
console.log(JSON.stringify({ statuses: Object.fromEntries(index.files.map((f) => [f.path, f.status + ': ' + (f.reason ?? '')])) }))
`
  await fs.writeFile(script, code, { mode: 0o644 })
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, HOME: tmp },
    timeout: 50_000
  })
  if (r.status !== 0)
    throw new Error(`the import as nobody failed (${String(r.status)}): ${r.stderr ?? String(r.error)}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { statuses: Statuses } | { skip: string }
}

describe('unreadable files', () => {
  it('a file without read permission is imported as unreadable, the rest as usual', async (ctx) => {
    const src = await makeFolder()
    const dataDir = path.join(tmp, 'data')
    await fs.mkdir(dataDir, { mode: 0o777 })
    await fs.chmod(dataDir, 0o777)
    let statuses: Statuses
    if (await permissionsAreEnforced(tmp)) {
      await importDataset(dataDir, { source: src, name: 'perm', options: { size: 28 } })
      const index = JSON.parse(
        await fs.readFile(path.join(dataDir, 'datasets', 'perm', 'index.json'), 'utf8')
      ) as { files: FileRecord[] }
      statuses = Object.fromEntries(index.files.map((f) => [f.path, `${f.status}: ${f.reason ?? ''}`]))
    } else if (process.getuid?.() === 0) {
      const r = await importAsNobody(src, dataDir)
      if ('skip' in r) {
        console.log(`[permissions test] skipped: ${r.skip}`)
        return ctx.skip(r.skip)
      }
      statuses = r.statuses
    } else {
      const why = 'permissions are not enforced here and this process cannot switch user'
      console.log(`[permissions test] skipped: ${why}`)
      return ctx.skip(why)
    }
    expect(statuses).toEqual({
      'no permission.png': 'unreadable: no permission to read it',
      'ok.png': 'imported: '
    })
  })
})
