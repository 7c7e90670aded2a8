import { defineStore } from 'pinia'
import { studio } from '../api'
import { useNotifyStore } from './notify'
import { useExplorerModel } from '../composables/explorer/useExplorerModel'
import { useExplorerPicks } from '../composables/explorer/useExplorerPicks'
import { useExplorerBookmarks } from '../composables/explorer/useExplorerBookmarks'
import { useExplorerExports } from '../composables/explorer/useExplorerExports'
import type { Guard } from '../composables/explorer/types'

export type {
  Bookmark,
  ExplorerInfo,
  InterpolationMode,
  ModelRef,
  NearestResult,
  Pick
} from '../composables/explorer/types'
export { GRID_SIZE, MAX_DIMENSION_SLIDERS } from '../composables/explorer/useExplorerPicks'

/**
 * The Explore view: one generator (model: run, checkpoint, EMA or raw, class), the seed grid and
 * picks with their edits, bookmarks and exports. The parts are composables
 * (composables/explorer/); this store wires them together. Every request and export carries the
 * one `modelRef`, so exports render exactly what the explorer shows.
 */
export const useExplorerStore = defineStore('explorer', () => {
  const notify = useNotifyStore()
  const guard: Guard = async (title, fn) => {
    try {
      return await fn()
    } catch (err) {
      notify.error(title, err)
      return null
    }
  }
  const hint = (title: string, message: string): void => notify.push('info', title, message)

  // The picks reset whenever another run opens; the model half calls back before it loads.
  const model = useExplorerModel(guard, () => p.reset())
  const p = useExplorerPicks({ modelRef: model.modelRef, info: model.info, guard, hint })
  const bookmarks = useExplorerBookmarks(() => model.runId.value, p, guard)
  const exports = useExplorerExports({
    modelRef: () => model.modelRef.value,
    picks: p,
    guard,
    hint,
    done: (title, message) => notify.push('success', title, message)
  })

  /** Renders everything for the model now selected; `newWeights` when the weights changed. */
  async function show(loaded: boolean, newWeights: boolean): Promise<void> {
    if (!loaded) return
    p.modelChanged(newWeights)
    await p.rerender()
  }

  /** Loads the run list and opens `wantedRun` (or the newest run) at `wantedStep` (or its newest checkpoint). */
  async function open(wantedRun?: string | null, wantedStep?: number | null): Promise<void> {
    const list = await model.listRuns()
    if (!list) return
    const id =
      wantedRun && list.some((r) => r.id === wantedRun)
        ? wantedRun
        : (list.find((r) => r.step > 0)?.id ?? list[0]?.id ?? null)
    if (!id) return
    await selectRun(id, wantedStep ?? null)
  }

  async function selectRun(id: string, step: number | null = null): Promise<void> {
    const loading = bookmarks.load(id)
    await show(await model.selectRun(id, { step }), true)
    await loading
  }

  async function selectCheckpoint(name: string): Promise<void> {
    await show(await model.selectCheckpoint(name), true)
  }

  async function setEma(v: boolean): Promise<void> {
    model.ema.value = v
    await show(await model.loadInfo(), true)
  }

  async function setLabel(v: number): Promise<void> {
    model.label.value = v
    await show(true, false)
  }

  /** Opens the open run's current weights (running or paused): the trainer checkpoints them now. */
  async function exploreCurrentWeights(): Promise<void> {
    await model.listRuns()
    await show(await model.exploreCurrentWeights(), true)
  }

  /** Restores the latents (and the model reference) of a PNG exported by GAN Studio (base64 bytes). */
  async function openImage(base64: string): Promise<boolean> {
    const r = await guard('Could not open the image', () => studio.explorer.openImage({ png: base64 }))
    if (!r) return false
    if (r.runId && r.runId !== model.runId.value && model.runs.value.some((x) => x.id === r.runId))
      await selectRun(r.runId, r.step ?? null)
    if (r.ema !== undefined && r.ema !== model.ema.value) await setEma(r.ema)
    if (r.label !== undefined && r.label !== model.label.value) await setLabel(r.label)
    if (r.truncation !== p.truncation.value) await p.setTruncation(r.truncation)
    const [za, zb] = r.latents
    if (!za) return false
    const first =
      r.kind === 'strip'
        ? r.interpolation && r.seeds
          ? r.seeds[0]
          : undefined
        : r.seeds?.length === 1
          ? r.seeds[0]
          : undefined
    const imgA = await p.image({ latents: [za] })
    if (imgA) p.setPick({ ...(first !== undefined ? { seed: first } : {}), latent: za, image: imgA }, 'a')
    if (zb && r.latents.length === 2 && r.kind === 'strip') {
      const imgB = await p.image({ latents: [zb] })
      const second = r.seeds?.[1]
      if (imgB) p.setPick({ ...(second !== undefined ? { seed: second } : {}), latent: zb, image: imgB }, 'b')
      if (r.interpolation) {
        p.mode.value = r.interpolation.mode
        p.steps.value = r.interpolation.steps
      }
    }
    notify.push(
      'success',
      'Image opened',
      `Restored ${r.latents.length === 1 ? 'its latent' : 'its latents'}${r.runId ? ` from run ${r.runId}` : ''}.`
    )
    return true
  }

  return {
    runs: model.runs,
    runId: model.runId,
    checkpoints: model.checkpoints,
    checkpoint: model.checkpoint,
    ema: model.ema,
    label: model.label,
    info: model.info,
    modelRef: model.modelRef,
    live: model.live,
    snapshotting: model.snapshotting,
    truncation: p.truncation,
    firstSeed: p.firstSeed,
    seeds: p.seeds,
    grid: p.grid,
    loadingGrid: p.loadingGrid,
    a: p.a,
    b: p.b,
    nextPick: p.nextPick,
    mode: p.mode,
    steps: p.steps,
    frames: p.frames,
    interpolating: p.interpolating,
    directions: p.directions,
    loadingDirections: p.loadingDirections,
    directionAmounts: p.directionAmounts,
    dimensionOffsets: p.dimensionOffsets,
    dimensionSliders: p.dimensionSliders,
    edited: p.edited,
    editedLatent: p.editedLatent,
    hasEdits: p.hasEdits,
    nearest: p.nearest,
    loadingNearest: p.loadingNearest,
    bookmarks: bookmarks.bookmarks,
    exporting: exports.exporting,
    lastExport: exports.lastExport,
    open,
    selectRun,
    selectCheckpoint,
    exploreCurrentWeights,
    shuffle: p.shuffle,
    setFirstSeed: p.setFirstSeed,
    pickCell: p.pickCell,
    swap: p.swap,
    interpolate: p.interpolate,
    loadDirections: p.loadDirections,
    setDirection: p.setDirection,
    setDimension: p.setDimension,
    resetEdits: p.resetEdits,
    setTruncation: p.setTruncation,
    setLabel,
    setEma,
    findNearest: p.findNearest,
    addBookmark: bookmarks.add,
    removeBookmark: bookmarks.remove,
    useBookmark: bookmarks.use,
    exportPng: exports.exportPng,
    exportStrip: exports.exportStrip,
    exportGif: exports.exportGif,
    exportModel: exports.exportModel,
    openImage
  }
})
