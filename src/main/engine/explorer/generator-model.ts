/**
 * A generator loaded from a checkpoint for inference only: the EMA weights when the checkpoint
 * has them (much less noisy), BatchNorm in eval mode (running statistics), no discriminator, no
 * optimizer. Images come back as uint8 pixels, the same mapping the trainer's sample grids use.
 */
import { tf } from '../tf'
import { outputShape, tensorSpecs } from '../models/network'
import type { ArchSpec } from '../models/arch'
import { batchNormEval, forward } from '../models/forward'
import type { LoadedCheckpoint, LoadedTensor } from '../checkpoint/reader'
import { truncate } from './latent'

/** A batch of generated images, interleaved uint8 [n, height, width, channels]. */
export interface GeneratedImages {
  pixels: Uint8Array
  n: number
  height: number
  width: number
  channels: number
}

/** Which weights a GeneratorModel was built from. */
export type WeightSource = 'ema' | 'generator'

export class GeneratorModel {
  /** Size of one latent vector (without the class one-hot of a conditional model). */
  readonly latentDim: number
  /** [height, width, channels] of one image. */
  readonly imageShape: [number, number, number]
  /** Classes of a conditional generator (one-hot appended to the latent); 0 when unconditional. */
  readonly classes: number

  private constructor(
    /** The architecture (for export). */
    readonly arch: ArchSpec,
    private readonly tensors: Map<string, tf.Tensor>,
    /** Where the weights came from: 'ema' when the checkpoint had EMA weights and they were asked for. */
    readonly source: WeightSource
  ) {
    const input = arch.input
    if (input.length !== 1)
      throw new Error(`Expected a generator with a flat latent input, but got [${input.join(', ')}]`)
    this.latentDim = input[0] as number
    this.classes = arch.conditioning?.mode === 'concat' ? arch.conditioning.classes : 0
    const out = outputShape(arch)
    if (out.length !== 3)
      throw new Error(`Expected a generator producing HxWxC images, but it produces [${out.join(', ')}]`)
    this.imageShape = out as [number, number, number]
  }

  /**
   * Builds the generator from a verified checkpoint. `ema` (default true) uses the EMA weights
   * when present and falls back to the raw generator otherwise.
   */
  static fromCheckpoint(ckpt: LoadedCheckpoint, opts: { ema?: boolean } = {}): GeneratorModel {
    const ema = ckpt.tensors.ema ?? []
    const useEma = (opts.ema ?? true) && ema.length > 0
    const tensors = useEma ? ema : (ckpt.tensors.generator ?? [])
    return GeneratorModel.fromTensors(ckpt.state.archs.generator, tensors, useEma ? 'ema' : 'generator')
  }

  /**
   * Builds the generator from an architecture and named tensors (weights and BatchNorm
   * statistics), checking every tensor the architecture needs is there with its shape.
   */
  static fromTensors(
    arch: ArchSpec,
    tensors: readonly LoadedTensor[],
    source: WeightSource = 'generator'
  ): GeneratorModel {
    const byName = new Map(tensors.map((t) => [t.name, t]))
    const out = new Map<string, tf.Tensor>()
    try {
      for (const spec of tensorSpecs(arch)) {
        const t = byName.get(spec.name)
        if (!t)
          throw new Error(
            `The checkpoint has no generator tensor ${spec.name}: it was saved by a different model`
          )
        if (t.shape.join('x') !== spec.shape.join('x')) {
          throw new Error(
            `The checkpoint's generator/${spec.name} has shape [${t.shape.join(', ')}], the model needs [${spec.shape.join(', ')}]`
          )
        }
        out.set(spec.name, tf.tensor(t.values, t.shape))
      }
    } catch (err) {
      for (const t of out.values()) t.dispose()
      throw err
    }
    return new GeneratorModel(arch, out, source)
  }

  /** Every tensor's values by name (weights and BatchNorm statistics), for export. */
  async namedValues(): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
    const out = new Map<string, { shape: number[]; values: Float32Array }>()
    for (const [name, v] of this.tensors)
      out.set(name, { shape: [...v.shape], values: new Float32Array(await v.data()) })
    return out
  }

  /** The network input: truncated latents, plus the class one-hot for a conditional model. */
  private inputBatch(
    latents: readonly Float32Array[],
    truncation: number,
    labels?: readonly number[]
  ): tf.Tensor2D {
    const d = this.latentDim
    const width = d + this.classes
    const flat = new Float32Array(latents.length * width)
    latents.forEach((z, i) => {
      if (z.length !== d) throw new Error(`Expected latents of size ${d}, but got one of size ${z.length}`)
      flat.set(truncation === 1 ? z : truncate(z, truncation), i * width)
      if (this.classes > 0) {
        const label = labels?.[i] ?? labels?.[0] ?? 0
        if (!Number.isInteger(label) || label < 0 || label >= this.classes) {
          throw new Error(`Expected a class from 0 to ${this.classes - 1}, but got ${label}`)
        }
        flat[i * width + d + label] = 1
      }
    })
    return tf.tensor2d(flat, [latents.length, width])
  }

  /** Raw generator output in [-1, 1], float32 [n, h, w, c]. */
  async generateFloat(
    latents: readonly Float32Array[],
    truncation = 1,
    labels?: readonly number[]
  ): Promise<Float32Array> {
    if (latents.length === 0) return new Float32Array(0)
    const t = tf.tidy(() => applyArch(this.arch, this.inputBatch(latents, truncation, labels), this.tensors))
    try {
      return new Float32Array(await t.data())
    } finally {
      t.dispose()
    }
  }

  /**
   * Generates one image per latent (after truncation ψ towards zero) as uint8 pixels. Same mapping
   * as the trainer's sample grids: round((x + 1) · 127.5) clipped to 0..255. `labels` picks the
   * class of a conditional model (one per latent, or one for all; default class 0).
   */
  async generate(
    latents: readonly Float32Array[],
    truncation = 1,
    labels?: readonly number[]
  ): Promise<GeneratedImages> {
    const [height, width, channels] = this.imageShape
    if (latents.length === 0) return { pixels: new Uint8Array(0), n: 0, height, width, channels }
    const t = tf.tidy(() => {
      const x = applyArch(this.arch, this.inputBatch(latents, truncation, labels), this.tensors)
      return tf.cast(tf.clipByValue(tf.round(tf.mul(tf.add(x, 1), 127.5)), 0, 255), 'int32')
    })
    try {
      const data = await t.data()
      return { pixels: Uint8Array.from(data), n: latents.length, height, width, channels }
    } finally {
      t.dispose()
    }
  }

  /**
   * Activations after the first `layerCount` layers for a batch of latents, flattened [n, features]
   * (GANSpace runs PCA on the first layer's output).
   */
  async activations(
    latents: readonly Float32Array[],
    layerCount: number
  ): Promise<{ values: Float32Array; features: number }> {
    const prefix: ArchSpec = { ...this.arch, layers: this.arch.layers.slice(0, layerCount) }
    const out = outputShape(prefix)
    const features = out.reduce((a, b) => a * b, 1)
    // Same layer names (kind + index) as the full network, so its tensors serve the prefix as-is.
    const t = tf.tidy(() =>
      tf.reshape(applyArch(prefix, this.inputBatch(latents, 1), this.tensors), [latents.length, features])
    )
    try {
      return { values: new Float32Array(await t.data()), features }
    } finally {
      t.dispose()
    }
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose()
    this.tensors.clear()
  }
}

/** Eval-mode forward pass of an architecture over named tensors. Call inside tf.tidy. */
function applyArch(arch: ArchSpec, x: tf.Tensor, tensors: ReadonlyMap<string, tf.Tensor>): tf.Tensor {
  const tensor = (name: string): tf.Tensor => {
    const t = tensors.get(name)
    if (!t) throw new Error(`generator has no tensor named ${name}`)
    return t
  }
  return forward(arch, x, { tensor, batchNorm: (h, n, l) => batchNormEval(h, n, l.epsilon, tensor) })
}
