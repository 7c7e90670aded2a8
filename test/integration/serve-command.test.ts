/**
 * `gan-studio serve` as the CLI dispatcher calls it: prints the URL with its token (or a JSON
 * line), warns when not on loopback, serves the page, requires the token, stops cleanly.
 */
import { mkdirSync, writeFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { serveCommand } from '../../src/main/cli/commands/serve'
import type { CliIo } from '../../src/main/cli/io'
import { tempDir } from './helpers'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function captureIo(): { io: CliIo; out: string[]; err: string[]; waitOut: (re: RegExp) => Promise<string> } {
  const out: string[] = []
  const err: string[] = []
  const waiters: Array<{ re: RegExp; resolve: (s: string) => void }> = []
  const io: CliIo = {
    stdout: (s) => {
      out.push(s)
      for (const w of waiters) if (w.re.test(s)) w.resolve(s)
    },
    stderr: (s) => {
      err.push(s)
    },
    isTTY: false,
    env: {}
  }
  return {
    io,
    out,
    err,
    waitOut: (re) => {
      const found = out.find((s) => re.test(s))
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ re, resolve }))
    }
  }
}

describe('serveCommand', () => {
  it('prints "Studio at http://127.0.0.1:PORT/?token=..." and needs the token for data', async () => {
    const dataDir = tempDir('serve-cmd')
    dirs.push(dataDir)
    mkdirSync(path.join(dataDir, 'exports'), { recursive: true })
    writeFileSync(path.join(dataDir, 'exports', 'a.png'), 'png')
    const { io, waitOut } = captureIo()
    const abort = new AbortController()
    const done = serveCommand(['--port', '0', '--data-dir', dataDir], io, abort.signal)
    const line = await waitOut(/^Studio at /)
    const m = /^Studio at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))\n$/.exec(line)
    expect(m).not.toBeNull()
    const origin = `http://127.0.0.1:${m![2]}`
    expect((await fetch(`${origin}/files/exports/a.png`)).status).toBe(401)
    expect((await fetch(`${origin}/files/exports/a.png?token=${m![3]}`)).status).toBe(200)
    abort.abort()
    expect(await done).toBe(0)
  })

  it('--json prints a listening event; --host other than loopback warns', async () => {
    const dataDir = tempDir('serve-json')
    dirs.push(dataDir)
    const { io, err, waitOut } = captureIo()
    const abort = new AbortController()
    const done = serveCommand(['--json', '--host', '0.0.0.0', '--data-dir', dataDir], io, abort.signal)
    const line = await waitOut(/"listening"/)
    const ev = JSON.parse(line) as { event: string; url: string; port: number }
    expect(ev.event).toBe('listening')
    expect(ev.url).toMatch(/^http:\/\/.+:\d+\/\?token=/)
    expect(err.join('')).toMatch(/"event":"warning"/)
    abort.abort()
    expect(await done).toBe(0)
  })

  it('refuses bad flags as usage errors', async () => {
    const { io } = captureIo()
    await expect(serveCommand(['--port', '99999'], io)).rejects.toThrow(/--port/)
    await expect(serveCommand(['--bogus'], io)).rejects.toThrow(/unknown flag/)
  })
})
