/**
 * Settings in the app: electron-store over `<userData>/settings.json`, with the same zod schema
 * and the same repair rules as serve/CLI (settings.ts). The file is checked and repaired before
 * electron-store opens it, so a damaged file is backed up and never crashes the app.
 */
import Store from 'electron-store'
import path from 'node:path'
import { settingsSchema, type Settings, type SettingsPatch } from '../../shared/contract'
import { applySettingsPatch, loadSettingsFile, type SettingsStore } from '../services/settings'

/** electron-store with the contract's schema. */
export class ElectronSettingsStore implements SettingsStore {
  private readonly store: Store<Settings>
  readonly problems: readonly string[]

  constructor(dataDir: string) {
    const loaded = loadSettingsFile(path.join(dataDir, 'settings.json'))
    this.problems = loaded.problems
    this.store = new Store<Settings>({
      cwd: dataDir,
      name: 'settings',
      defaults: loaded.settings,
      clearInvalidConfig: true
    })
    // Keys written by an older or newer version that the schema no longer knows are dropped here.
    this.store.store = loaded.settings
  }

  get(): Settings {
    return settingsSchema.parse(this.store.store)
  }

  update(patch: SettingsPatch): Settings {
    const next = applySettingsPatch(this.get(), patch)
    this.store.store = next
    return next
  }
}
