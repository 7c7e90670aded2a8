import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { studio } from '../api'
import type { FileRef, RequestResult, RunSummary } from '../api'
import type { CheckpointInfo } from '../../../shared/domain'
import { useNotifyStore } from './notify'

/** Generator facts from `explorer:info`. */
export type ExplorerInfo = RequestResult<'explorer:info'>
/** A saved latent. */
export type Bookmark = RequestResult<'explorer:bookmarks'>[number]
/** Nearest training images of a sample. */
export type NearestResult = RequestResult<'explorer:nearest'>
/** How two latents are joined. */
export type InterpolationMode = 'linear' | 'slerp'

/** One picked image: where its latent came from and the latent itself. */
export interface Pick {
  seed?: number
  latent: number[]
  image: string
}

/** Seeds in the grid: 8 × 8. */
export const GRID_SIZE = 64
/** Latent sizes up to this get one slider per dimension. */
export const MAX_DIMENSION_SLIDERS = 64

function addScaled(z: readonly number[], d: readonly number[], a: number): number[] {
  return z.map((v, i) => v + a * (d[i] ?? 0))
}

/**
 * The Explore view: which run and checkpoint, the seed grid, the two picked latents A and B, the
 * edits applied to A (PCA directions and per-dimension offsets), truncation, the interpolation
 * strip, bookmarks, nearest training images and the exports.
 */
export const useExplorerStore = defineStore('explorer', () => {
  const notify = useNotifyStore()
  const runs = ref<RunSummary[]>([])
  const runId = ref<string | null>(null)
  const checkpoints = ref<CheckpointInfo[]>([])
  const checkpoint = ref<string | null>(null)
  const ema = ref(true)
  const info = ref<ExplorerInfo | null>(null)
  const label = ref(0)
  const truncation = ref(1)
  const firstSeed = ref(1)
  const grid = ref<string[]>([])
  const loadingGrid = ref(false)
  const a = ref<Pick | null>(null)
  const b = ref<Pick | null>(null)
  /** Which of A/B the next click sets. */
  const nextPick = ref<'a' | 'b'>('a')
  const mode = ref<InterpolationMode>('slerp')
  const steps = ref(10)
  const frames = ref<string[]>([])
  const interpolating = ref(false)
  const directions = shallowRef<RequestResult<'explorer:directions'> | null>(null)
  const loadingDirections = ref(false)
  const directionAmounts = ref<number[]>([])
  const dimensionOffsets = ref<number[]>([])
  const edited = ref<string | null>(null)
  const bookmarks = ref<Bookmark[]>([])
  const nearest = ref<NearestResult | null>(null)
  const loadingNearest = ref(false)
  const exporting = ref<string | null>(null)
  const lastExport = ref<FileRef | null>(null)

  const seeds = computed(() => Array.from({ length: GRID_SIZE }, (_, i) => firstSeed.value + i))
  const hasEdits = computed(
    () => directionAmounts.value.some((x) => x !== 0) || dimensionOffsets.value.some((x) => x !== 0)
  )
  const dimensionSliders = computed(() =>
    info.value && info.value.latentDim <= MAX_DIMENSION_SLIDERS ? info.value.latentDim : 0
  )
  const base = computed(() => ({
    runId: runId.value ?? '',
    ...(checkpoint.value ? { checkpoint: checkpoint.value } : {}),
    ema: ema.value
  }))
  const labelOpt = computed(() => (info.value?.conditional ? { label: label.value } : {}))

  /** A's latent with the edits applied. */
  const editedLatent = computed<number[] | null>(() => {
    if (!a.value) return null
    let z = [...a.value.latent]
    const d = directions.value
    directionAmounts.value.forEach((amt, k) => {
      const dir = d?.directions[k]
      if (amt !== 0 && dir) z = addScaled(z, dir, amt * (d?.scale[k] ?? 1))
    })
    dimensionOffsets.value.forEach((off, i) => {
      if (off !== 0 && i < z.length) z[i] = (z[i] ?? 0) + off
    })
    return z
  })

  /** A's source for requests: its seed while unedited (reproducible), else the exact latent. */
  const sourceA = computed(() =>
    a.value?.seed !== undefined && !hasEdits.value
      ? { seeds: [a.value.seed] }
      : editedLatent.value
        ? { latents: [editedLatent.value] }
        : null
  )
  const sourceB = computed(() =>
    b.value ? (b.value.seed !== undefined ? { seeds: [b.value.seed] } : { latents: [b.value.latent] }) : null
  )

  async function guard<T>(title: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn()
    } catch (err) {
      notify.error(title, err)
      return null
    }
  }

  /** Loads the run list and opens `wantedRun` (or the newest run) at `wantedStep` (or its newest checkpoint). */
  async function open(wantedRun?: string | null, wantedStep?: number | null): Promise<void> {
    const list = await guard('Could not list runs', () => studio.runs.list())
    if (!list) return
    runs.value = list
    const id =
      wantedRun && list.some((r) => r.id === wantedRun)
        ? wantedRun
        : (list.find((r) => r.step > 0)?.id ?? list[0]?.id ?? null)
    if (!id) return
    await selectRun(id, wantedStep ?? null)
  }

  async function selectRun(id: string, step: number | null = null): Promise<void> {
    runId.value = id
    reset()
    const cks = await guard('Could not list checkpoints', () => studio.checkpoints.list({ runId: id }))
    checkpoints.value = cks ?? []
    // A sample's step (from Train or Runs) may fall between checkpoints: take the newest one at or
    // before it; the list is newest first. Without a step, the run's best-FD checkpoint, if any.
    const byStep = step !== null ? checkpoints.value.find((c) => c.step <= step) : undefined
    const best = checkpoints.value.find((c) => c.bestFd !== undefined)
    checkpoint.value = (byStep ?? best ?? checkpoints.value[0])?.name ?? null
    bookmarks.value =
      (await guard('Could not read bookmarks', () => studio.explorer.bookmarks({ runId: id }))) ?? []
    await loadModel()
  }

  async function selectCheckpoint(name: string): Promise<void> {
    checkpoint.value = name
    await loadModel()
  }

  function reset(): void {
    info.value = null
    grid.value = []
    a.value = null
    b.value = null
    nextPick.value = 'a'
    frames.value = []
    directions.value = null
    directionAmounts.value = []
    dimensionOffsets.value = []
    edited.value = null
    nearest.value = null
  }

  /** Reads the generator's facts and renders the grid (and the picks again) for the current checkpoint. */
  async function loadModel(): Promise<void> {
    if (!runId.value || !checkpoint.value) {
      info.value = null
      return
    }
    const i = await guard('Could not load the generator', () => studio.explorer.info(base.value))
    info.value = i
    if (!i) return
    if (label.value >= (i.labels?.length ?? 0)) label.value = 0
    dimensionOffsets.value = Array.from(
      { length: i.latentDim <= MAX_DIMENSION_SLIDERS ? i.latentDim : 0 },
      () => 0
    )
    directions.value = null
    directionAmounts.value = []
    await Promise.all([renderGrid(), refreshPicks()])
  }

  async function renderGrid(): Promise<void> {
    if (!info.value) return
    loadingGrid.value = true
    try {
      const r = await guard('Could not generate the grid', () =>
        studio.explorer.generate({
          ...base.value,
          source: { seeds: seeds.value },
          truncation: truncation.value,
          ...labelOpt.value
        })
      )
      grid.value = r?.images ?? []
    } finally {
      loadingGrid.value = false
    }
  }

  async function image(source: { seeds: number[] } | { latents: number[][] }): Promise<string | null> {
    const r = await guard('Could not generate the image', () =>
      studio.explorer.generate({ ...base.value, source, truncation: truncation.value, ...labelOpt.value })
    )
    return r?.images[0] ?? null
  }

  async function refreshPicks(): Promise<void> {
    for (const p of [a, b]) {
      const v = p.value
      if (!v) continue
      const img = await image(v.seed !== undefined ? { seeds: [v.seed] } : { latents: [v.latent] })
      if (img) p.value = { ...v, image: img }
    }
    await renderEdited()
  }

  function shuffle(): void {
    firstSeed.value = 1 + Math.floor(Math.random() * 1_000_000)
    void renderGrid()
  }

  function setFirstSeed(s: number): void {
    firstSeed.value = Math.max(0, Math.floor(s))
    void renderGrid()
  }

  /** Picks the image of grid cell `i` as A or B (alternating). */
  async function pickCell(i: number): Promise<void> {
    const seed = seeds.value[i]
    const img = grid.value[i]
    if (seed === undefined || !img || !runId.value) return
    const r = await guard('Could not read the latent', () =>
      studio.explorer.latents({
        runId: runId.value ?? '',
        ...(checkpoint.value ? { checkpoint: checkpoint.value } : {}),
        seeds: [seed]
      })
    )
    const latent = r?.latents[0]
    if (!latent) return
    setPick({ seed, latent, image: img })
  }

  function setPick(p: Pick, which: 'a' | 'b' = nextPick.value): void {
    if (which === 'a') {
      a.value = p
      directionAmounts.value = directionAmounts.value.map(() => 0)
      dimensionOffsets.value = dimensionOffsets.value.map(() => 0)
      edited.value = p.image
      nearest.value = null
    } else b.value = p
    nextPick.value = which === 'a' ? 'b' : 'a'
  }

  function swap(): void {
    const t = a.value
    a.value = b.value
    b.value = t
    void renderEdited()
  }

  async function interpolate(): Promise<void> {
    if (!sourceA.value || !sourceB.value) {
      notify.push('info', 'Pick two images', 'Click two images in the grid: the first is A, the second B.')
      return
    }
    interpolating.value = true
    try {
      const r = await guard('Could not interpolate', () =>
        studio.explorer.interpolate({
          ...base.value,
          from: sourceA.value ?? {},
          to: sourceB.value ?? {},
          frames: steps.value,
          mode: mode.value,
          truncation: truncation.value
        })
      )
      frames.value = r?.frames ?? []
    } finally {
      interpolating.value = false
    }
  }

  async function loadDirections(): Promise<void> {
    if (!info.value) return
    loadingDirections.value = true
    try {
      const d = await guard('Could not compute directions', () =>
        studio.explorer.directions({ ...base.value, count: 6 })
      )
      directions.value = d
      directionAmounts.value = (d?.directions ?? []).map(() => 0)
    } finally {
      loadingDirections.value = false
    }
  }

  let editTimer: ReturnType<typeof setTimeout> | null = null
  /** Renders A with its edits (debounced while a slider moves). */
  function scheduleEdit(): void {
    if (editTimer) clearTimeout(editTimer)
    editTimer = setTimeout(() => void renderEdited(), 60)
  }

  async function renderEdited(): Promise<void> {
    const z = editedLatent.value
    if (!z) {
      edited.value = null
      return
    }
    edited.value = hasEdits.value ? await image({ latents: [z] }) : (a.value?.image ?? null)
  }

  function setDirection(k: number, v: number): void {
    directionAmounts.value[k] = v
    scheduleEdit()
  }

  function setDimension(i: number, v: number): void {
    dimensionOffsets.value[i] = v
    scheduleEdit()
  }

  function resetEdits(): void {
    directionAmounts.value = directionAmounts.value.map(() => 0)
    dimensionOffsets.value = dimensionOffsets.value.map(() => 0)
    void renderEdited()
  }

  async function setTruncation(v: number): Promise<void> {
    truncation.value = v
    await Promise.all([renderGrid(), refreshPicks()])
  }

  async function setLabel(v: number): Promise<void> {
    label.value = v
    await Promise.all([renderGrid(), refreshPicks()])
  }

  async function setEma(v: boolean): Promise<void> {
    ema.value = v
    await loadModel()
  }

  async function findNearest(): Promise<void> {
    if (!sourceA.value) {
      notify.push('info', 'Pick an image', 'Click an image in the grid first.')
      return
    }
    loadingNearest.value = true
    try {
      nearest.value = await guard('Could not search the training images', () =>
        studio.explorer.nearest({
          ...base.value,
          source: sourceA.value ?? {},
          truncation: truncation.value,
          count: 8
        })
      )
    } finally {
      loadingNearest.value = false
    }
  }

  async function addBookmark(): Promise<void> {
    const z = editedLatent.value
    if (!z || !runId.value) return
    const seed = !hasEdits.value ? a.value?.seed : undefined
    const now = Date.now()
    const next: Bookmark = {
      id: `b${now.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`,
      name: seed !== undefined ? `Seed ${seed}` : `Edited ${new Date(now).toLocaleTimeString()}`,
      latent: z,
      ...(seed !== undefined ? { seed } : {}),
      created: now
    }
    const saved = await guard('Could not save the bookmark', () =>
      studio.explorer.saveBookmarks({ runId: runId.value ?? '', bookmarks: [...bookmarks.value, next] })
    )
    if (saved) bookmarks.value = saved
  }

  async function removeBookmark(id: string): Promise<void> {
    if (!runId.value) return
    const saved = await guard('Could not remove the bookmark', () =>
      studio.explorer.saveBookmarks({
        runId: runId.value ?? '',
        bookmarks: bookmarks.value.filter((x) => x.id !== id)
      })
    )
    if (saved) bookmarks.value = saved
  }

  async function useBookmark(bm: Bookmark): Promise<void> {
    const img = await image(bm.seed !== undefined ? { seeds: [bm.seed] } : { latents: [bm.latent] })
    if (img) setPick({ ...(bm.seed !== undefined ? { seed: bm.seed } : {}), latent: bm.latent, image: img })
  }

  async function run<T extends FileRef>(what: string, fn: () => Promise<T>): Promise<T | null> {
    exporting.value = what
    try {
      const r = await guard(`Could not export the ${what}`, fn)
      if (r) {
        lastExport.value = r
        notify.push(
          'success',
          `Exported the ${what}`,
          `${r.path} (${Math.max(1, Math.round(r.bytes / 1024))} KB)`
        )
      }
      return r
    } finally {
      exporting.value = null
    }
  }

  /** Exports A (with edits) as one PNG at ×8, or the whole grid at ×4 when nothing is picked. */
  async function exportPng(): Promise<FileRef | null> {
    const src = sourceA.value
    return run('PNG', () =>
      studio.export.png({
        ...(runId.value ? { runId: runId.value } : { runId: '' }),
        ...(checkpoint.value ? { checkpoint: checkpoint.value } : {}),
        source: src ?? { seeds: seeds.value },
        truncation: truncation.value,
        columns: src ? 1 : 8,
        scale: src ? 8 : 4
      })
    )
  }

  async function exportStrip(): Promise<FileRef | null> {
    if (!sourceA.value || !sourceB.value) {
      notify.push('info', 'Pick two images', 'The strip runs from A to B.')
      return null
    }
    return run('strip', () =>
      studio.export.strip({
        ...base.value,
        from: sourceA.value ?? {},
        to: sourceB.value ?? {},
        frames: steps.value,
        mode: mode.value,
        truncation: truncation.value,
        scale: 4
      })
    )
  }

  async function exportGif(): Promise<FileRef | null> {
    if (!sourceA.value || !sourceB.value) {
      notify.push('info', 'Pick two images', 'The GIF walks from A to B.')
      return null
    }
    return run('GIF', () =>
      studio.export.gif({
        runId: runId.value ?? '',
        ...(checkpoint.value ? { checkpoint: checkpoint.value } : {}),
        from: sourceA.value ?? {},
        to: sourceB.value ?? {},
        frames: Math.max(steps.value * 3, 24),
        fps: 12,
        truncation: truncation.value,
        scale: 4
      })
    )
  }

  async function exportModel(): Promise<FileRef | null> {
    return run('model', () => studio.export.model(base.value))
  }

  /** Restores the latents of a PNG exported by GAN Studio (bytes as base64). */
  async function openImage(base64: string): Promise<boolean> {
    const p = await guard('Could not open the image', () => studio.explorer.openImage({ png: base64 }))
    if (!p) return false
    if (p.runId && p.runId !== runId.value && runs.value.some((r) => r.id === p.runId))
      await selectRun(p.runId, p.step ?? null)
    if (p.truncation !== truncation.value) await setTruncation(p.truncation)
    const [za, zb] = p.latents
    if (!za) return false
    const first =
      p.kind === 'strip'
        ? p.interpolation && p.seeds
          ? p.seeds[0]
          : undefined
        : p.seeds?.length === 1
          ? p.seeds[0]
          : undefined
    const imgA = await image({ latents: [za] })
    if (imgA) setPick({ ...(first !== undefined ? { seed: first } : {}), latent: za, image: imgA }, 'a')
    if (zb && p.latents.length === 2 && p.kind === 'strip') {
      const imgB = await image({ latents: [zb] })
      const second = p.seeds?.[1]
      if (imgB) setPick({ ...(second !== undefined ? { seed: second } : {}), latent: zb, image: imgB }, 'b')
      if (p.interpolation) {
        mode.value = p.interpolation.mode
        steps.value = p.interpolation.steps
      }
    }
    notify.push(
      'success',
      'Image opened',
      `Restored ${p.latents.length === 1 ? 'its latent' : 'its latents'}${p.runId ? ` from run ${p.runId}` : ''}.`
    )
    return true
  }

  return {
    runs,
    runId,
    checkpoints,
    checkpoint,
    ema,
    info,
    label,
    truncation,
    firstSeed,
    seeds,
    grid,
    loadingGrid,
    a,
    b,
    nextPick,
    mode,
    steps,
    frames,
    interpolating,
    directions,
    loadingDirections,
    directionAmounts,
    dimensionOffsets,
    dimensionSliders,
    edited,
    editedLatent,
    hasEdits,
    bookmarks,
    nearest,
    loadingNearest,
    exporting,
    lastExport,
    open,
    selectRun,
    selectCheckpoint,
    shuffle,
    setFirstSeed,
    pickCell,
    swap,
    interpolate,
    loadDirections,
    setDirection,
    setDimension,
    resetEdits,
    setTruncation,
    setLabel,
    setEma,
    findNearest,
    addBookmark,
    removeBookmark,
    useBookmark,
    exportPng,
    exportStrip,
    exportGif,
    exportModel,
    openImage
  }
})
