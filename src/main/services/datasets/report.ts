/**
 * The health report of an import: what was found, what got in, what did not and why, what the
 * source images looked like (sizes, aspect ratios, how many were cropped or padded), duplicates,
 * class balance, and warnings in plain words with what to do about them. It is a superset of the
 * contract's `DatasetReport`, so the UI can show it as is.
 */
import type { DatasetReport } from '../../../shared/contract'
import { FILE_STATUSES, STATUS_WORDS, type FileStatus, type FitAdjust } from './decode'
import { nearDuplicateGroups, type Hash64 } from './phash'

/** One source file's record in index.json: what it was when imported and what became of it. */
export interface FileRecord {
  /** Path relative to the import source, `/`-separated (or `<idx file>#<n>` for IDX images). */
  path: string
  size: number
  mtimeMs: number
  status: FileStatus
  /** Why it was skipped, in words. */
  reason?: string
  /** Position in data.bin when imported. */
  index?: number
  label?: string
  format?: string
  /** Source size after EXIF orientation. */
  width?: number
  height?: number
  adjust?: FitAdjust
  /** Frames in the source when it was animated (first one used). */
  pages?: number
  /** Exact pixel hash and dHash (hex) of the imported pixels; kept so a re-import need not recompute. */
  sha1?: string
  dhash?: string
}

/** Full health report (contract `DatasetReport` plus details). */
export interface HealthReport extends DatasetReport {
  source: string
  kind: 'folder' | 'idx'
  /** [height, width, channels] of the dataset. */
  shape: [number, number, number]
  counts: { found: number; imported: number; skipped: number; byStatus: Record<FileStatus, number> }
  /** Skipped files with their status (the contract's `skipped` has the same files with words only). */
  skippedFiles: Array<{ file: string; status: FileStatus; reason: string }>
  /** Groups of images that look alike (perceptual hash within 4 bits) but are not pixel-identical; at most 100 groups of 20 paths. */
  nearDuplicateGroups: string[][]
  /** Images that are a near copy of another one (sum over groups of distinct pictures - 1). */
  nearDuplicateCount: number
  /** True when the search stopped at its comparison budget (some near duplicates may be unlisted). */
  nearDuplicatesPartial: boolean
  exactDuplicateCount: number
  sizeHistogram: Array<{ bucket: string; count: number }>
  aspectHistogram: Array<{ bucket: string; count: number }>
  fit: { unchanged: number; cropped: number; padded: number; stretched: number; upscaled: number }
  formats: Record<string, number>
  animated: number
  /** Directories reached a second time through a link (loops included) and not walked again. */
  loops: string[]
  warnings: string[]
}

/** What the report is computed from. */
export interface ReportInput {
  id: string
  source: string
  kind: 'folder' | 'idx'
  shape: [number, number, number]
  files: FileRecord[]
  /** Hashes of the imported images, in data.bin order. */
  dhashes: Hash64[]
  labelNames: string[]
  labels?: Uint16Array
  loops?: string[]
  /** Fit mode, for the wording of crop/pad warnings. */
  fit: 'crop' | 'letterbox' | 'stretch'
}

const MAX_GROUPS = 100

/** Counts statuses of a file list. */
export function countStatuses(files: readonly { status: FileStatus }[]): Record<FileStatus, number> {
  const by = Object.fromEntries(FILE_STATUSES.map((s) => [s, 0])) as Record<FileStatus, number>
  for (const f of files) by[f.status] += 1
  return by
}

/** "3 corrupt or truncated, 2 not an image": the skipped part of a status count, largest first. */
export function skippedSummary(byStatus: Record<FileStatus, number>): string {
  return FILE_STATUSES.filter((s) => s !== 'imported' && byStatus[s] > 0)
    .sort((a, b) => byStatus[b] - byStatus[a])
    .map((s) => `${byStatus[s]} ${STATUS_WORDS[s]}`)
    .join(', ')
}

function sizeBucket(w: number, h: number): string {
  const m = Math.max(w, h)
  const edges = [32, 64, 128, 256, 512, 1024, 2048, 4096]
  let lo = 0
  for (const e of edges) {
    if (m < e) return lo === 0 ? `<${e}px` : `${lo}-${e - 1}px`
    lo = e
  }
  return `>=${lo}px`
}

const ASPECT_BUCKETS: Array<[string, number]> = [
  ['tall (<0.5)', 0.5],
  ['portrait (0.5-0.8)', 0.8],
  ['square-ish (0.8-1.25)', 1.25],
  ['landscape (1.25-2)', 2],
  ['wide (>=2)', Infinity]
]

/** Builds the report. Pure: everything it needs is in `input`. */
export function buildReport(input: ReportInput): HealthReport {
  const { files, shape } = input
  const size = shape[0]
  const imported = files
    .filter((f) => f.status === 'imported')
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
  const byStatus = countStatuses(files)
  const skippedFiles = files
    .filter((f) => f.status !== 'imported')
    .map((f) => ({ file: f.path, status: f.status, reason: f.reason ?? STATUS_WORDS[f.status] }))

  // Exact duplicates: group by pixel hash.
  const groups = new Map<string, string[]>()
  imported.forEach((f, i) => {
    const key = f.sha1 ?? `#${i}`
    const g = groups.get(key)
    if (g) g.push(f.path)
    else groups.set(key, [f.path])
  })
  const allDuplicates = [...groups.values()].filter((g) => g.length > 1)
  const exactDuplicateCount = allDuplicates.reduce((n, g) => n + g.length - 1, 0)
  // index.json keeps the report: list enough to act on, count everything.
  const duplicates = allDuplicates.slice(0, MAX_GROUPS).map((g) => g.slice(0, 50))

  // Near duplicates: perceptual groups, counted by distinct pictures (exact copies are reported above).
  const near = nearDuplicateGroups(input.dhashes, 4)
  let nearDuplicateCount = 0
  const nearGroups: string[][] = []
  for (const g of near.groups) {
    const distinct = new Set(g.map((i) => imported[i]?.sha1 ?? `#${i}`)).size
    if (distinct < 2) continue
    nearDuplicateCount += distinct - 1
    if (nearGroups.length < MAX_GROUPS)
      nearGroups.push(g.slice(0, 20).map((i) => imported[i]?.path ?? `#${i}`))
  }
  const classBalance = input.labelNames.map((label) => ({ label, count: 0 }))
  if (input.labels) for (const l of input.labels) if (classBalance[l]) classBalance[l].count += 1

  const sizeCounts = new Map<string, { width: number; height: number; count: number }>()
  const sizeHist = new Map<string, number>()
  const aspectHist = new Map<string, number>(ASPECT_BUCKETS.map(([b]) => [b, 0]))
  const fit = { unchanged: 0, cropped: 0, padded: 0, stretched: 0, upscaled: 0 }
  const formats: Record<string, number> = {}
  let animated = 0
  for (const f of imported) {
    const w = f.width ?? size
    const h = f.height ?? size
    const key = `${w}x${h}`
    const e = sizeCounts.get(key)
    if (e) e.count += 1
    else sizeCounts.set(key, { width: w, height: h, count: 1 })
    const sb = sizeBucket(w, h)
    sizeHist.set(sb, (sizeHist.get(sb) ?? 0) + 1)
    const ratio = w / h
    const ab = ASPECT_BUCKETS.find(([, max]) => ratio < max)?.[0] ?? 'wide (>=2)'
    aspectHist.set(ab, (aspectHist.get(ab) ?? 0) + 1)
    const adj = f.adjust ?? 'none'
    if (adj === 'none') fit.unchanged += 1
    else fit[adj] += 1
    if (Math.min(w, h) < size) fit.upscaled += 1
    if (f.format) formats[f.format] = (formats[f.format] ?? 0) + 1
    if ((f.pages ?? 1) > 1) animated += 1
  }
  const sizeOrder = [
    '<32px',
    '32-63px',
    '64-127px',
    '128-255px',
    '256-511px',
    '512-1023px',
    '1024-2047px',
    '2048-4095px',
    '>=4096px'
  ]

  const warnings = warningsFor({
    count: imported.length,
    size,
    byStatus,
    classBalance,
    exactDuplicateCount,
    nearDuplicateCount,
    nearPartial: near.partial,
    fit,
    fitMode: input.fit,
    animated,
    loops: input.loops ?? []
  })

  return {
    id: input.id,
    source: input.source,
    kind: input.kind,
    shape,
    count: imported.length,
    counts: {
      found: files.length,
      imported: imported.length,
      skipped: files.length - imported.length,
      byStatus
    },
    skipped: skippedFiles.map((s) => ({ file: s.file, reason: s.reason })),
    skippedFiles,
    duplicates,
    exactDuplicateCount,
    nearDuplicateGroups: nearGroups,
    nearDuplicateCount,
    nearDuplicatesPartial: near.partial,
    classBalance,
    sizes: [...sizeCounts.values()].sort((a, b) => b.count - a.count).slice(0, 50),
    sizeHistogram: sizeOrder
      .filter((b) => sizeHist.has(b))
      .map((bucket) => ({ bucket, count: sizeHist.get(bucket) ?? 0 })),
    aspectHistogram: [...aspectHist.entries()].map(([bucket, count]) => ({ bucket, count })),
    fit,
    formats,
    animated,
    loops: input.loops ?? [],
    warnings,
    notes: warnings
  }
}

function warningsFor(r: {
  count: number
  size: number
  byStatus: Record<FileStatus, number>
  classBalance: Array<{ label: string; count: number }>
  exactDuplicateCount: number
  nearDuplicateCount: number
  nearPartial: boolean
  fit: HealthReport['fit']
  fitMode: 'crop' | 'letterbox' | 'stretch'
  animated: number
  loops: string[]
}): string[] {
  const out: string[] = []
  if (r.count > 0 && r.count < 1000)
    out.push(
      `Only ${r.count} images: a GAN this small tends to memorise or collapse. Use DiffAugment (the small-data presets turn it on) or a smaller model, and add images if you can.`
    )
  const skipped = Object.entries(r.byStatus).reduce((n, [s, c]) => (s === 'imported' ? n : n + c), 0)
  if (skipped > 0)
    out.push(`${skipped} files were skipped (${skippedSummary(r.byStatus)}): see the list of skipped files.`)
  if (r.byStatus['no-label'] > 0)
    out.push(
      `${r.byStatus['no-label']} files sit directly in the top folder, not in a class sub-folder: move them into one, or import without folder labels.`
    )
  const classes = r.classBalance.filter((c) => c.count > 0)
  if (classes.length >= 2) {
    const sorted = [...classes].sort((a, b) => b.count - a.count)
    const big = sorted[0]!
    const small = sorted[sorted.length - 1]!
    if (big.count >= 2 * small.count)
      out.push(
        `Classes unbalanced: '${big.label}' has ${big.count} images, '${small.label}' only ${small.count} (${(big.count / small.count).toFixed(1)}x). Add images to the small classes, or train without labels.`
      )
  }
  if (r.exactDuplicateCount > 0)
    out.push(
      `${r.exactDuplicateCount} exact duplicates (identical pixels after resizing): they count twice in training. Remove the copies listed under duplicates.`
    )
  if (r.nearDuplicateCount > 0)
    out.push(
      `${r.nearPartial ? 'At least ' : ''}${r.nearDuplicateCount} near-duplicates (pictures that look almost the same as another one): check the groups listed; many copies of one picture push the GAN to reproduce it.`
    )
  if (r.count > 0 && r.fit.upscaled / r.count > 0.1)
    out.push(
      `${r.fit.upscaled} images are smaller than ${r.size}px and were enlarged: they will look blurry. Choose a smaller size or remove them.`
    )
  if (r.count > 0 && r.fit.cropped / r.count > 0.25)
    out.push(
      `${r.fit.cropped} of ${r.count} images were not square and were centre-cropped: if subjects sit off-centre, import with --fit letterbox.`
    )
  if (r.count > 0 && r.fit.padded / r.count > 0.25)
    out.push(
      `${r.fit.padded} of ${r.count} images were letterboxed: the generator will learn to draw the bars too. Centre-crop avoids that.`
    )
  if (r.count > 0 && r.fit.stretched / r.count > 0.25 && r.fitMode === 'stretch')
    out.push(`${r.fit.stretched} of ${r.count} images were stretched to a square: shapes are distorted.`)
  if (r.animated > 0) out.push(`${r.animated} animated images: only their first frame was used.`)
  if (r.loops.length > 0)
    out.push(
      `${r.loops.length} folder links lead to a folder already walked (a link loop or a second link to it) and were not followed again: ${r.loops.slice(0, 3).join(', ')}.`
    )
  return out
}
