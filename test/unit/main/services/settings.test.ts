import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  FileSettingsStore,
  MemorySettingsStore,
  repairSettings
} from '../../../../src/main/services/settings'
import { defaultSettings } from '../../../../src/shared/contract'
import { StudioService } from '../../../../src/main/services/studio-service'
import type { WorkerLauncher } from '../../../../src/main/services/worker-launcher'

let dir: string
let file: string
const now = (): number => Date.UTC(2026, 10, 27, 12, 0, 0)

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gs-settings-'))
  file = path.join(dir, 'settings.json')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const backups = (): string[] => readdirSync(dir).filter((n) => n.startsWith('settings.json.bak-'))

describe('FileSettingsStore', () => {
  it('starts with defaults and no problem when the file is missing', () => {
    const s = new FileSettingsStore(file, now)
    expect(s.get()).toEqual(defaultSettings())
    expect(s.problems).toEqual([])
    expect(existsSync(file)).toBe(false)
  })

  it.each([
    ['empty', ''],
    ['whitespace', '  \n'],
    ['truncated JSON', '{"theme": "dark", "backe'],
    ['not an object', '[1,2,3]'],
    ['null', 'null'],
    ['binary junk', '\u0000\u0001\u0002']
  ])('restores defaults from a %s file, backs it up and reports it', (_name, text) => {
    writeFileSync(file, text)
    const s = new FileSettingsStore(file, now)
    expect(s.get()).toEqual(defaultSettings())
    expect(s.problems).toHaveLength(1)
    expect(s.problems[0]).toMatch(/defaults were restored|reset to their defaults/)
    expect(backups()).toHaveLength(1)
    expect(readFileSync(path.join(dir, backups()[0]!), 'utf8')).toBe(text)
    // The repaired file is valid now: the next start is quiet.
    expect(new FileSettingsStore(file, now).problems).toEqual([])
  })

  it('keeps valid keys and resets only the bad ones', () => {
    writeFileSync(
      file,
      JSON.stringify({
        theme: 'dark',
        backend: 'quantum',
        maxConcurrentRuns: 1e9,
        window: { width: 'wide' },
        bogus: 1,
        confirmDelete: false
      })
    )
    const s = new FileSettingsStore(file, now)
    const v = s.get()
    expect(v.theme).toBe('dark')
    expect(v.confirmDelete).toBe(false)
    expect(v.backend).toBe('auto')
    expect(v.maxConcurrentRuns).toBe(1)
    expect(v.window).toEqual(defaultSettings().window)
    expect(s.problems[0]).toContain('backend')
    expect(s.problems[0]).toContain('bogus')
    expect(s.problems[0]).not.toContain('theme')
    expect(backups()).toHaveLength(1)
  })

  it('persists updates atomically and validates them', () => {
    const s = new FileSettingsStore(file, now)
    s.update({ theme: 'light', window: { width: 1000 } })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      theme: 'light',
      window: { width: 1000, height: 800 }
    })
    expect(() => s.update({ theme: 'pink' } as never)).toThrow(/Invalid settings/)
    expect(() => s.update({ nope: 1 } as never)).toThrow(/Invalid settings/)
    expect(new FileSettingsStore(file, now).get().theme).toBe('light')
  })

  it('repairSettings ignores prototype tricks', () => {
    const r = repairSettings(JSON.parse('{"__proto__": {"polluted": 1}, "theme": "dark"}'))
    expect(r.settings.theme).toBe('dark')
    expect(r.badKeys).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('the service turns load problems into notices for the UI', async () => {
    writeFileSync(file, '{oops')
    const launcher: WorkerLauncher = {
      launch: () => {
        throw new Error('no workers in this test')
      }
    }
    const svc = new StudioService({
      dataDir: dir,
      settings: FileSettingsStore.forDataDir(dir, now),
      launcher,
      transport: 'serve'
    })
    const got: string[] = []
    svc.subscribe((name, data) => {
      if (name === 'app:notice') got.push((data as { message: string }).message)
    })
    const settings = await svc.call('settings:get')
    expect(settings).toEqual(defaultSettings())
    const env = await svc.dispatch('app:info', {})
    // app:info still answers (the backend probe fails here) and carries the notice.
    expect(env).toMatchObject({
      ok: true,
      value: { notices: [{ message: expect.stringMatching(/not valid JSON/) }] }
    })
    expect(new MemorySettingsStore().problems).toEqual([])
  })
})
