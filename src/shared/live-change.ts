/**
 * Which live hyperparameters a run event changed. A user's edit (`hyperparams`) and the NaN
 * guard's halved learning rates (`rollback`) both record their new values as `data.after`; the UI
 * applies them to the run it shows, so it never keeps a value the trainer no longer uses.
 */
import type { RunEvent } from './domain'
import { liveHyperparamsSchema, type LiveHyperparams } from './hyperparams'

/** The live hyperparameters `event` set, or undefined when it set none. */
export function liveChangeOf(event: RunEvent): LiveHyperparams | undefined {
  if (event.kind !== 'hyperparams' && event.kind !== 'rollback') return undefined
  const r = liveHyperparamsSchema.safeParse(event.data?.after)
  return r.success && Object.keys(r.data).length > 0 ? r.data : undefined
}
