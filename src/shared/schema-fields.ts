/**
 * What a zod field accepts, read from the schema itself: its kind, choices, limits and default.
 * The Train form and the CLI's flags are both generated from the hyperparameter schema through
 * this, so a limit or a default is written once, in the schema.
 */
import type { z } from 'zod'

/** The shape of one field as a control (or a flag) needs it. */
export interface FieldShape {
  /** `select` for enums and literal unions, `multi` for arrays of an enum, `other` for the rest. */
  kind: 'number' | 'text' | 'select' | 'boolean' | 'multi' | 'other'
  options: Array<string | number>
  min?: number
  max?: number
  /** True when the limit itself is not allowed (`gt`/`lt` rather than `min`/`max`). */
  minExclusive?: boolean
  maxExclusive?: boolean
  integer: boolean
  /** The schema's default, when it has one. */
  default?: unknown
}

interface Inspectable {
  def: {
    type: string
    innerType?: unknown
    defaultValue?: unknown
    checks?: Array<{ _zod?: { def?: { check?: string; value?: unknown; inclusive?: boolean } } }>
  }
  options?: unknown[]
  element?: { options?: unknown[] }
  isInt?: boolean
  format?: string | null
}

/** Reads a zod schema's shape without depending on zod's private classes beyond `def`. */
export function fieldShape(schema: z.ZodType): FieldShape {
  let s = schema as unknown as Inspectable
  let fallback: unknown
  while (s.def.type === 'default' || s.def.type === 'optional') {
    if (s.def.type === 'default' && fallback === undefined) fallback = s.def.defaultValue
    s = s.def.innerType as Inspectable
  }
  const withDefault = (shape: FieldShape): FieldShape =>
    fallback === undefined ? shape : { ...shape, default: fallback }
  switch (s.def.type) {
    case 'number': {
      const integer = s.isInt === true || (s.format ?? '').includes('int')
      const r: FieldShape = { kind: 'number', options: [], integer }
      for (const c of s.def.checks ?? []) {
        const d = c._zod?.def
        if (typeof d?.value !== 'number' || !Number.isFinite(d.value)) continue
        // zod keeps every bound it was given; the tightest one applies.
        if (d.check === 'greater_than' && (r.min === undefined || d.value >= r.min)) {
          r.min = d.value
          r.minExclusive = d.inclusive === false
        } else if (d.check === 'less_than' && (r.max === undefined || d.value <= r.max)) {
          r.max = d.value
          r.maxExclusive = d.inclusive === false
        }
      }
      if (!r.minExclusive) delete r.minExclusive
      if (!r.maxExclusive) delete r.maxExclusive
      return withDefault(r)
    }
    case 'boolean':
      return withDefault({ kind: 'boolean', options: [], integer: false })
    case 'string':
      return withDefault({ kind: 'text', options: [], integer: false })
    case 'enum':
      return withDefault({ kind: 'select', options: (s.options ?? []) as string[], integer: false })
    case 'union': {
      const opts = ((s.options ?? []) as Array<{ value?: unknown; def?: { values?: unknown[] } }>).map(
        (o) => (o.value ?? o.def?.values?.[0]) as string | number
      )
      return withDefault({
        kind: 'select',
        options: opts,
        integer: opts.every((o) => typeof o === 'number' && Number.isInteger(o))
      })
    }
    case 'array':
      return withDefault({ kind: 'multi', options: (s.element?.options ?? []) as string[], integer: false })
    default:
      return withDefault({ kind: 'other', options: [], integer: false })
  }
}
