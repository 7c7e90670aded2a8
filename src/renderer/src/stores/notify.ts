import { defineStore } from 'pinia'
import { ref } from 'vue'

/** One message for the user; TheNotificationHost shows it with naive-ui. */
export interface UserNotice {
  id: number
  level: 'info' | 'success' | 'warning' | 'error'
  title: string
  message: string
}

/** The message of anything thrown: the service's own words for a StudioError. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message)
  return String(err)
}

/**
 * Notifications as state, so stores (which have no component context for naive's
 * `useNotification`) can report errors and tests can assert on them. Nothing fails silently:
 * every store action that calls the service routes its failure through `error`.
 */
export const useNotifyStore = defineStore('notify', () => {
  const queue = ref<UserNotice[]>([])
  /** Every notice raised, newest last (tests and the status bar read it). */
  const history = ref<UserNotice[]>([])
  let nextId = 1

  function push(level: UserNotice['level'], title: string, message: string): void {
    const n: UserNotice = { id: nextId++, level, title, message }
    queue.value.push(n)
    history.value.push(n)
    if (history.value.length > 50) history.value.shift()
  }

  /** Reports a failed action with the service's message. */
  function error(title: string, err: unknown): void {
    push('error', title, errorMessage(err))
  }

  /** Takes the notices not shown yet. */
  function drain(): UserNotice[] {
    const items = queue.value
    queue.value = []
    return items
  }

  return { queue, history, push, error, drain }
})
