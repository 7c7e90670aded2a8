import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { onConnection, studio } from '../api'
import type { AppInfo, Settings, SettingsPatch } from '../api'
import { useNotifyStore } from './notify'

/** App-wide facts: versions, the compute backend, settings, notices from the service. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const settings = ref<Settings | null>(null)
  const loading = ref(false)
  const failed = ref<string | null>(null)
  /** False while serve mode's connection to the studio is lost (the status bar says so). */
  const connected = ref(true)
  /** Bumped each time the connection comes back, so views fetch what they may have missed. */
  const reconnects = ref(0)
  let unsubscribe: (() => void) | null = null
  let unsubscribeConnection: (() => void) | null = null

  const backendLabel = computed(() => {
    if (!info.value) return failed.value ? 'unavailable' : 'connecting…'
    const b = info.value.backend
    if (!b) return info.value.backendError ? 'no backend' : 'not probed yet'
    const threads = b.wasmThreads ? `, ${b.wasmThreads} threads` : ''
    return `${b.active} (${b.variant}${threads})`
  })

  function watchConnection(): void {
    unsubscribeConnection ??= onConnection((up) => {
      if (up === connected.value) return
      connected.value = up
      if (!up) return
      reconnects.value++
      void load()
    })
  }

  async function load(): Promise<void> {
    const notify = useNotifyStore()
    watchConnection()
    if (!unsubscribe) {
      unsubscribe = studio.on.notice((n) => notify.push(n.level, 'GAN Studio', n.message))
    }
    loading.value = true
    try {
      const [i, s] = await Promise.all([studio.app.info(), studio.settings.get()])
      info.value = i
      settings.value = s
      failed.value = null
      for (const n of i.notices) notify.push(n.level, 'GAN Studio', n.message)
      if (i.backendError) notify.push('warning', 'Compute backend', i.backendError)
    } catch (err) {
      failed.value = err instanceof Error ? err.message : String(err)
      notify.error('Could not reach the studio', err)
    } finally {
      loading.value = false
    }
  }

  /** Remembers the preset the Train form starts from next time. */
  async function rememberPreset(id: string): Promise<void> {
    try {
      settings.value = await studio.settings.update({ lastPreset: id })
    } catch (err) {
      useNotifyStore().error('Could not save the preset choice', err)
    }
  }

  /**
   * Saves some settings; the service answers with all of them. A change of backend or threads
   * makes the service probe again, so the app facts (status bar) are read again too.
   */
  async function updateSettings(patch: SettingsPatch): Promise<boolean> {
    const before = settings.value
    try {
      settings.value = await studio.settings.update(patch)
    } catch (err) {
      useNotifyStore().error('Could not save the settings', err)
      return false
    }
    if (before && (before.backend !== settings.value.backend || before.threads !== settings.value.threads)) {
      try {
        info.value = await studio.app.info()
      } catch (err) {
        useNotifyStore().error('Could not read the compute backend', err)
      }
    }
    return true
  }

  /** Remembers the view the app opens with next time (no message: it is a convenience). */
  function rememberView(view: Settings['lastView']): void {
    if (!settings.value || settings.value.lastView === view) return
    settings.value = { ...settings.value, lastView: view }
    studio.settings.update({ lastView: view }).catch(() => undefined)
  }

  function dispose(): void {
    unsubscribe?.()
    unsubscribe = null
    unsubscribeConnection?.()
    unsubscribeConnection = null
  }

  return {
    info,
    settings,
    loading,
    failed,
    connected,
    reconnects,
    backendLabel,
    load,
    rememberPreset,
    updateSettings,
    rememberView,
    dispose
  }
})
