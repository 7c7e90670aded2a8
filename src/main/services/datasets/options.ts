/**
 * Import options: what the user chooses (size, channels, fit, colours, labels, limits), their
 * defaults and their validation. Shared by the service and the CLI so both refuse the same input
 * with the same words.
 */
import { StudioError } from '../../../shared/errors'

export const IMPORT_SIZES = [28, 32, 64, 128] as const
export type ImportSize = (typeof IMPORT_SIZES)[number]
export const IMPORT_FITS = ['crop', 'letterbox', 'stretch'] as const
export type ImportFit = (typeof IMPORT_FITS)[number]

/** How images become tensors: one fixed size, one channel count, one way to fit. */
export interface ImportOptions {
  size: ImportSize
  channels: 1 | 3
  fit: ImportFit
  /** Letterbox bars, `#rrggbb`. */
  padColor: string
  /** Colour transparent pixels are flattened on, `#rrggbb`. */
  background: string
  /** `folders`: label = first-level sub-folder name; `none`: unlabelled. */
  labels: 'none' | 'folders'
  /** Images with more pixels than this are refused from their header, before any decode. */
  maxPixels: number
  /** Files larger than this are refused before they are read. */
  maxFileBytes: number
}

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = {
  size: 64,
  channels: 3,
  fit: 'crop',
  padColor: '#000000',
  background: '#ffffff',
  labels: 'none',
  maxPixels: 100_000_000,
  maxFileBytes: 50 * 1024 * 1024
}

const HEX = /^#[0-9a-f]{6}$/i
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const RESERVED = ['mnist', 'fashion-mnist']

/** Fills defaults and checks every field; throws `invalid-input` naming the field and the allowed values. */
export function resolveImportOptions(partial: Partial<ImportOptions> = {}): ImportOptions {
  const o: ImportOptions = { ...DEFAULT_IMPORT_OPTIONS, ...stripUndefined(partial) }
  // The contract (UI) spells centre-crop 'center-crop'; the CLI says 'crop'.
  if ((o.fit as string) === 'center-crop') o.fit = 'crop'
  if (!(IMPORT_SIZES as readonly number[]).includes(o.size))
    throw new StudioError(
      'invalid-input',
      `size must be one of ${IMPORT_SIZES.join(', ')}, but got ${String(o.size)}`
    )
  if (o.channels !== 1 && o.channels !== 3)
    throw new StudioError(
      'invalid-input',
      `channels must be 1 (grey) or 3 (RGB), but got ${String(o.channels)}`
    )
  if (!(IMPORT_FITS as readonly string[]).includes(o.fit))
    throw new StudioError(
      'invalid-input',
      `fit must be one of ${IMPORT_FITS.join(', ')}, but got ${String(o.fit)}`
    )
  if (!HEX.test(o.padColor))
    throw new StudioError('invalid-input', `pad colour must look like #000000, but got ${o.padColor}`)
  if (!HEX.test(o.background))
    throw new StudioError('invalid-input', `background must look like #ffffff, but got ${o.background}`)
  if (o.labels !== 'none' && o.labels !== 'folders')
    throw new StudioError('invalid-input', `labels must be 'folders' or 'none', but got ${String(o.labels)}`)
  if (!Number.isInteger(o.maxPixels) || o.maxPixels < 1)
    throw new StudioError(
      'invalid-input',
      `max pixels must be a positive whole number, but got ${String(o.maxPixels)}`
    )
  if (!Number.isFinite(o.maxFileBytes) || o.maxFileBytes < 1)
    throw new StudioError(
      'invalid-input',
      `max file size must be a positive number, but got ${String(o.maxFileBytes)}`
    )
  return { ...o, padColor: o.padColor.toLowerCase(), background: o.background.toLowerCase() }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Checks a dataset name: letters, digits, dot, dash, underscore; not a built-in's id. */
export function validateDatasetName(name: string): string {
  if (!NAME.test(name))
    throw new StudioError(
      'invalid-input',
      `dataset name must be 1-64 letters, digits, '.', '-' or '_' and start with a letter or digit, but got '${name}'`
    )
  if (RESERVED.includes(name.toLowerCase()) || name.includes('.old-') || name.startsWith('.tmp-'))
    throw new StudioError(
      'invalid-input',
      `dataset name '${name}' is reserved (built-in datasets: ${RESERVED.join(', ')}); choose another --name`
    )
  return name
}

/** `#rrggbb` → sharp's colour object. */
export function parseHexColor(hex: string): { r: number; g: number; b: number } {
  const n = Number.parseInt(hex.slice(1), 16)
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 }
}

/** True when two option sets produce the same pixels (limits included: they change which files get in). */
export function sameImportOptions(a: ImportOptions, b: ImportOptions): boolean {
  return (Object.keys(DEFAULT_IMPORT_OPTIONS) as (keyof ImportOptions)[]).every((k) => a[k] === b[k])
}
