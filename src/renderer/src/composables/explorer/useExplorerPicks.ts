import { computed, ref, shallowRef, type ComputedRef, type Ref } from 'vue'
import { studio } from '../../api'
import type { RequestResult } from '../../api'
import { requestTokens } from '../../utils/request-token'
import type {
  ExplorerInfo,
  Guard,
  InterpolationMode,
  LatentSource,
  ModelRef,
  NearestResult,
  Pick
} from './types'

/** Seeds in the grid: 8 × 8. */
export const GRID_SIZE = 64
/** Latent sizes up to this get one slider per dimension. */
export const MAX_DIMENSION_SLIDERS = 64

function addScaled(z: readonly number[], d: readonly number[], a: number): number[] {
  return z.map((v, i) => v + a * (d[i] ?? 0))
}

/** What the picks need from the model half. */
export interface PicksDeps {
  modelRef: ComputedRef<ModelRef | null>
  info: Ref<ExplorerInfo | null>
  guard: Guard
  /** Tells the user something that is not an error (e.g. "pick two images"). */
  hint: (title: string, message: string) => void
}

/** The picks half of the explorer (see useExplorerPicks). */
export interface ExplorerPicks {
  truncation: Ref<number>
  firstSeed: Ref<number>
  seeds: ComputedRef<number[]>
  grid: Ref<string[]>
  loadingGrid: Ref<boolean>
  a: Ref<Pick | null>
  b: Ref<Pick | null>
  nextPick: Ref<'a' | 'b'>
  mode: Ref<InterpolationMode>
  steps: Ref<number>
  frames: Ref<string[]>
  interpolating: Ref<boolean>
  directions: Ref<RequestResult<'explorer:directions'> | null>
  loadingDirections: Ref<boolean>
  directionAmounts: Ref<number[]>
  dimensionOffsets: Ref<number[]>
  dimensionSliders: ComputedRef<number>
  edited: Ref<string | null>
  editedLatent: ComputedRef<number[] | null>
  hasEdits: ComputedRef<boolean>
  nearest: Ref<NearestResult | null>
  loadingNearest: Ref<boolean>
  sourceA: ComputedRef<LatentSource | null>
  sourceB: ComputedRef<LatentSource | null>
  image(source: LatentSource): Promise<string | null>
  reset(): void
  modelChanged(newWeights: boolean): void
  renderGrid(): Promise<void>
  refreshPicks(): Promise<void>
  rerender(): Promise<void>
  shuffle(): void
  setFirstSeed(s: number): void
  setPick(p: Pick, which?: 'a' | 'b'): void
  pickCell(i: number): Promise<void>
  swap(): void
  interpolate(): Promise<void>
  loadDirections(): Promise<void>
  setDirection(k: number, v: number): void
  setDimension(i: number, v: number): void
  resetEdits(): void
  renderEdited(): Promise<void>
  setTruncation(v: number): Promise<void>
  findNearest(): Promise<void>
  dispose(): void
}

/**
 * The seed grid, the picked latents A and B, A's edits (PCA directions, per-dimension offsets),
 * truncation, the interpolation strip and A's nearest training images. Every request takes a
 * token first and its reply is applied only while that token is the newest of its kind, so a
 * slow reply never overwrites a newer one.
 */
export function useExplorerPicks(deps: PicksDeps): ExplorerPicks {
  const { modelRef, info, guard } = deps
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
  const nearest = ref<NearestResult | null>(null)
  const loadingNearest = ref(false)

  const tokens = {
    grid: requestTokens(),
    a: requestTokens(),
    b: requestTokens(),
    edit: requestTokens(),
    frames: requestTokens(),
    directions: requestTokens(),
    nearest: requestTokens()
  }

  const seeds = computed(() => Array.from({ length: GRID_SIZE }, (_, i) => firstSeed.value + i))
  const hasEdits = computed(
    () => directionAmounts.value.some((x) => x !== 0) || dimensionOffsets.value.some((x) => x !== 0)
  )
  const dimensionSliders = computed(() =>
    info.value && info.value.latentDim <= MAX_DIMENSION_SLIDERS ? info.value.latentDim : 0
  )

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
  const sourceA = computed<LatentSource | null>(() =>
    a.value?.seed !== undefined && !hasEdits.value
      ? { seeds: [a.value.seed] }
      : editedLatent.value
        ? { latents: [editedLatent.value] }
        : null
  )
  const sourceB = computed<LatentSource | null>(() =>
    b.value ? (b.value.seed !== undefined ? { seeds: [b.value.seed] } : { latents: [b.value.latent] }) : null
  )

  function sourceOf(p: Pick): LatentSource {
    return p.seed !== undefined ? { seeds: [p.seed] } : { latents: [p.latent] }
  }

  /** Forgets everything that belongs to another run; replies still on their way are dropped. */
  function reset(): void {
    for (const t of Object.values(tokens)) t.invalidate()
    loadingGrid.value = false
    interpolating.value = false
    loadingDirections.value = false
    loadingNearest.value = false
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

  /** The generator changed (checkpoint, EMA, class): views that showed the old one are cleared. */
  function modelChanged(newWeights: boolean): void {
    tokens.frames.invalidate()
    tokens.nearest.invalidate()
    interpolating.value = false
    loadingNearest.value = false
    frames.value = []
    nearest.value = null
    if (newWeights) {
      // Directions belong to one set of weights.
      tokens.directions.invalidate()
      loadingDirections.value = false
      directions.value = null
      directionAmounts.value = []
      const n = info.value && info.value.latentDim <= MAX_DIMENSION_SLIDERS ? info.value.latentDim : 0
      if (dimensionOffsets.value.length !== n) dimensionOffsets.value = Array.from({ length: n }, () => 0)
    }
  }

  async function image(source: LatentSource): Promise<string | null> {
    const model = modelRef.value
    if (!model) return null
    const r = await guard('Could not generate the image', () =>
      studio.explorer.generate({ model, source, truncation: truncation.value })
    )
    return r?.images[0] ?? null
  }

  async function renderGrid(): Promise<void> {
    const model = modelRef.value
    if (!info.value || !model) return
    const current = tokens.grid.next()
    loadingGrid.value = true
    const r = await guard('Could not generate the grid', () =>
      studio.explorer.generate({ model, source: { seeds: seeds.value }, truncation: truncation.value })
    )
    if (!current()) return
    loadingGrid.value = false
    grid.value = r?.images ?? []
  }

  /** Renders A and B again (after a change of model, class or truncation), then A's edits. */
  async function refreshPicks(): Promise<void> {
    await Promise.all(
      (['a', 'b'] as const).map(async (which) => {
        const slot = which === 'a' ? a : b
        const v = slot.value
        if (!v) return
        const current = tokens[which].next()
        const img = await image(sourceOf(v))
        if (current() && img) slot.value = { ...v, image: img }
      })
    )
    await renderEdited()
  }

  /** Grid and picks again, for the current model, class and truncation. */
  async function rerender(): Promise<void> {
    await Promise.all([renderGrid(), refreshPicks()])
  }

  function shuffle(): void {
    firstSeed.value = 1 + Math.floor(Math.random() * 1_000_000)
    void renderGrid()
  }

  function setFirstSeed(s: number): void {
    firstSeed.value = Math.max(0, Math.floor(s))
    void renderGrid()
  }

  /** Sets A or B; the next click sets the other one. */
  function setPick(p: Pick, which: 'a' | 'b' = nextPick.value): void {
    assign(p, which)
    nextPick.value = which === 'a' ? 'b' : 'a'
  }

  function assign(p: Pick, which: 'a' | 'b'): void {
    tokens[which].invalidate()
    if (which === 'a') {
      a.value = p
      directionAmounts.value = directionAmounts.value.map(() => 0)
      dimensionOffsets.value = dimensionOffsets.value.map(() => 0)
      tokens.edit.invalidate()
      edited.value = p.image
      tokens.nearest.invalidate()
      nearest.value = null
    } else b.value = p
  }

  /** Picks the image of grid cell `i` as A or B (alternating; the slot is chosen at the click). */
  async function pickCell(i: number): Promise<void> {
    const seed = seeds.value[i]
    const img = grid.value[i]
    const model = modelRef.value
    if (seed === undefined || !img || !model) return
    const which = nextPick.value
    nextPick.value = which === 'a' ? 'b' : 'a'
    const current = tokens[which].next()
    const r = await guard('Could not read the latent', () =>
      studio.explorer.latents({ model, seeds: [seed] })
    )
    const latent = r?.latents[0]
    if (!latent || !current()) return
    assign({ seed, latent, image: img }, which)
  }

  function swap(): void {
    tokens.a.invalidate()
    tokens.b.invalidate()
    const t = a.value
    a.value = b.value
    b.value = t
    void renderEdited()
  }

  async function interpolate(): Promise<void> {
    const model = modelRef.value
    const from = sourceA.value
    const to = sourceB.value
    if (!from || !to || !model) {
      deps.hint('Pick two images', 'Click two images in the grid: the first is A, the second B.')
      return
    }
    const current = tokens.frames.next()
    interpolating.value = true
    const r = await guard('Could not interpolate', () =>
      studio.explorer.interpolate({
        model,
        from,
        to,
        frames: steps.value,
        mode: mode.value,
        truncation: truncation.value
      })
    )
    if (!current()) return
    interpolating.value = false
    frames.value = r?.frames ?? []
  }

  async function loadDirections(): Promise<void> {
    const model = modelRef.value
    if (!info.value || !model) return
    const current = tokens.directions.next()
    loadingDirections.value = true
    const d = await guard('Could not compute directions', () =>
      studio.explorer.directions({ model, count: 6 })
    )
    if (!current()) return
    loadingDirections.value = false
    directions.value = d
    directionAmounts.value = (d?.directions ?? []).map(() => 0)
  }

  let editTimer: ReturnType<typeof setTimeout> | null = null
  /** Renders A with its edits (debounced while a slider moves). */
  function scheduleEdit(): void {
    if (editTimer) clearTimeout(editTimer)
    editTimer = setTimeout(() => void renderEdited(), 60)
  }

  async function renderEdited(): Promise<void> {
    const current = tokens.edit.next()
    const z = editedLatent.value
    if (!z) {
      edited.value = null
      return
    }
    const img = hasEdits.value ? await image({ latents: [z] }) : (a.value?.image ?? null)
    if (current()) edited.value = img
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
    modelChanged(false)
    await rerender()
  }

  async function findNearest(): Promise<void> {
    const model = modelRef.value
    const source = sourceA.value
    if (!source || !model) {
      deps.hint('Pick an image', 'Click an image in the grid first.')
      return
    }
    const current = tokens.nearest.next()
    loadingNearest.value = true
    const r = await guard('Could not search the training images', () =>
      studio.explorer.nearest({ model, source, truncation: truncation.value, count: 8 })
    )
    if (!current()) return
    loadingNearest.value = false
    nearest.value = r
  }

  function dispose(): void {
    if (editTimer) clearTimeout(editTimer)
  }

  return {
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
    nearest,
    loadingNearest,
    sourceA,
    sourceB,
    image,
    reset,
    modelChanged,
    renderGrid,
    refreshPicks,
    rerender,
    shuffle,
    setFirstSeed,
    setPick,
    pickCell,
    swap,
    interpolate,
    loadDirections,
    setDirection,
    setDimension,
    resetEdits,
    renderEdited,
    setTruncation,
    findNearest,
    dispose
  }
}
