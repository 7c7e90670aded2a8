/**
 * App settings: one zod schema (contract.ts `settingsSchema`) whether they live in electron-store
 * (the app) or in `<dataDir>/settings.json` (serve, CLI). A damaged file never stops the app: it
 * is backed up to `settings.json.bak-<time>`, the bad keys get their defaults, and the user is
 * told once through a notice.
 */
import { promises as fs, readFileSync, renameSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import {
  defaultSettings,
  settingsPatchSchema,
  settingsSchema,
  type Settings,
  type SettingsPatch
} from '../../shared/contract'
import { StudioError } from '../../shared/errors'
import { describeZodError } from '../../shared/zod-issues'

/** What the service needs from a settings store (the file store here, electron-store in the app). */
export interface SettingsStore {
  get(): Settings
  update(patch: SettingsPatch): Settings
  /** Problems found while loading, in words for the user (shown once as notices). */
  readonly problems: readonly string[]
}

/** Result of checking raw settings data key by key. */
export interface RepairResult {
  settings: Settings
  /** Keys that were invalid or unknown and got dropped or their default. */
  badKeys: string[]
}

/**
 * Validates raw settings key by key: valid keys are kept, invalid ones get their default, unknown
 * ones are dropped. Whole-object validation would throw away every good key for one bad one.
 */
export function repairSettings(raw: unknown): RepairResult {
  const defaults = defaultSettings()
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings: defaults, badKeys: ['(whole file)'] }
  }
  const out: Record<string, unknown> = { ...defaults }
  const badKeys: string[] = []
  const shape = settingsSchema.shape as Record<
    string,
    { safeParse(v: unknown): { success: boolean; data?: unknown } }
  >
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : undefined
    if (!field) {
      badKeys.push(key)
      continue
    }
    const r = field.safeParse(value)
    if (r.success) out[key] = r.data
    else badKeys.push(key)
  }
  // A last whole-object check guards against a field schema that depends on another key.
  const whole = settingsSchema.safeParse(out)
  return whole.success ? { settings: whole.data, badKeys } : { settings: defaults, badKeys: ['(whole file)'] }
}

/** Applies a validated patch; nested `window` keys merge. */
export function applySettingsPatch(current: Settings, patch: unknown): Settings {
  const p = settingsPatchSchema.safeParse(patch)
  if (!p.success) throw new StudioError('invalid-input', `Invalid settings: ${describeZodError(p.error)}`)
  const { window: win, ...rest } = p.data
  const next = {
    ...current,
    ...stripUndefined(rest),
    window: { ...current.window, ...stripUndefined(win ?? {}) }
  }
  return settingsSchema.parse(next)
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** A timestamp safe in file names on every OS. */
function fileStamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-')
}

/**
 * Reads and repairs a settings file in place. Missing file: defaults, no problem reported.
 * Empty, unparsable or schema-violating file: copied to `<file>.bak-<time>`, rewritten with the
 * repaired settings, and the problem returned in words.
 */
export function loadSettingsFile(
  file: string,
  now: () => number = Date.now
): { settings: Settings; problems: string[] } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return { settings: defaultSettings(), problems: [] }
    return {
      settings: defaultSettings(),
      problems: [`Could not read settings (${(err as Error).message}); using defaults for this session.`]
    }
  }
  let raw: unknown
  let parseError: string | undefined
  try {
    raw = JSON.parse(text)
  } catch (err) {
    parseError =
      text.trim() === '' ? 'the file was empty' : `it is not valid JSON (${(err as Error).message})`
  }
  const repaired: RepairResult = parseError
    ? { settings: defaultSettings(), badKeys: ['(whole file)'] }
    : repairSettings(raw)
  if (!parseError && repaired.badKeys.length === 0) return { settings: repaired.settings, problems: [] }

  const backup = `${file}.bak-${fileStamp(now())}`
  const problems: string[] = []
  try {
    copyFileSync(file, backup)
  } catch (err) {
    problems.push(`Could not back up the damaged settings (${(err as Error).message}).`)
  }
  const what = parseError
    ? `Settings could not be read because ${parseError}; defaults were restored.`
    : `Some settings were invalid and were reset to their defaults: ${repaired.badKeys.join(', ')}.`
  problems.unshift(`${what} The old file was kept as ${path.basename(backup)}.`)
  try {
    writeJsonAtomic(file, repaired.settings)
  } catch (err) {
    problems.push(`Could not save the repaired settings (${(err as Error).message}).`)
  }
  return { settings: repaired.settings, problems }
}

/** Writes JSON to a temp file and renames it over the target, so a crash never leaves half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n')
  renameSync(tmp, file)
}

/** Settings in `<dataDir>/settings.json` (serve and CLI). */
export class FileSettingsStore implements SettingsStore {
  private current: Settings
  readonly problems: readonly string[]

  constructor(
    readonly file: string,
    now: () => number = Date.now
  ) {
    const loaded = loadSettingsFile(file, now)
    this.current = loaded.settings
    this.problems = loaded.problems
  }

  /** The settings file of a data dir. */
  static forDataDir(dataDir: string, now?: () => number): FileSettingsStore {
    return new FileSettingsStore(path.join(dataDir, 'settings.json'), now)
  }

  get(): Settings {
    return structuredClone(this.current)
  }

  update(patch: SettingsPatch): Settings {
    const next = applySettingsPatch(this.current, patch)
    writeJsonAtomic(this.file, next)
    this.current = next
    return this.get()
  }
}

/** Settings held in memory only (tests, estimate workers). */
export class MemorySettingsStore implements SettingsStore {
  private current: Settings
  readonly problems: readonly string[] = []
  constructor(initial: Partial<Settings> = {}) {
    this.current = settingsSchema.parse({ ...defaultSettings(), ...initial })
  }
  get(): Settings {
    return structuredClone(this.current)
  }
  update(patch: SettingsPatch): Settings {
    this.current = applySettingsPatch(this.current, patch)
    return this.get()
  }
}

/** Async existence check used by callers that must not block. */
export async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file)
    return true
  } catch {
    return false
  }
}
