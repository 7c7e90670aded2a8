import { ref, type Ref } from 'vue'
import { studio } from '../../api'
import type { FileRef } from '../../api'
import type { ExplorerPicks } from './useExplorerPicks'
import type { Guard, ModelRef } from './types'

/** What an export needs from the rest of the explorer. */
export interface ExportsDeps {
  modelRef: () => ModelRef | null
  picks: Pick<ExplorerPicks, 'sourceA' | 'sourceB' | 'seeds' | 'truncation' | 'steps' | 'mode'>
  guard: Guard
  hint: (title: string, message: string) => void
  done: (title: string, message: string) => void
}

/** The exports: each renders with the explorer's model reference, so it shows what the explorer shows. */
export interface ExplorerExports {
  exporting: Ref<string | null>
  lastExport: Ref<FileRef | null>
  exportPng(): Promise<FileRef | null>
  exportStrip(): Promise<FileRef | null>
  exportGif(): Promise<FileRef | null>
  exportModel(): Promise<FileRef | null>
}

export function useExplorerExports(deps: ExportsDeps): ExplorerExports {
  const { picks, guard } = deps
  const exporting = ref<string | null>(null)
  const lastExport = ref<FileRef | null>(null)

  async function run<T extends FileRef>(
    what: string,
    fn: (model: ModelRef) => Promise<T>
  ): Promise<T | null> {
    const model = deps.modelRef()
    if (!model) return null
    exporting.value = what
    try {
      const r = await guard(`Could not export the ${what}`, () => fn(model))
      if (r) {
        lastExport.value = r
        deps.done(`Exported the ${what}`, `${r.path} (${Math.max(1, Math.round(r.bytes / 1024))} KB)`)
      }
      return r
    } finally {
      exporting.value = null
    }
  }

  /** Exports A (with edits) as one PNG at ×8, or the whole grid at ×4 when nothing is picked. */
  function exportPng(): Promise<FileRef | null> {
    const src = picks.sourceA.value
    return run('PNG', (model) =>
      studio.export.png({
        model,
        source: src ?? { seeds: picks.seeds.value },
        truncation: picks.truncation.value,
        columns: src ? 1 : 8,
        scale: src ? 8 : 4
      })
    )
  }

  async function exportStrip(): Promise<FileRef | null> {
    const from = picks.sourceA.value
    const to = picks.sourceB.value
    if (!from || !to) {
      deps.hint('Pick two images', 'The strip runs from A to B.')
      return null
    }
    return run('strip', (model) =>
      studio.export.strip({
        model,
        from,
        to,
        frames: picks.steps.value,
        mode: picks.mode.value,
        truncation: picks.truncation.value,
        scale: 4
      })
    )
  }

  async function exportGif(): Promise<FileRef | null> {
    const from = picks.sourceA.value
    const to = picks.sourceB.value
    if (!from || !to) {
      deps.hint('Pick two images', 'The GIF walks from A to B.')
      return null
    }
    return run('GIF', (model) =>
      studio.export.gif({
        model,
        from,
        to,
        // More frames than the strip for a smooth loop, along the same path (same mode).
        frames: Math.max(picks.steps.value * 3, 24),
        fps: 12,
        mode: picks.mode.value,
        truncation: picks.truncation.value,
        scale: 4
      })
    )
  }

  function exportModel(): Promise<FileRef | null> {
    return run('model', (model) => studio.export.model({ model }))
  }

  return { exporting, lastExport, exportPng, exportStrip, exportGif, exportModel }
}
