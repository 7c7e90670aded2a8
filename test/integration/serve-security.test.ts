/**
 * gan-studio serve refuses what it must: no token → 401 on data requests and on the socket; path
 * traversal (plain, percent-encoded, symlinked) never reads outside the data dir; fuzzed payloads
 * come back as invalid-input and touch nothing outside the data dir.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SERVE_CSP } from '../../src/shared/csp'
import { rawGet, startHarness, tempDir, tryWebSocket, type Harness } from './helpers'
import { REQUEST_NAMES, type RequestName } from '../../src/shared/contract'

let h: Harness
let outside: string

beforeAll(async () => {
  h = await startHarness({ tiny: false })
  outside = tempDir('outside')
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP-SECRET')
  const samples = path.join(h.dataDir, 'runs', 'r1', 'samples')
  mkdirSync(samples, { recursive: true })
  writeFileSync(path.join(samples, 'step-000001.png'), 'PNGDATA')
  symlinkSync(path.join(outside, 'secret.txt'), path.join(samples, 'evil.png'))
  symlinkSync(outside, path.join(h.dataDir, 'runs', 'linkdir'))
  symlinkSync(path.join(outside, 'secret.txt'), path.join(h.rendererDir, 'assets', 'evil.js'))
})

afterAll(async () => {
  await h.close()
  rmSync(outside, { recursive: true, force: true })
})

describe('token', () => {
  it('serves the app shell without a token', async () => {
    const r = await rawGet(h.server.port, '/')
    expect(r.status).toBe(200)
    expect(r.body).toContain('GAN Studio')
    // The one policy (shared/csp.ts) on every answer, errors included.
    expect(r.headers['content-security-policy']).toBe(SERVE_CSP)
    expect((await rawGet(h.server.port, '/files/x')).headers['content-security-policy']).toBe(SERVE_CSP)
    expect((await rawGet(h.server.port, '/assets/app.js')).status).toBe(200)
  })

  it('refuses data files without or with a wrong token (401)', async () => {
    const file = '/files/runs/r1/samples/step-000001.png'
    expect((await rawGet(h.server.port, file)).status).toBe(401)
    expect((await rawGet(h.server.port, `${file}?token=nope`)).status).toBe(401)
    expect((await rawGet(h.server.port, `${file}?token=${h.server.token}x`)).status).toBe(401)
    const ok = await rawGet(h.server.port, `${file}?token=${h.server.token}`)
    expect(ok.status).toBe(200)
    expect(ok.body).toBe('PNGDATA')
    expect((await rawGet(h.server.port, file, { Authorization: `Bearer ${h.server.token}` })).status).toBe(
      200
    )
  })

  it('refuses the socket without the token and accepts it with', async () => {
    const base = `ws://127.0.0.1:${h.server.port}/ws`
    expect(await tryWebSocket(base)).toEqual({ opened: false, status: 401 })
    expect(await tryWebSocket(`${base}?token=wrong`)).toEqual({ opened: false, status: 401 })
    expect(await tryWebSocket(`${base}?token=${h.server.token}`)).toEqual({ opened: true })
    // Another origin that somehow has the token still cannot open it (CSWSH).
    expect(await tryWebSocket(`${base}?token=${h.server.token}`, { Origin: 'http://evil.example' })).toEqual({
      opened: false,
      status: 403
    })
  })
})

describe('path traversal', () => {
  const t = (): string => `token=${h.server.token}`
  const attempts = (): string[] => [
    `/files/../settings.json?${t()}`,
    `/files/runs/../../${path.basename(outside)}/secret.txt?${t()}`,
    `/files/%2e%2e/%2e%2e/etc/passwd?${t()}`,
    `/files/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd?${t()}`,
    `/files/runs%2f..%2f..%2f..%2fetc%2fpasswd?${t()}`,
    `/files/..%5c..%5cetc%5cpasswd?${t()}`,
    `/files/%252e%252e/etc/passwd?${t()}`,
    `/files//etc/passwd?${t()}`,
    `/files/runs/r1/samples/evil.png?${t()}`,
    `/files/runs/linkdir/secret.txt?${t()}`,
    `/files/runs/r1/samples/step-000001.png%00.txt?${t()}`,
    `/files/%E0%A4%A?${t()}`,
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/evil.js'
  ]

  it('never returns a file outside the data dir or the renderer dir', async () => {
    for (const p of attempts()) {
      const r = await rawGet(h.server.port, p)
      expect(r.status, p).toBeGreaterThanOrEqual(400)
      expect(r.body, p).not.toContain('TOP-SECRET')
      expect(r.body, p).not.toContain('root:')
    }
  })

  it('refuses symlinks that lead out with 403', async () => {
    expect(
      (await rawGet(h.server.port, `/files/runs/r1/samples/evil.png?token=${h.server.token}`)).status
    ).toBe(403)
    expect((await rawGet(h.server.port, '/assets/evil.js')).status).toBe(403)
  })
})

describe('payload fuzz over the socket', () => {
  async function call(
    ws: WebSocket,
    id: number,
    method: unknown,
    payload: unknown
  ): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
    return new Promise((resolve) => {
      const onMsg = (raw: WebSocket.RawData): void => {
        const m = JSON.parse(raw.toString()) as {
          type: string
          id: number
          ok: boolean
          error?: { code: string; message: string }
        }
        if (m.type === 'reply' && m.id === id) {
          ws.off('message', onMsg)
          resolve(m)
        }
      }
      ws.on('message', onMsg)
      ws.send(JSON.stringify({ id, method, payload }))
    })
  }

  it('answers every malformed request with invalid-input and touches nothing outside', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.server.port}/ws?token=${h.server.token}`)
    await new Promise((r) => ws.once('open', r))
    const evilIds = [
      '../../etc/passwd',
      '..',
      '.',
      '',
      'a/b',
      'a\\b',
      '%2e%2e',
      `../${path.basename(outside)}`,
      'x'.repeat(500),
      '..\u0000',
      'ok\n'
    ]
    const cases: Array<[unknown, unknown]> = [
      ['nope:nope', {}],
      ['__proto__', {}],
      ['constructor', {}],
      [42, {}],
      ['runs:list', { extra: true }],
      ['runs:list', 'str'],
      ['runs:list', [1, 2]],
      ['runs:metrics', { runId: 'r1', sinceStep: 1e308 }],
      ['runs:metrics', { runId: 'r1', sinceStep: 'zero' }],
      ['training:start', { config: { batchSize: 1e12 } }],
      ['training:start', { config: { dataset: '../../etc' } }],
      ['training:start', { config: { lrG: -1 } }],
      ['training:start', { config: {}, evil: 1 }],
      ['training:update', { runId: 'r1', live: { lrG: Infinity } }],
      ['settings:update', { theme: { $gt: '' } }],
      ['settings:update', JSON.parse('{"__proto__":{"polluted":true}}')],
      ['settings:update', JSON.parse('{"constructor":{"prototype":{"polluted":true}}}')],
      ['explorer:generate', { runId: 'r1', source: { seeds: Array(10_000).fill(1) } }],
      ['datasets:thumbnails', { id: 'mnist', limit: 1e9 }],
      ['checkpoints:pin', { runId: 'r1', checkpoint: '../../x', pinned: true }]
    ]
    const idMethods: RequestName[] = [
      'runs:get',
      'runs:delete',
      'runs:events',
      'runs:samples',
      'training:stop',
      'checkpoints:list',
      'runs:rename'
    ]
    for (const m of idMethods)
      for (const id of evilIds)
        cases.push([m, m === 'runs:rename' ? { runId: id, name: 'x' } : { runId: id }])
    for (const id of evilIds) cases.push(['datasets:remove', { id }], ['datasets:report', { id }])

    let n = 1
    for (const [method, payload] of cases) {
      const r = await call(ws, n++, method, payload)
      expect(r.ok, `${String(method)} ${JSON.stringify(payload)?.slice(0, 80)}`).toBe(false)
      expect(r.error?.code, `${String(method)} ${JSON.stringify(payload)?.slice(0, 80)}`).toBe(
        'invalid-input'
      )
    }
    // Garbage frames get an error reply, not a dropped connection.
    ws.send('not json')
    ws.send(JSON.stringify({ method: 'runs:list' }))
    const r = await call(ws, 9999, 'runs:list', {})
    expect(r.ok).toBe(true)
    ws.close()

    expect(readdirSync(outside).sort()).toEqual(['secret.txt'])
    expect(existsSync(path.join(outside, 'secret.txt'))).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(REQUEST_NAMES.length).toBeGreaterThanOrEqual(29)
  })

  it('every request name gets a structured answer for an empty payload (no crash, no hang)', async () => {
    for (const name of REQUEST_NAMES) {
      if (name === 'app:info' || name === 'training:estimate' || name === 'training:start') continue // these launch processes
      const env = await h.service.dispatch(name, {})
      expect(env.ok || typeof env.error.code === 'string', name).toBe(true)
    }
  })
})
