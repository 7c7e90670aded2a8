/**
 * Carries out the desktop app's native-menu commands (`app:command`): the menu is in the main
 * process, the views and stores it drives are here. Under serve no command is ever sent.
 */
import { onScopeDispose } from 'vue'
import type { Router } from 'vue-router'
import { studio } from '../api'
import type { AppCommand } from '../api'
import { useDatasetsStore } from '../stores/datasets'
import { useExplorerStore } from '../stores/explorer'
import { useNotifyStore } from '../stores/notify'
import { saveExportedFiles } from '../utils/save-files'

/** Does what one menu command asks. */
export async function runAppCommand(c: AppCommand, router: Router): Promise<void> {
  switch (c.action) {
    case 'navigate':
      await router.push({ name: c.view })
      return
    case 'import-dataset':
      useDatasetsStore().offerImport(c.source)
      await router.push({ name: 'datasets' })
      return
    case 'export': {
      const explorer = useExplorerStore()
      if (!explorer.info) {
        await router.push({ name: 'explore' })
        useNotifyStore().push(
          'info',
          'Nothing to export yet',
          'Open a run in Explore, then choose File › Export….'
        )
        return
      }
      const ref = await explorer.exportPng()
      if (ref) await saveExportedFiles([ref.path])
      return
    }
  }
}

/** Subscribes to menu commands for the life of the calling scope (TheAppShell). */
export function useAppCommands(router: Router): void {
  const unsubscribe = studio.on.command((c) => {
    void runAppCommand(c, router).catch((err: unknown) => useNotifyStore().error('Menu command failed', err))
  })
  onScopeDispose(unsubscribe)
}
