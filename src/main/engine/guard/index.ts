/**
 * The training guard: what happens after a non-finite loss or gradient. The trainer never applies
 * such an update (Adam skips it on the device, see GanTrainer.guardedApply) and counts it in the
 * metric accumulator; the session reads that count with the once-per-logEvery host read and calls
 * `recover`: roll back to the latest complete checkpoint (restored in memory), halve both
 * learning rates and record a `rollback` event. After `MAX_ROLLBACKS` rollbacks in one session
 * the next failure stops the run with a message saying what happened and what to try.
 */
import path from 'node:path'
import type { RunEvent } from '../../../shared/domain'
import type { LiveHyperparams } from '../../../shared/hyperparams'
import { checkpointName } from '../checkpoint/format'
import { findLatestCheckpoint } from '../checkpoint/reader'
import { restoreTensors } from '../checkpoint/trainer-io'
import { RUN_FILES, trimMetrics } from '../runs/store'
import type { GanTrainer } from '../trainer'

/** Rollbacks allowed per session; the next non-finite update after these stops the run. */
export const MAX_ROLLBACKS = 3

/** What the session should do after a non-finite update. */
export type GuardOutcome =
  /** Continue from `restoredStep` with the `live` hyperparameters (the session applies them). */
  | { stop: false; event: RunEvent; restoredStep: number; live: LiveHyperparams }
  | { stop: true; event: RunEvent; message: string }

export class TrainingGuard {
  /** Rollbacks done in this session. */
  rollbacks = 0
  private readonly history: number[] = []

  /**
   * Handles `skipped` non-finite updates seen in the log window ending at the trainer's current
   * step: restores the latest checkpoint of `runDir` into the trainer and trims metrics.jsonl to
   * the restored step. Returns the event to record and the halved learning rates, which the
   * session applies like any live change (so run.json and the UI get them too).
   */
  async recover(trainer: GanTrainer, runDir: string, skipped: number): Promise<GuardOutcome> {
    const badStep = trainer.step
    this.history.push(badStep)
    const { lrG, lrD } = trainer.config
    if (this.rollbacks >= MAX_ROLLBACKS) {
      const message =
        `Training stopped at step ${badStep}: losses or gradients became NaN or infinite again (at steps ${this.history.join(', ')}) ` +
        `after ${MAX_ROLLBACKS} rollbacks, each to the last good checkpoint with both learning rates halved (now lrG ${lrG}, lrD ${lrD}). ` +
        'No bad update was applied; the checkpoints are intact. Try: branch from the last checkpoint with lower learning rates, ' +
        'gradient clipping (clipNorm 1), spectral normalisation, or the hinge loss; if it happens at once, check the dataset for broken images.'
      return {
        stop: true,
        message,
        event: {
          kind: 'error',
          step: badStep,
          time: Date.now(),
          message,
          data: { code: 'non-finite', steps: [...this.history] }
        }
      }
    }
    this.rollbacks += 1
    const found = await findLatestCheckpoint(path.join(runDir, RUN_FILES.checkpoints))
    let restoredStep = badStep
    let where: string
    if (found) {
      restoreTensors(trainer, found.checkpoint)
      restoredStep = found.checkpoint.state.step
      where = `rolled back to ${found.checkpoint.name} (step ${restoredStep})`
      await trimMetrics(runDir, restoredStep)
    } else {
      // Nothing saved yet: the bad updates were skipped on the device, so the weights are as before.
      where = `no checkpoint exists yet, so training continues from step ${badStep} without the skipped update${skipped === 1 ? '' : 's'}`
    }
    const next = { lrG: lrG / 2, lrD: lrD / 2 }
    const message =
      `Non-finite loss or gradient: ${skipped} update${skipped === 1 ? ' was' : 's were'} skipped before step ${badStep}; ${where}, ` +
      `and both learning rates were halved (lrG ${lrG} → ${next.lrG}, lrD ${lrD} → ${next.lrD}). Rollback ${this.rollbacks} of ${MAX_ROLLBACKS}.`
    return {
      stop: false,
      restoredStep,
      live: next,
      event: {
        kind: 'rollback',
        step: restoredStep,
        time: Date.now(),
        message,
        data: {
          code: 'non-finite',
          fromStep: badStep,
          toStep: restoredStep,
          checkpoint: found ? checkpointName(restoredStep) : null,
          skippedUpdates: skipped,
          before: { lrG, lrD },
          after: next,
          rollbacks: this.rollbacks,
          suggestion:
            'If this repeats, lower the learning rates, turn on gradient clipping or spectral normalisation.'
        }
      }
    }
  }
}
