/**
 * A real `gan-studio serve` child process over a fresh temp data dir, and Debian's Chromium
 * driven by playwright-core. Used by the studio e2e tests.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { chromium, type Browser } from 'playwright-core'

export const ROOT = path.resolve(__dirname, '..', '..', '..')
/** Screenshots and traces; gitignored. */
export const RESULTS_DIR = path.join(ROOT, 'test-results')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync'
]

/** Why the e2e cannot run here (no build, no browser), or null when it can. */
export function missingPrerequisite(): string | null {
  if (!existsSync(path.join(ROOT, 'out/renderer/index.html')))
    return 'out/renderer is not built: run `npx electron-vite build` first'
  if (!existsSync(path.join(ROOT, 'out/main/cli.js')) && !existsSync(path.join(ROOT, 'out/main/cli.mjs'))) {
    return 'out/main/cli is not built: run `npx electron-vite build` first'
  }
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`
  return null
}

export interface ServedStudio {
  url: string
  dataDir: string
  process: ChildProcess
  /** Everything the server wrote to stderr, for failure messages. */
  stderr(): string
  stop(): Promise<void>
}

/** Starts `node bin/gan-studio.cjs serve --port 0 --data-dir <temp> --json` and reads its URL. */
export async function startServe(): Promise<ServedStudio> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gs-e2e-'))
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/gan-studio.cjs'), 'serve', '--port', '0', '--data-dir', dataDir, '--json'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' }
    }
  )
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000)
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve printed no URL within 60 s; stderr:\n${err}`)),
      60_000
    )
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}; stderr:\n${err}`))
    })
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string; url?: string }
        if (msg.event === 'listening' && msg.url) {
          clearTimeout(timer)
          resolve(msg.url)
        }
      } catch {
        // Not JSON: ignore.
      }
    })
  })
  return {
    url,
    dataDir,
    process: child,
    stderr: () => err,
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(killer)
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(RESULTS_DIR, { recursive: true })
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
}
