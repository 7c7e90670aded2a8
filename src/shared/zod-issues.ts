/**
 * A zod error in words a user can act on: one field/message pair per problem, unknown fields
 * named, and one line for messages. Every place that validates with zod (requests, settings,
 * hyperparameters, CLI flags) reports through this, so they all say it the same way.
 */
import type { z } from 'zod'

/** One problem with one field, in words a user can act on. */
export interface FieldIssue {
  field: string
  message: string
}

/** Flattens a zod error into field/message pairs; `whole` names the value itself (empty path). */
export function zodIssues(error: z.ZodError, whole = '(value)'): FieldIssue[] {
  return error.issues.map((i) => ({
    field: i.path.join('.') || whole,
    message:
      i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`
        : i.message
  }))
}

/** "field: message; field: message" for the first `max` problems. */
export function describeZodError(error: z.ZodError, opts: { whole?: string; max?: number } = {}): string {
  return zodIssues(error, opts.whole)
    .slice(0, opts.max ?? 8)
    .map((i) => `${i.field}: ${i.message}`)
    .join('; ')
}
