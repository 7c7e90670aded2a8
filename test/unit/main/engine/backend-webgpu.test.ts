/**
 * WebGPU adapter choice with a simulated Dawn: software adapters are recognised, `auto` never
 * picks one, an explicit `webgpu` does, a hardware adapter wins over a software one, and every
 * "none" case says why.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { loadBackend, type ModuleImporter } from '../../../../src/main/engine/backend'
import { isSoftwareAdapter, listGpuAdapters } from '../../../../src/main/engine/backend-webgpu'
import { tf } from '../../../../src/main/engine/tf'

interface FakeInfo {
  vendor: string
  architecture: string
  device: string
  description: string
  isFallbackAdapter?: boolean
}

const LAVAPIPE: FakeInfo = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
  isFallbackAdapter: true
}
const RTX: FakeInfo = {
  vendor: 'nvidia',
  architecture: 'ampere',
  device: '',
  description: 'NVIDIA GeForce RTX 3080'
}

/** A Dawn module whose adapters record which one was asked for a device (then refuse it). */
function fakeDawn(byRequest: Array<FakeInfo | null>, devices: string[]): ModuleImporter {
  const adapter = (info: FakeInfo): unknown => ({
    info,
    features: new Set<string>(),
    limits: {},
    requestDevice: async () => {
      devices.push(info.description)
      throw new Error(`simulated: no device on ${info.description}`)
    }
  })
  return async (name) => {
    if (name.includes('tfjs-node')) throw new Error(`simulated: ${name} absent`)
    if (name !== 'webgpu') return (await import(name)) as unknown
    let i = 0
    return {
      globals: {},
      create: () => ({
        requestAdapter: async () => {
          const info = byRequest[i++] ?? null
          return info ? adapter(info) : null
        }
      })
    }
  }
}

describe('webgpu adapters', () => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('recognises software adapters by the fallback flag and by name', () => {
    expect(isSoftwareAdapter(LAVAPIPE)).toBe(true)
    expect(isSoftwareAdapter({ ...LAVAPIPE, isFallbackAdapter: false })).toBe(true)
    expect(
      isSoftwareAdapter({ vendor: 'google', architecture: '', description: 'SwiftShader Device (Subzero)' })
    ).toBe(true)
    expect(isSoftwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(
      true
    )
    expect(isSoftwareAdapter(RTX)).toBe(false)
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' })).toBe(
      false
    )
    expect(
      isSoftwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) UHD 770' })
    ).toBe(false)
    expect(
      isSoftwareAdapter({ vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon RX 7900' })
    ).toBe(false)
  })

  it('auto skips a software adapter, says why and still lists it', async () => {
    const devices: string[] = []
    const report = await loadBackend('auto', fakeDawn([LAVAPIPE, LAVAPIPE, LAVAPIPE], devices))
    expect(report.active).toBe('wasm')
    expect(devices).toEqual([])
    const webgpu = report.attempts.find((a) => a.name === 'webgpu')
    expect(webgpu?.reason).toMatch(
      /^only software WebGPU adapters found \(llvmpipe: Mesa 25\.0\.7.*pass --backend webgpu/
    )
    expect(report.gpu?.adapters).toEqual([
      {
        vendor: 'mesa',
        architecture: 'software',
        device: LAVAPIPE.device,
        description: LAVAPIPE.description,
        software: true
      }
    ])
  })

  it('an explicit webgpu uses the software adapter', async () => {
    const devices: string[] = []
    await expect(loadBackend('webgpu', fakeDawn([LAVAPIPE, null, LAVAPIPE], devices))).rejects.toThrow(
      /webgpu backend failed to initialise/
    )
    expect(devices).toEqual([LAVAPIPE.description])
  })

  it('a hardware adapter wins over a software one, in auto too', async () => {
    const devices: string[] = []
    // Dawn's answers: high-performance → the GPU, low-power → the same GPU, fallback → lavapipe.
    const importer = fakeDawn([RTX, RTX, LAVAPIPE], devices)
    const report = await loadBackend('auto', importer)
    expect(devices).toEqual([RTX.description])
    expect(report.gpu?.adapters.map((a) => [a.description, a.software])).toEqual([
      [RTX.description, false],
      [LAVAPIPE.description, true]
    ])
  })

  it('no adapter at all: the note names the driver to install', async () => {
    const dawn = fakeDawn([null, null, null], [])
    const report = await listGpuAdapters(async () => (await dawn('webgpu')) as never)
    expect(report.adapters).toEqual([])
    expect(report.note).toMatch(/Dawn found no (Vulkan|Direct3D 12 or Vulkan|Metal) adapter/)
  })
})
