import { afterAll, describe, expect, it } from 'vitest'
import { describeLoadError, loadBackend, type ModuleImporter } from '../../../../src/main/engine/backend'
import { tf } from '../../../../src/main/engine/tf'

const real: ModuleImporter = async (name) => (await import(name)) as unknown

describe('backend loader', () => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('records why tensorflow failed and falls back to wasm', async () => {
    const importer: ModuleImporter = async (name) => {
      if (name === '@tensorflow/tfjs-node-gpu')
        throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory')
      if (name === '@tensorflow/tfjs-node')
        throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' })
      if (name === 'webgpu') throw new Error('dawn.node: simulated load failure')
      return real(name)
    }
    const report = await loadBackend('auto', importer)
    expect(report.active).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(report.attempts.map((a) => [a.variant, a.ok])).toEqual([
      ['@tensorflow/tfjs-node-gpu', false],
      ['@tensorflow/tfjs-backend-webgpu', false],
      ['@tensorflow/tfjs-node', false],
      ['@tensorflow/tfjs-backend-wasm', true]
    ])
    expect(report.attempts[0]?.reason).toBe(
      'libcudart.so.11.0: cannot open shared object file: No such file or directory'
    )
    expect(report.attempts[1]?.reason).toBe(
      'the webgpu package (Dawn) did not load: dawn.node: simulated load failure'
    )
    expect(report.gpu).toEqual({
      adapters: [],
      note: 'the webgpu package (Dawn) did not load: dawn.node: simulated load failure'
    })
    expect(report.attempts[2]?.reason).toMatch(/package not installed/)
  })

  it('falls back to cpu when wasm fails too', async () => {
    const importer: ModuleImporter = async (name) => {
      if (name.includes('tfjs-node') || name.includes('wasm') || name === 'webgpu')
        throw new Error(`simulated failure of ${name}`)
      return real(name)
    }
    const report = await loadBackend('auto', importer)
    expect(report.active).toBe('cpu')
    expect(report.attempts.find((a) => a.name === 'wasm')?.reason).toBe(
      'simulated failure of @tensorflow/tfjs-backend-wasm'
    )
  })

  it('a forced backend that fails throws with the reason instead of falling back', async () => {
    const importer: ModuleImporter = async (name) => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' })
    }
    await expect(loadBackend('tensorflow', importer)).rejects.toThrow(/package not installed/)
  })

  it('forcing cpu loads only cpu', async () => {
    const report = await loadBackend('cpu')
    expect(report.attempts).toHaveLength(1)
    expect(report.active).toBe('cpu')
  })

  it('the real tfjs-node packages are absent here and say so', async () => {
    const report = await loadBackend('auto')
    const tfNode = report.attempts.filter((a) => a.name === 'tensorflow')
    // Where libtensorflow is installed the first attempt succeeds; here it cannot be downloaded.
    if (report.active !== 'tensorflow') {
      expect(tfNode).toHaveLength(2)
      for (const a of tfNode) expect(a.reason).toBeTruthy()
    }
  })

  it('explains a missing package in words', () => {
    const e = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node'"), {
      code: 'MODULE_NOT_FOUND'
    })
    expect(describeLoadError('@tensorflow/tfjs-node', e)).toMatch(/package not installed/)
  })
})
