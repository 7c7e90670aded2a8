import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  PRESETS,
  defaultHyperparams,
  hyperparamsSchema,
  validateHyperparams,
  type Hyperparams,
  type LiveHyperparams
} from '../../../shared/hyperparams'
import { studio } from '../api'
import type { Estimate } from '../api'
import { hyperparamFields, type HyperparamField } from '../utils/hyperparam-fields'
import { useNotifyStore } from './notify'

/** What a form control holds: text for numbers (so a half-typed value is not lost), else the value. */
export type RawValue = string | boolean | Array<string>

/** The fields of the form, computed once from the schema. */
export const FIELDS: readonly HyperparamField[] = hyperparamFields()

function toRaw(config: Hyperparams): Record<string, RawValue> {
  const raw: Record<string, RawValue> = {}
  for (const f of FIELDS) {
    const v = config[f.key]
    if (f.kind === 'boolean') raw[f.key] = Boolean(v)
    else if (f.kind === 'multi') raw[f.key] = [...(v as string[])]
    // An optional field left out (image size: the dataset's own) is the empty choice.
    else raw[f.key] = v === undefined ? '' : String(v)
  }
  return raw
}

/**
 * The schema's message in fewer words, so it fits under a field on one line:
 * "Too small: expected number to be >=1" becomes "Must be at least 1".
 */
export function shortMessage(message: string): string {
  const rules: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/^Too small: expected number to be >=\s*(\S+)/, (m) => `Must be at least ${m[1]}`],
    [/^Too small: expected number to be >\s*(\S+)/, (m) => `Must be more than ${m[1]}`],
    [/^Too big: expected number to be <=\s*(\S+)/, (m) => `Must be at most ${m[1]}`],
    [/^Too big: expected number to be <\s*(\S+)/, (m) => `Must be less than ${m[1]}`],
    [/expected int/, () => 'Must be a whole number'],
    [/^Invalid option: expected one of (.*)$/, (m) => `Choose one of ${m[1]?.replace(/"/g, '')}`]
  ]
  for (const [re, fmt] of rules) {
    const m = re.exec(message)
    if (m) return fmt(m)
  }
  return message
}

/** The preset's values on top of the schema's defaults. */
export function presetConfig(id: string): Hyperparams {
  const preset = PRESETS.find((p) => p.id === id)
  return hyperparamsSchema.parse({ ...defaultHyperparams(), ...(preset?.values ?? {}) })
}

/**
 * The Train form: raw control values, per-field messages from the shared schema, presets and the
 * dry-run estimate. Kept in a store so the form survives switching views.
 */
export const useTrainFormStore = defineStore('trainForm', () => {
  const notify = useNotifyStore()
  const presetId = ref<string>(PRESETS[0]?.id ?? 'mnist-default')
  const raw = ref<Record<string, RawValue>>(toRaw(presetConfig(presetId.value)))
  const runName = ref('')
  const estimate = ref<Estimate | null>(null)
  const estimating = ref(false)

  /** Parses the raw values; number problems are reported in words before the schema runs. */
  const parsed = computed(() => {
    const issues: Record<string, string> = {}
    const input: Record<string, unknown> = {}
    for (const f of FIELDS) {
      const v = raw.value[f.key]
      if (f.kind === 'number') {
        const text = String(v ?? '').trim()
        if (text === '') {
          issues[f.key] = 'Enter a value'
          continue
        }
        const n = Number(text)
        if (!Number.isFinite(n)) {
          issues[f.key] = 'Enter a number'
          continue
        }
        input[f.key] = n
      } else if (f.kind === 'select' && typeof f.options[0] === 'number') {
        if (v !== '') input[f.key] = Number(v)
      } else input[f.key] = v
    }
    const r = validateHyperparams(input)
    if (!r.ok) {
      for (const i of r.issues) {
        const key = i.field.split('.')[0] ?? i.field
        if (!issues[key]) issues[key] = shortMessage(i.message)
      }
    }
    const ok = r.ok && Object.keys(issues).length === 0
    return { ok, issues, config: r.ok ? r.value : null }
  })

  const issues = computed(() => parsed.value.issues)
  const valid = computed(() => parsed.value.ok)
  const config = computed<Hyperparams | null>(() => (parsed.value.ok ? parsed.value.config : null))

  function setField(key: string, value: RawValue): void {
    raw.value = { ...raw.value, [key]: value }
    estimate.value = null
  }

  /** Loads a preset, keeping the chosen dataset. */
  function applyPreset(id: string): void {
    const dataset = raw.value.dataset
    presetId.value = id
    raw.value = toRaw(presetConfig(id))
    if (typeof dataset === 'string' && dataset) raw.value.dataset = dataset
    estimate.value = null
  }

  /** Shows a run's configuration (after opening or restoring it). */
  function loadConfig(config: Hyperparams): void {
    raw.value = toRaw(config)
  }

  /** The live-editable fields whose value differs from `current`. */
  function liveChanges(current: Hyperparams): LiveHyperparams {
    const out: Record<string, number> = {}
    const cfg = config.value
    if (!cfg) return {}
    for (const f of FIELDS) {
      if (!f.live) continue
      const v = cfg[f.key]
      if (typeof v === 'number' && v !== current[f.key]) out[f.key] = v
    }
    return out as LiveHyperparams
  }

  async function runEstimate(): Promise<void> {
    const cfg = config.value
    if (!cfg) return
    estimating.value = true
    try {
      estimate.value = await studio.training.estimate({ config: cfg, steps: 5 })
    } catch (err) {
      notify.error('Could not estimate the speed', err)
    } finally {
      estimating.value = false
    }
  }

  return {
    presetId,
    raw,
    runName,
    estimate,
    estimating,
    issues,
    valid,
    config,
    setField,
    applyPreset,
    loadConfig,
    liveChanges,
    runEstimate
  }
})
