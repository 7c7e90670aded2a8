/**
 * Messages between the Playground view and its Web Worker. Pictures travel as typed arrays whose
 * buffers are transferred, not copied.
 */
import type { LiveChange, LiveEdit, PlaygroundConfig } from './config'
import type { Picture, StepMetrics } from './engine'
import type { Coverage } from './metrics'

export type ToWorker =
  /** Start over (step 0) with this config and optional live edits to replay. */
  | { type: 'reset'; config: PlaygroundConfig; edits?: LiveEdit[] }
  | { type: 'play' }
  | { type: 'pause' }
  /** One training step, then a picture. */
  | { type: 'step' }
  /** Training steps between two pictures while playing. */
  | { type: 'speed'; stepsPerFrame: number }
  | { type: 'change'; change: LiveChange }
  /** Reset to a scenario's config and run its steps; ends with `scenario-done`. */
  | { type: 'scenario'; id: string }

export interface FrameMessage {
  type: 'frame'
  picture: Picture
  /** Every step's metrics since the previous frame. */
  metrics: StepMetrics[]
  playing: boolean
  diverged: boolean
  /** Training steps per second over the last second of play (0 when paused). */
  stepsPerSecond: number
}

export interface ScenarioResult {
  id: string
  step: number
  coverage: Coverage
}

export type FromWorker =
  | FrameMessage
  /** The run after a reset (settings with live edits, for the form and for saving). */
  | { type: 'state'; config: PlaygroundConfig; initial: PlaygroundConfig; edits: LiveEdit[] }
  | { type: 'scenario-done'; result: ScenarioResult }
  /** A message a user can act on; the worker keeps its previous run. */
  | { type: 'error'; message: string }
