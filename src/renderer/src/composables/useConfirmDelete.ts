import { useDialog } from 'naive-ui'
import { useAppStore } from '../stores/app'

/** What a delete asks: the question, what is lost, and the deletion itself. */
export interface DeleteRequest {
  title: string
  content: string
  /** The confirming button's word, matching the control that asked (default 'Delete'). */
  confirmText?: string
  action: () => unknown
}

/**
 * Deletes after a confirmation dialog, or at once when the user turned "Ask before deleting" off
 * in Settings. Call in a component's setup (it needs naive's dialog provider).
 */
export function useConfirmDelete(): (req: DeleteRequest) => void {
  const dialog = useDialog()
  const app = useAppStore()
  return (req) => {
    if (app.settings?.confirmDelete === false) {
      void req.action()
      return
    }
    dialog.warning({
      title: req.title,
      content: req.content,
      positiveText: req.confirmText ?? 'Delete',
      negativeText: 'Cancel',
      onPositiveClick: async () => {
        await req.action()
      }
    })
  }
}
