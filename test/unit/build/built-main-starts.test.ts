/**
 * The built CommonJS main bundle (out/main/index.js) starts against a minimal Electron (the
 * test/unit/main/helpers fake): it loads — electron-store bundled in, ESM-only as it is — opens
 * the window on app://renderer, binds every request, and electron-store writes settings.json.
 * The desktop test runtime (test/desktop) runs the same bundle far more completely.
 */
import Module from 'node:module'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, expect, it, vi } from 'vitest'
import { fakeElectron, newFakeElectronState, type FakeElectronState } from '../main/helpers/fake-electron'
import { REQUEST_NAMES } from '../../../src/shared/contract'
import { ensureBuilt, root } from '../packaging/helpers'

type Loader = { _load: (request: string, ...rest: unknown[]) => unknown }
const loader = Module as unknown as Loader
const original = loader._load
let dir = ''
let s: FakeElectronState | undefined

beforeAll(() => ensureBuilt())
afterEach(() => {
  loader._load = original
  s?.windows[0]?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

it('starts, opens the app page, binds the contract and saves settings through electron-store', async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gs-built-main-'))
  const state = newFakeElectronState(dir)
  s = state
  const electron = fakeElectron(state)
  loader._load = (request, ...rest) => (request === 'electron' ? electron : original(request, ...rest))
  Module.createRequire(__filename)(path.join(root, 'out', 'main', 'index.js'))
  state.app.ready()
  await vi.waitFor(
    () => expect(state.windows[0]?.loaded ?? state.exitCodes).toEqual(['app://renderer/index.html']),
    {
      timeout: 60_000
    }
  )
  expect(state.errorBoxes).toEqual([])
  expect([...state.handlers.keys()].sort()).toEqual([...REQUEST_NAMES].sort())
  state.windows[0]?.close() // saves the window bounds through electron-store
  const saved = JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as {
    window?: { width?: number }
  }
  expect(saved.window?.width).toBe(1000)
})
