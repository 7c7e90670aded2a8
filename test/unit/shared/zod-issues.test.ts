/** Every zod check reports its problems the same way: field, message, unknown fields named. */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defaultSettings, parseRequest } from '../../../src/shared/contract'
import { validateHyperparams } from '../../../src/shared/hyperparams'
import { describeZodError, zodIssues } from '../../../src/shared/zod-issues'
import { applySettingsPatch } from '../../../src/main/services/settings'

const schema = z.object({ a: z.object({ b: z.number().max(3) }), c: z.string() }).strict()

describe('zod issues in words', () => {
  it('names each field, nested paths dotted, unknown fields listed', () => {
    const r = schema.safeParse({ a: { b: 5 }, c: 'x', d: 1, e: 2 })
    expect(r.success).toBe(false)
    expect(zodIssues(r.error!)).toEqual([
      { field: 'a.b', message: 'Too big: expected number to be <=3' },
      { field: '(value)', message: 'unknown fields d, e' }
    ])
    expect(describeZodError(r.error!, { whole: '(payload)', max: 1 })).toBe(
      'a.b: Too big: expected number to be <=3'
    )
  })

  it('requests, settings and hyperparameters all say it that way', () => {
    expect(() => parseRequest('runs:get', { runId: 'ok', extra: 1 })).toThrow(
      'Invalid runs:get request: (payload): unknown field extra'
    )
    expect(() => applySettingsPatch(defaultSettings(), { nope: 1 })).toThrow(
      'Invalid settings: (value): unknown field nope'
    )
    expect(validateHyperparams({ batchSize: 0 })).toEqual({
      ok: false,
      issues: [{ field: 'batchSize', message: 'Too small: expected number to be >=1' }]
    })
  })
})
