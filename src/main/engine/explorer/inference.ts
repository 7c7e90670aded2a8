/**
 * The explorer's compute side as one object with plain-data methods: load a checkpoint's
 * generator (cached), render images, grids, strips and GIFs with provenance, find directions and
 * nearest training images, export the model. It runs in-process in the CLI and inside the
 * inference worker for the studio (src/main/worker/inference-worker.ts), so rendering never waits
 * behind a training step. Only numbers, typed arrays and bytes go in and out.
 */
import { loadBackend } from '../backend'
import { loadDataset } from '../data/datasets'
import { encodePng, tileGrid } from '../../imaging/png'
import { encodeGif } from '../../imaging/gif'
import { APP_VERSION } from '../../version'
import type { BackendChoice } from '../../../shared/hyperparams'
import { resolveCheckpoint, type ResolvedCheckpoint } from './checkpoint-source'
import { GeneratorModel, type GeneratedImages } from './generator-model'
import { computeDirections } from './directions'
import { nearestImages } from './nearest'
import { makeProvenance, provenanceText, type Provenance } from './provenance'
import { exportGenerator, exportReadme } from './tfjs-export'

/** Which generator to use. */
export interface ModelRef {
  /** A checkpoint folder or a run folder (its newest complete checkpoint). */
  checkpointDir: string
  /** Use the EMA weights when the checkpoint has them (default true). */
  ema?: boolean
  /** Class to generate with a conditional model (default 0); ignored by unconditional ones. */
  label?: number
}

/** Latents as sent over a process boundary. */
export type LatentList = ReadonlyArray<Float32Array | readonly number[]>

/** Facts about a loaded generator. */
export interface ModelInfo {
  checkpointDir: string
  checkpoint: string
  step: number
  runId: string
  latentDim: number
  imageShape: [number, number, number]
  /** True when the EMA weights are in use. */
  ema: boolean
  conditional: boolean
  /** Classes of a conditional model (0 otherwise). */
  classes: number
  datasetId: string
  model: string
  /** Newer checkpoints skipped because they did not verify. */
  skipped: Array<{ name: string; reason: string }>
}

/** What the caller knows about an export's origin; the engine adds run, checkpoint, step, version. */
export type ProvenanceInput = Pick<Provenance, 'kind'> &
  Partial<Pick<Provenance, 'seeds' | 'interpolation' | 'columns' | 'scale'>> & {
    /** Latents to record; defaults to the rendered ones. */
    latents?: LatentList
  }

interface Loaded {
  resolved: ResolvedCheckpoint
  model: GeneratorModel
}

function toF32(z: Float32Array | readonly number[]): Float32Array {
  return z instanceof Float32Array ? z : Float32Array.from(z)
}

const MAX_CACHED = 3

/** The methods a caller may invoke across the worker boundary (all async, plain data in and out). */
export const INFERENCE_METHODS = [
  'info',
  'generate',
  'imagePngs',
  'gridPng',
  'gif',
  'directions',
  'nearest',
  'exportModel',
  'forget'
] as const
/** One of INFERENCE_METHODS. */
export type InferenceMethod = (typeof INFERENCE_METHODS)[number]
/** The engine's callable surface, in-process or through the worker. */
export type InferenceApi = Pick<InferenceEngine, InferenceMethod>

export class InferenceEngine {
  private backendReady: Promise<unknown> | undefined
  private readonly cache = new Map<string, Promise<Loaded>>()

  /** `threads`: the `threads` setting for the wasm backend (default: GAN_STUDIO_THREADS, else one per physical core). */
  constructor(
    private readonly backend: BackendChoice = 'auto',
    private readonly threads?: number
  ) {}

  /** Loads the compute backend once. */
  async ready(): Promise<void> {
    this.backendReady ??= loadBackend(this.backend, undefined, this.threads)
    await this.backendReady
  }

  private async load(ref: ModelRef): Promise<Loaded> {
    await this.ready()
    const key = `${ref.checkpointDir}\u0000${ref.ema ?? true}`
    let p = this.cache.get(key)
    if (!p) {
      p = (async (): Promise<Loaded> => {
        const resolved = await resolveCheckpoint(ref.checkpointDir)
        return {
          resolved,
          model: GeneratorModel.fromCheckpoint(resolved.checkpoint, { ema: ref.ema ?? true })
        }
      })()
      this.cache.set(key, p)
      p.catch(() => this.cache.delete(key))
      // A run folder's newest checkpoint moves on as training continues: keep only a few models.
      while (this.cache.size > MAX_CACHED) {
        const [oldKey, old] = this.cache.entries().next().value as [string, Promise<Loaded>]
        this.cache.delete(oldKey)
        void old.then(
          (l) => l.model.dispose(),
          () => undefined
        )
      }
    }
    return p
  }

  /** Drops cached models (a run folder's newest checkpoint changed). */
  async forget(): Promise<void> {
    for (const p of this.cache.values())
      void p.then(
        (l) => l.model.dispose(),
        () => undefined
      )
    this.cache.clear()
  }

  /** Facts about the generator a ref resolves to. */
  async info(ref: ModelRef): Promise<ModelInfo> {
    const { resolved, model } = await this.load(ref)
    const s = resolved.checkpoint.state
    return {
      checkpointDir: resolved.checkpoint.dir,
      checkpoint: resolved.checkpoint.name,
      step: s.step,
      runId: s.runId,
      latentDim: model.latentDim,
      imageShape: model.imageShape,
      ema: model.source === 'ema',
      conditional: model.classes > 0,
      classes: model.classes,
      datasetId: s.dataset.id,
      model: s.config.model,
      skipped: resolved.skipped
    }
  }

  /** Raw uint8 images for latents (after truncation ψ). */
  async generate(ref: ModelRef, latents: LatentList, truncation = 1): Promise<GeneratedImages> {
    const { model } = await this.load(ref)
    return model.generate(latents.map(toF32), truncation, ref.label !== undefined ? [ref.label] : undefined)
  }

  /** One small PNG per latent (the UI shows them as data URLs). */
  async imagePngs(ref: ModelRef, latents: LatentList, truncation = 1, scale = 1): Promise<Uint8Array[]> {
    const g = await this.generate(ref, latents, truncation)
    const size = g.height * g.width * g.channels
    return Array.from({ length: g.n }, (_, i) => {
      const px = g.pixels.subarray(i * size, (i + 1) * size)
      const t =
        scale === 1
          ? { pixels: px, width: g.width, height: g.height }
          : tileGrid(px, 1, g.height, g.width, g.channels, 1, scale, 0)
      return new Uint8Array(encodePng(t.pixels, t.width, t.height, g.channels as 1 | 3, {}))
    })
  }

  private async provenance(
    ref: ModelRef,
    rendered: LatentList,
    truncation: number,
    p: ProvenanceInput
  ): Promise<Provenance> {
    const info = await this.info(ref)
    return makeProvenance({
      kind: p.kind,
      appVersion: APP_VERSION,
      runId: info.runId,
      checkpoint: info.checkpoint,
      step: info.step,
      ema: info.ema,
      ...(p.seeds ? { seeds: p.seeds } : {}),
      latents: (p.latents ?? rendered).map(toF32),
      truncation,
      ...(p.interpolation ? { interpolation: p.interpolation } : {}),
      ...(p.columns !== undefined ? { columns: p.columns } : {}),
      ...(p.scale !== undefined ? { scale: p.scale } : {})
    })
  }

  /**
   * A PNG grid (or a strip: columns = count) with a 1 px gap between images, scaled ×`scale` with
   * nearest-neighbour, carrying provenance in its text chunks. One image → no gap.
   */
  async gridPng(
    ref: ModelRef,
    latents: LatentList,
    opts: { truncation?: number; columns?: number; scale?: number; provenance: ProvenanceInput }
  ): Promise<Uint8Array> {
    const truncation = opts.truncation ?? 1
    const scale = opts.scale ?? 1
    const g = await this.generate(ref, latents, truncation)
    const columns = Math.max(1, Math.min(opts.columns ?? g.n, g.n))
    const gap = g.n === 1 ? 0 : 1
    const t = tileGrid(g.pixels, g.n, g.height, g.width, g.channels, columns, scale, gap)
    const prov = await this.provenance(ref, latents, truncation, { ...opts.provenance, columns, scale })
    return new Uint8Array(encodePng(t.pixels, t.width, t.height, g.channels as 1 | 3, provenanceText(prov)))
  }

  /** An animated GIF, one frame per latent, looping, scaled ×`scale`. */
  async gif(
    ref: ModelRef,
    latents: LatentList,
    opts: { truncation?: number; fps: number; scale?: number }
  ): Promise<Uint8Array> {
    const g = await this.generate(ref, latents, opts.truncation ?? 1)
    const scale = opts.scale ?? 1
    const size = g.height * g.width * g.channels
    const frames = Array.from(
      { length: g.n },
      (_, i) =>
        tileGrid(g.pixels.subarray(i * size, (i + 1) * size), 1, g.height, g.width, g.channels, 1, scale, 0)
          .pixels
    )
    return encodeGif(
      { frames, width: g.width * scale, height: g.height * scale, channels: g.channels as 1 | 3 },
      opts.fps
    )
  }

  /** GANSpace directions for the generator (cached per model). */
  async directions(
    ref: ModelRef,
    count = 8
  ): Promise<{ directions: number[][]; explained: number[]; scale: number[] }> {
    const { model } = await this.load(ref)
    const d = await computeDirections(model, { count })
    return { directions: d.directions.map((v) => Array.from(v)), explained: d.explained, scale: d.scale }
  }

  /**
   * The sample for `latent` and its `k` nearest training images (PNGs) with their distances,
   * from the dataset the checkpoint was trained on.
   */
  async nearest(
    ref: ModelRef,
    dataDir: string,
    latent: Float32Array | readonly number[],
    opts: { truncation?: number; k?: number } = {}
  ): Promise<{
    sample: Uint8Array
    neighbours: Array<{ index: number; rms: number; png: Uint8Array; label?: number }>
    memorised: boolean
    threshold: number
  }> {
    const info = await this.info(ref)
    const g = await this.generate(ref, [latent], opts.truncation ?? 1)
    const ds = await loadDataset(dataDir, info.datasetId)
    const [h, w, c] = ds.index.shape
    if (h !== g.height || w !== g.width || c !== g.channels) {
      throw new Error(
        `The dataset '${info.datasetId}' holds ${h}x${w}x${c} images, the generator makes ${g.height}x${g.width}x${g.channels}`
      )
    }
    const r = nearestImages(g.pixels, ds.images, opts.k ?? 8)
    const size = h * w * c
    const png = (px: Uint8Array): Uint8Array => new Uint8Array(encodePng(px, w, h, c as 1 | 3))
    return {
      sample: png(g.pixels),
      neighbours: r.neighbours.map((n) => ({
        index: n.index,
        rms: n.rms,
        png: png(ds.images.subarray(n.index * size, (n.index + 1) * size)),
        ...(ds.labels ? { label: ds.labels[n.index] as number } : {})
      })),
      memorised: r.memorised,
      threshold: r.threshold
    }
  }

  /** Writes the generator as a tfjs Layers model (model.json + weights + README) into `outDir`. */
  async exportModel(ref: ModelRef, outDir: string): Promise<{ dir: string; files: string[]; bytes: number }> {
    const { model } = await this.load(ref)
    const info = await this.info(ref)
    const readme = exportReadme({
      latentDim: info.latentDim,
      imageShape: info.imageShape,
      runId: info.runId,
      checkpoint: info.checkpoint,
      step: info.step,
      ema: info.ema,
      appVersion: APP_VERSION
    })
    return exportGenerator(model, outDir, {
      readme,
      userDefinedMetadata: {
        ganStudio: {
          appVersion: APP_VERSION,
          runId: info.runId,
          checkpoint: info.checkpoint,
          step: info.step,
          ema: info.ema,
          latentDim: info.latentDim,
          imageShape: info.imageShape,
          outputRange: [-1, 1]
        }
      }
    })
  }
}
