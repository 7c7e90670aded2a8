/**
 * The page's `studio` over a `window.studio` that copies payloads the way Electron's contextBridge
 * does (structured clone: Proxies and functions are refused). Vue reactive state is Proxies, so a
 * store that passes `run.config` straight through used to fail with "could not be cloned".
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { reactive } from 'vue'
import { createClient, type Envelope } from '../../../../src/shared/contract'

function bridgedWindowStudio(seen: unknown[]): ReturnType<typeof createClient> {
  return createClient(
    async (name, payload): Promise<Envelope> => {
      // contextBridge: "An object could not be cloned" for a Proxy, as structuredClone here.
      const copied = structuredClone(payload)
      seen.push(copied)
      if (name === 'runs:get') return { ok: false, error: { code: 'not-found', message: 'No such run' } }
      return { ok: true, value: copied }
    },
    () => () => undefined,
    { fileUrl: (p) => `app://data/${p}`, transport: 'electron', toError: (e) => ({ ...e }) }
  )
}

async function pageStudio(
  seen: unknown[]
): Promise<typeof import('../../../../src/renderer/src/api').studio> {
  vi.resetModules()
  vi.stubGlobal('window', { studio: bridgedWindowStudio(seen) })
  return (await import('../../../../src/renderer/src/api')).studio
}

afterEach(() => vi.unstubAllGlobals())

describe('renderer api over the context bridge', () => {
  it('sends reactive state as plain data (branch with run.config, bookmark without a seed)', async () => {
    const seen: unknown[] = []
    const studio = await pageStudio(seen)
    const run = reactive({ config: { lr: 0.0002, arch: { layers: [1, 2, 3] }, seed: undefined } })
    // What stores/runs.ts branch() sends.
    await expect(
      studio.training.start({ config: run.config, from: { runId: 'r1', checkpoint: 'ckpt-10' } } as never)
    ).resolves.toEqual({
      config: { lr: 0.0002, arch: { layers: [1, 2, 3] } },
      from: { runId: 'r1', checkpoint: 'ckpt-10' }
    })
    const bookmarks = reactive({ list: [{ name: 'Edited', latent: new Float32Array([0.5, -1]) }] })
    await studio.explorer.saveBookmarks({ runId: 'r1', bookmarks: bookmarks.list } as never)
    expect(seen).toHaveLength(2)
    expect((seen[1] as { bookmarks: Array<{ latent: Float32Array }> }).bookmarks[0]?.latent).toEqual(
      new Float32Array([0.5, -1])
    )
  })

  it('still turns bridged errors into StudioErrors', async () => {
    const studio = await pageStudio([])
    const err = await studio.runs.get({ runId: 'nope' }).catch((e: unknown) => e)
    // resetModules gives the page its own copy of errors.ts, so compare by name, not instanceof.
    expect((err as Error).constructor.name).toBe('StudioError')
    expect(err).toMatchObject({ code: 'not-found', message: 'No such run' })
  })

  it('refuses a function in a payload with a message naming where it is', async () => {
    const studio = await pageStudio([])
    const err = await studio.training
      .start({ config: { onDone: (): void => undefined } } as never)
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'invalid-input' })
    expect((err as Error).message).toContain('$.config.onDone')
  })
})
