import { ref, type Ref } from 'vue'
import { studio } from '../../api'
import { requestTokens } from '../../utils/request-token'
import type { ExplorerPicks } from './useExplorerPicks'
import type { Bookmark, Guard } from './types'

/** The open run's saved latents. */
export interface ExplorerBookmarks {
  bookmarks: Ref<Bookmark[]>
  /** Reads the bookmarks of `runId` (dropped if another run was opened meanwhile). */
  load(runId: string): Promise<void>
  add(): Promise<void>
  remove(id: string): Promise<void>
  /** Picks a bookmark as A. */
  use(bm: Bookmark): Promise<void>
}

/** Bookmarks of the run `runId()`; every reply is checked against the newest request. */
export function useExplorerBookmarks(
  runId: () => string | null,
  picks: Pick<ExplorerPicks, 'editedLatent' | 'hasEdits' | 'a' | 'image' | 'setPick'>,
  guard: Guard
): ExplorerBookmarks {
  const bookmarks = ref<Bookmark[]>([])
  const tokens = requestTokens()
  const useTokens = requestTokens()

  async function load(id: string): Promise<void> {
    const current = tokens.next()
    bookmarks.value = []
    const list = await guard('Could not read bookmarks', () => studio.explorer.bookmarks({ runId: id }))
    if (current() && runId() === id) bookmarks.value = list ?? []
  }

  async function save(title: string, next: Bookmark[]): Promise<void> {
    const id = runId()
    if (!id) return
    const current = tokens.next()
    const saved = await guard(title, () => studio.explorer.saveBookmarks({ runId: id, bookmarks: next }))
    if (saved && current() && runId() === id) bookmarks.value = saved
  }

  async function add(): Promise<void> {
    const z = picks.editedLatent.value
    if (!z) return
    const seed = !picks.hasEdits.value ? picks.a.value?.seed : undefined
    const now = Date.now()
    const bm: Bookmark = {
      id: `b${now.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`,
      name: seed !== undefined ? `Seed ${seed}` : `Edited ${new Date(now).toLocaleTimeString()}`,
      latent: z,
      ...(seed !== undefined ? { seed } : {}),
      created: now
    }
    await save('Could not save the bookmark', [...bookmarks.value, bm])
  }

  async function remove(id: string): Promise<void> {
    await save(
      'Could not remove the bookmark',
      bookmarks.value.filter((x) => x.id !== id)
    )
  }

  async function use(bm: Bookmark): Promise<void> {
    const current = useTokens.next()
    const img = await picks.image(bm.seed !== undefined ? { seeds: [bm.seed] } : { latents: [bm.latent] })
    if (img && current())
      picks.setPick(
        { ...(bm.seed !== undefined ? { seed: bm.seed } : {}), latent: bm.latent, image: img },
        'a'
      )
  }

  return { bookmarks, load, add, remove, use }
}
