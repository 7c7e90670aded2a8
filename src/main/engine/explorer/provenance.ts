/**
 * Provenance carried by exported images: PNG text chunks saying which run, checkpoint, step,
 * seeds, latent vectors, truncation and interpolation produced the picture, and the app version.
 * The full record is one JSON chunk (`gan-studio`); a few plain keys (run, seed, ...) are also
 * written so any PNG viewer shows them. Opening such a PNG restores its latents.
 */
import { readPngText } from '../../imaging/png'
import type { InterpolationMode } from './latent'

/** PNG text key of the full JSON record. */
export const PROVENANCE_KEY = 'gan-studio'

/** Everything needed to regenerate an exported image. */
export interface Provenance {
  kind: 'image' | 'grid' | 'strip' | 'gif'
  appVersion: string
  runId?: string
  checkpoint?: string
  step?: number
  /** Whether the EMA weights were used. */
  ema?: boolean
  /** Class of a conditional model. */
  label?: number
  /** Seeds of the images, in order, where they came from seeds. */
  seeds?: number[]
  /** Latent vector of every image (or of the two endpoints for an interpolation), in order. */
  latents: number[][]
  truncation: number
  interpolation?: { mode: InterpolationMode; steps: number; fromSeed?: number; toSeed?: number }
  /** Grid columns and pixel scale. */
  columns?: number
  scale?: number
}

/** Latent values rounded to float32 precision (9 significant digits round-trip exactly). */
function latentList(z: Float32Array | readonly number[]): number[] {
  return Array.from(z, (v) => Number(Math.fround(v).toPrecision(9)))
}

/** Builds a provenance record; latents are stored so they parse back to the same float32 values. */
export function makeProvenance(
  p: Omit<Provenance, 'latents'> & { latents: ReadonlyArray<Float32Array | readonly number[]> }
): Provenance {
  return { ...p, latents: p.latents.map(latentList) }
}

/** PNG text chunks for a provenance record. */
export function provenanceText(p: Provenance): Record<string, string> {
  const text: Record<string, string> = { Software: `GAN Studio ${p.appVersion}`, 'app-version': p.appVersion }
  if (p.runId) text.run = p.runId
  if (p.checkpoint) text.checkpoint = p.checkpoint
  if (p.step !== undefined) text.step = String(p.step)
  if (p.label !== undefined) text.label = String(p.label)
  if (p.seeds && p.seeds.length > 0) text.seed = p.seeds.join(',')
  if (p.latents.length === 1) text.latent = (p.latents[0] ?? []).join(',')
  text.truncation = String(p.truncation)
  if (p.interpolation) text.interpolation = `${p.interpolation.mode} ${p.interpolation.steps} steps`
  text[PROVENANCE_KEY] = JSON.stringify(p)
  return text
}

/** Reads the provenance of a PNG exported by GAN Studio; undefined when it carries none. */
export function readProvenance(png: Uint8Array): Provenance | undefined {
  const text = readPngText(png)
  const raw = text[PROVENANCE_KEY]
  if (raw === undefined) return undefined
  let p: unknown
  try {
    p = JSON.parse(raw)
  } catch {
    throw new Error('The image has a GAN Studio record, but it is damaged (not JSON)')
  }
  const o = p as Partial<Provenance>
  if (
    !o ||
    typeof o !== 'object' ||
    !Array.isArray(o.latents) ||
    !o.latents.every((z) => Array.isArray(z) && z.every((v) => typeof v === 'number' && Number.isFinite(v)))
  ) {
    throw new Error('The image has a GAN Studio record, but its latents are missing or damaged')
  }
  return {
    ...o,
    truncation: typeof o.truncation === 'number' ? o.truncation : 1,
    kind: o.kind ?? 'image',
    appVersion: o.appVersion ?? 'unknown',
    latents: o.latents
  }
}
