/** A tiny fully-connected GAN: fast on any backend, for tests and quick sanity runs. */
import { expectPositiveInt, type ArchSpec } from './arch'

export interface MlpOptions {
  imageSize: number
  channels: number
  latentDim: number
  width: number
}

export function mlpGenerator(o: MlpOptions): ArchSpec {
  expectPositiveInt('latentDim', o.latentDim)
  const hidden = Math.max(16, Math.round(128 * o.width))
  const pixels = o.imageSize * o.imageSize * o.channels
  return {
    input: [o.latentDim],
    layers: [
      { kind: 'dense', units: hidden, bias: true },
      { kind: 'lrelu', alpha: 0.2 },
      { kind: 'dense', units: hidden * 2, bias: true },
      { kind: 'lrelu', alpha: 0.2 },
      { kind: 'dense', units: pixels, bias: true },
      { kind: 'tanh' },
      { kind: 'reshape', shape: [o.imageSize, o.imageSize, o.channels] }
    ]
  }
}

export function mlpDiscriminator(o: MlpOptions): ArchSpec {
  const hidden = Math.max(16, Math.round(128 * o.width))
  return {
    input: [o.imageSize, o.imageSize, o.channels],
    layers: [
      { kind: 'flatten' },
      { kind: 'dense', units: hidden * 2, bias: true },
      { kind: 'lrelu', alpha: 0.2 },
      { kind: 'dense', units: hidden, bias: true },
      { kind: 'lrelu', alpha: 0.2 },
      { kind: 'dense', units: 1, bias: true }
    ]
  }
}
