import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  createClient,
  EVENT_NAMES,
  isRequestName,
  parseRequest,
  REQUEST_NAMES,
  requests,
  reviveErrors,
  type Envelope,
  type RunSummary,
  type StudioApi
} from '../../../src/shared/contract'
import { StudioError } from '../../../src/shared/errors'

describe('contract table', () => {
  it('names every request domain:verb and documents it', () => {
    for (const name of REQUEST_NAMES) {
      expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/)
      expect(requests[name].doc.length).toBeGreaterThan(5)
    }
    expect(REQUEST_NAMES).toContain('training:start')
    expect(EVENT_NAMES).toContain('training:progress')
  })

  it('rejects unknown fields, bad ids and out-of-range numbers as invalid-input', () => {
    const bad: Array<[Parameters<typeof parseRequest>[0], unknown]> = [
      ['runs:get', { runId: '../../etc/passwd' }],
      ['runs:get', { runId: '..' }],
      ['runs:get', { runId: '.' }],
      ['runs:get', { runId: '.hidden' }],
      ['runs:get', { runId: 'a/b' }],
      ['runs:get', { runId: 42 }],
      ['runs:get', { runId: 'ok', extra: 1 }],
      ['runs:metrics', { runId: 'ok', sinceStep: 1e300 }],
      ['training:start', { config: { batchSize: 1e9 } }],
      ['training:start', { config: { nope: true } }],
      ['training:update', { runId: 'r', live: { lrG: 'fast' } }],
      ['settings:update', { theme: 'pink' }],
      ['app:info', { x: 1 }],
      ['app:info', 'string']
    ]
    for (const [name, payload] of bad) {
      expect(() => parseRequest(name, payload), `${name} ${JSON.stringify(payload)}`).toThrow(StudioError)
      try {
        parseRequest(name, payload)
      } catch (e) {
        expect((e as StudioError).code).toBe('invalid-input')
      }
    }
    expect(() => parseRequest('nope:nope' as 'app:info', {})).toThrow(/Unknown request/)
    expect(isRequestName('__proto__')).toBe(false)
    expect(isRequestName('toString')).toBe(false)
  })

  it('fills defaults on the receiving side', () => {
    const p = parseRequest('training:start', { config: { model: 'mlp' } })
    expect(p.config.batchSize).toBe(32)
    expect(parseRequest('app:info', undefined)).toEqual({})
  })
})

describe('createClient', () => {
  it('groups requests by domain, unwraps envelopes and throws StudioError on failure', async () => {
    const calls: Array<[string, unknown]> = []
    const subs: string[] = []
    const api: StudioApi = createClient(
      async (name, payload): Promise<Envelope> => {
        calls.push([name, payload])
        if (name === 'runs:delete') return { ok: false, error: { code: 'conflict', message: 'live' } }
        return { ok: true, value: [] }
      },
      (name) => {
        subs.push(name)
        return () => subs.splice(subs.indexOf(name), 1)
      },
      { fileUrl: (p) => `x/${p}`, transport: 'serve' }
    )
    const list = await api.runs.list()
    expectTypeOf(list).toEqualTypeOf<RunSummary[]>()
    expect(calls[0]).toEqual(['runs:list', {}])
    await expect(api.runs.delete({ runId: 'a' })).rejects.toMatchObject({ code: 'conflict', message: 'live' })
    const off = api.on.progress(() => undefined)
    expect(subs).toEqual(['training:progress'])
    off()
    expect(subs).toEqual([])
    expect(api.fileUrl('runs/a.png')).toBe('x/runs/a.png')
    expect(typeof api.export.gif).toBe('function')
    expect(typeof api.datasets.cancelImport).toBe('function')
  })
})

describe('reviveErrors', () => {
  it('turns plain { code, message } rejections (contextBridge) back into StudioErrors', async () => {
    const bridged = createClient(
      async (): Promise<Envelope> => ({ ok: false, error: { code: 'not-found', message: 'gone' } }),
      () => () => undefined,
      { fileUrl: (p) => p, transport: 'electron', toError: (e) => ({ ...e }) }
    )
    await expect(bridged.runs.list()).rejects.not.toBeInstanceOf(StudioError)
    const api = reviveErrors(bridged)
    const err = await api.runs.list().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StudioError)
    expect(err).toMatchObject({ code: 'not-found', message: 'gone' })
    expect(api.transport).toBe('electron')
    expect(typeof api.on.progress).toBe('function')
  })
})
