/**
 * DCGAN (Radford et al. 2016) generator and discriminator for 28, 32, 64 and 128 px, 1 or 3
 * channels, scaled by a width multiplier. 4×4 kernels with stride 2 (no checkerboard from uneven
 * overlap); BN + ReLU in G, LeakyReLU 0.2 in D, tanh output in [-1, 1].
 */
import { expectPositiveInt, type ArchSpec, type LayerSpec } from './arch'

export interface DcganOptions {
  imageSize: number
  channels: number
  latentDim: number
  width: number
}

const SIZES: Record<number, { base: number; stages: number }> = {
  28: { base: 7, stages: 2 },
  32: { base: 4, stages: 3 },
  64: { base: 4, stages: 4 },
  128: { base: 4, stages: 5 }
}

function check(o: DcganOptions): { base: number; stages: number } {
  const s = SIZES[o.imageSize]
  if (!s) throw new Error(`Expected imageSize to be one of 28, 32, 64, 128, but got ${o.imageSize}`)
  if (o.channels !== 1 && o.channels !== 3)
    throw new Error(`Expected channels to be 1 or 3, but got ${o.channels}`)
  expectPositiveInt('latentDim', o.latentDim)
  if (!(o.width > 0)) throw new Error(`Expected width to be a positive number, but got ${o.width}`)
  return s
}

/** Channel count of stage i (0 = smallest spatial size), at least 8. */
function stageChannels(o: DcganOptions, stages: number, i: number): number {
  return Math.max(8, Math.round(64 * o.width * 2 ** (stages - 1 - i)))
}

export function dcganGenerator(o: DcganOptions): ArchSpec {
  const { base, stages } = check(o)
  const c0 = stageChannels(o, stages, 0)
  const layers: LayerSpec[] = [
    { kind: 'dense', units: base * base * c0, bias: false },
    { kind: 'reshape', shape: [base, base, c0] },
    { kind: 'bn', momentum: 0.9, epsilon: 1e-5 },
    { kind: 'relu' }
  ]
  for (let i = 1; i < stages; i++) {
    layers.push({ kind: 'convT', filters: stageChannels(o, stages, i), kernel: 4, stride: 2, bias: false })
    layers.push({ kind: 'bn', momentum: 0.9, epsilon: 1e-5 }, { kind: 'relu' })
  }
  layers.push({ kind: 'convT', filters: o.channels, kernel: 4, stride: 2, bias: true }, { kind: 'tanh' })
  return { input: [o.latentDim], layers }
}

export function dcganDiscriminator(o: DcganOptions): ArchSpec {
  const { stages } = check(o)
  const layers: LayerSpec[] = []
  for (let i = 0; i < stages; i++) {
    layers.push({
      kind: 'conv',
      filters: stageChannels(o, stages, stages - 1 - i),
      kernel: 4,
      stride: 2,
      bias: true
    })
    layers.push({ kind: 'lrelu', alpha: 0.2 })
  }
  layers.push({ kind: 'flatten' }, { kind: 'dense', units: 1, bias: true })
  return { input: [o.imageSize, o.imageSize, o.channels], layers }
}
