/**
 * The explorer and export requests of the StudioService: resolves run and checkpoint ids to
 * folders inside the data dir, turns seeds into latents, and hands the rendering to the inference
 * engine (a worker process in the studio, see inference-client.ts). Exports land in
 * `<dataDir>/exports/`; paths returned are relative to the data dir.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { FileRef, ModelRefPayload, RequestPayload, RequestResult } from '../../../shared/contract'
import { StudioError } from '../../../shared/errors'
import { readDatasetIndex } from '../../engine/data/cache'
import { RUN_FILES, writeFileAtomic } from '../../engine/runs/store'
import { interpolatePath, latentsForSeeds } from '../../engine/explorer/latent'
import { readProvenance } from '../../engine/explorer/provenance'
import type { InferenceApi, ModelRef } from '../../engine/explorer/inference'
import type { ExplorerPort, ExportPort } from '../ports'
import { listCheckpointInfos, requireRun } from '../run-files'

/** A latent source as the contract carries it. */
type LatentSource = RequestPayload<'explorer:generate'>['source']
/** A bookmark as the contract carries it. */
export type Bookmark = RequestResult<'explorer:bookmarks'>[number]

const BOOKMARKS_FILE = 'bookmarks.json'

function dataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-')
}

/** Explorer + export requests over an inference engine. */
export class ExplorerService implements ExplorerPort, ExportPort {
  constructor(
    private readonly dataDir: string,
    private readonly inference: InferenceApi,
    private readonly now: () => Date = () => new Date()
  ) {}

  /** The engine's reference for the contract's: the checkpoint folder (default: the newest), EMA, class. */
  private async ref(m: ModelRefPayload): Promise<ModelRef & { checkpointName: string }> {
    const { runId, checkpoint, ema, label } = m
    const { runDir } = await requireRun(this.dataDir, runId)
    const infos = await listCheckpointInfos(runDir)
    const name = checkpoint ?? infos[0]?.name
    if (!name)
      throw new StudioError(
        'not-found',
        `Run '${runId}' has no checkpoint yet: train until the first checkpoint is written`
      )
    if (!infos.some((c) => c.name === name))
      throw new StudioError('not-found', `Run '${runId}' has no complete checkpoint '${name}'`)
    return {
      checkpointDir: path.join(runDir, RUN_FILES.checkpoints, name),
      ema,
      checkpointName: name,
      ...(label !== undefined ? { label } : {})
    }
  }

  private async latentDim(ref: ModelRef): Promise<number> {
    return (await this.inference.info(ref)).latentDim
  }

  /** Latents of a source: seeds through latentForSeed, explicit latents checked for size. */
  private latentsOf(source: LatentSource, dim: number): { latents: Float32Array[]; seeds?: number[] } {
    if (source.latents) {
      const bad = source.latents.find((z) => z.length !== dim)
      if (bad)
        throw new StudioError(
          'invalid-input',
          `Expected latents of ${dim} numbers for this model, but got one of ${bad.length}`
        )
      return { latents: source.latents.map((z) => Float32Array.from(z)) }
    }
    if (source.seeds) return { latents: latentsForSeeds(source.seeds, dim), seeds: source.seeds }
    throw new StudioError('invalid-input', 'Give seeds or latents')
  }

  /** One endpoint of an interpolation: the first latent of a source. */
  private endpoint(source: LatentSource, dim: number): { z: Float32Array; seed?: number } {
    const { latents, seeds } = this.latentsOf(source, dim)
    return { z: latents[0] as Float32Array, ...(seeds ? { seed: seeds[0] as number } : {}) }
  }

  private async writeExport(
    runId: string,
    ckpt: string,
    kind: string,
    ext: string,
    bytes: Uint8Array
  ): Promise<FileRef> {
    const rel = path.join(
      'exports',
      `${runId}-${ckpt}-${kind}-${stamp(this.now())}-${randomBytes(2).toString('hex')}.${ext}`
    )
    const abs = path.join(this.dataDir, rel)
    await fs.mkdir(path.dirname(abs), { recursive: true })
    await writeFileAtomic(abs, bytes)
    return { path: rel.split(path.sep).join('/'), bytes: bytes.length }
  }

  async info(p: RequestPayload<'explorer:info'>): Promise<RequestResult<'explorer:info'>> {
    const ref = await this.ref(p.model)
    const i = await this.inference.info(ref)
    const index = i.conditional
      ? await readDatasetIndex(this.dataDir, i.datasetId).catch(() => undefined)
      : undefined
    return {
      runId: p.model.runId,
      checkpoint: ref.checkpointName,
      step: i.step,
      latentDim: i.latentDim,
      imageShape: i.imageShape,
      ema: i.ema,
      conditional: i.conditional,
      ...(i.conditional
        ? {
            labels: index?.labelNames?.length
              ? index.labelNames
              : Array.from({ length: i.classes }, (_, k) => `class ${k}`)
          }
        : {}),
      datasetId: i.datasetId,
      model: i.model
    }
  }

  async generate(p: RequestPayload<'explorer:generate'>): Promise<{ images: string[] }> {
    const ref = await this.ref(p.model)
    const { latents } = this.latentsOf(p.source, await this.latentDim(ref))
    return { images: (await this.inference.imagePngs(ref, latents, p.truncation)).map(dataUrl) }
  }

  async interpolate(p: RequestPayload<'explorer:interpolate'>): Promise<{ frames: string[] }> {
    const ref = await this.ref(p.model)
    const dim = await this.latentDim(ref)
    const path_ = interpolatePath(this.endpoint(p.from, dim).z, this.endpoint(p.to, dim).z, p.frames, p.mode)
    return { frames: (await this.inference.imagePngs(ref, path_, p.truncation)).map(dataUrl) }
  }

  async directions(p: RequestPayload<'explorer:directions'>): Promise<RequestResult<'explorer:directions'>> {
    return this.inference.directions(await this.ref(p.model), p.count)
  }

  async nearest(p: RequestPayload<'explorer:nearest'>): Promise<RequestResult<'explorer:nearest'>> {
    const ref = await this.ref(p.model)
    const { z } = this.endpoint(p.source, await this.latentDim(ref))
    const r = await this.inference.nearest(ref, this.dataDir, z, { truncation: p.truncation, k: p.count })
    return {
      sample: dataUrl(r.sample),
      neighbours: r.neighbours.map((n) => ({
        index: n.index,
        rms: n.rms,
        image: dataUrl(n.png),
        ...(n.label !== undefined ? { label: n.label } : {})
      })),
      memorised: r.memorised,
      threshold: r.threshold
    }
  }

  async png(p: RequestPayload<'export:png'>): Promise<FileRef> {
    const ref = await this.ref(p.model)
    const { latents, seeds } = this.latentsOf(p.source, await this.latentDim(ref))
    const kind = latents.length === 1 ? 'image' : 'grid'
    const png = await this.inference.gridPng(ref, latents, {
      truncation: p.truncation,
      columns: p.columns,
      scale: p.scale,
      provenance: { kind, ...(seeds ? { seeds } : {}) }
    })
    return this.writeExport(
      p.model.runId,
      ref.checkpointName,
      seeds?.length === 1 ? `seed${seeds[0]}` : kind,
      'png',
      png
    )
  }

  async strip(p: RequestPayload<'export:strip'>): Promise<FileRef> {
    const ref = await this.ref(p.model)
    const dim = await this.latentDim(ref)
    const a = this.endpoint(p.from, dim)
    const b = this.endpoint(p.to, dim)
    const frames = interpolatePath(a.z, b.z, p.frames, p.mode)
    const png = await this.inference.gridPng(ref, frames, {
      truncation: p.truncation,
      columns: p.frames,
      scale: p.scale,
      provenance: {
        kind: 'strip',
        latents: [a.z, b.z],
        ...(a.seed !== undefined && b.seed !== undefined ? { seeds: [a.seed, b.seed] } : {}),
        interpolation: {
          mode: p.mode,
          steps: p.frames,
          ...(a.seed !== undefined ? { fromSeed: a.seed } : {}),
          ...(b.seed !== undefined ? { toSeed: b.seed } : {})
        }
      }
    })
    return this.writeExport(p.model.runId, ref.checkpointName, 'strip', 'png', png)
  }

  async gif(p: RequestPayload<'export:gif'>): Promise<FileRef> {
    const ref = await this.ref(p.model)
    const dim = await this.latentDim(ref)
    const frames = interpolatePath(this.endpoint(p.from, dim).z, this.endpoint(p.to, dim).z, p.frames, p.mode)
    const gif = await this.inference.gif(ref, frames, {
      truncation: p.truncation,
      fps: p.fps,
      scale: p.scale
    })
    return this.writeExport(p.model.runId, ref.checkpointName, 'walk', 'gif', gif)
  }

  async model(p: RequestPayload<'export:model'>): Promise<FileRef> {
    const ref = await this.ref(p.model)
    const rel = path.join('exports', `${p.model.runId}-${ref.checkpointName}-tfjs-${stamp(this.now())}`)
    const r = await this.inference.exportModel(ref, path.join(this.dataDir, rel))
    return { path: `${rel.split(path.sep).join('/')}/model.json`, bytes: r.bytes }
  }

  async openImage(p: RequestPayload<'explorer:openImage'>): Promise<RequestResult<'explorer:openImage'>> {
    const bytes = Buffer.from(p.png.replace(/^data:[^,]*,/, ''), 'base64')
    let prov
    try {
      prov = readProvenance(bytes)
    } catch (err) {
      throw new StudioError(
        'invalid-input',
        (err as Error).message === 'not a PNG file' ? 'That file is not a PNG image' : (err as Error).message
      )
    }
    if (!prov)
      throw new StudioError(
        'invalid-input',
        'This PNG was not exported by GAN Studio: it carries no latent to restore'
      )
    return {
      kind: prov.kind,
      latents: prov.latents,
      truncation: prov.truncation,
      ...(prov.runId ? { runId: prov.runId } : {}),
      ...(prov.checkpoint ? { checkpoint: prov.checkpoint } : {}),
      ...(prov.step !== undefined ? { step: prov.step } : {}),
      ...(prov.ema !== undefined ? { ema: prov.ema } : {}),
      ...(prov.label !== undefined ? { label: prov.label } : {}),
      ...(prov.seeds ? { seeds: prov.seeds } : {}),
      ...(prov.interpolation
        ? { interpolation: { mode: prov.interpolation.mode, steps: prov.interpolation.steps } }
        : {})
    }
  }

  async latents(p: RequestPayload<'explorer:latents'>): Promise<RequestResult<'explorer:latents'>> {
    const ref = await this.ref(p.model)
    return { latents: latentsForSeeds(p.seeds, await this.latentDim(ref)).map((z) => Array.from(z)) }
  }

  async bookmarks(runId: string): Promise<Bookmark[]> {
    const { runDir } = await requireRun(this.dataDir, runId)
    try {
      const list = JSON.parse(await fs.readFile(path.join(runDir, BOOKMARKS_FILE), 'utf8')) as unknown
      return Array.isArray(list) ? (list as Bookmark[]) : []
    } catch {
      return []
    }
  }

  async saveBookmarks(runId: string, list: Bookmark[]): Promise<Bookmark[]> {
    const { runDir } = await requireRun(this.dataDir, runId)
    await writeFileAtomic(path.join(runDir, BOOKMARKS_FILE), JSON.stringify(list, null, 1))
    return list
  }
}
