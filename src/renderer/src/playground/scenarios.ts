/**
 * Scripted scenarios: a config, a seed and a number of steps. Each reports modes covered and the
 * high-quality share at its last step; the engine is deterministic, so these numbers are the same
 * on every run (test/unit/renderer/playground/scenarios.test.ts holds them).
 */
import { DEFAULT_CONFIG, type PlaygroundConfig } from './config'

export interface Scenario {
  id: string
  title: string
  /** What to look for, in one sentence. */
  description: string
  steps: number
  config: PlaygroundConfig
}

/** Small networks and batches: a scenario finishes in seconds, in the browser and in the tests. */
const BASE: PlaygroundConfig = {
  ...DEFAULT_CONFIG,
  seed: 1,
  generator: { depth: 2, width: 24 },
  discriminator: { depth: 2, width: 24 },
  batchSize: 64
}

function make(
  id: string,
  title: string,
  description: string,
  over: Partial<PlaygroundConfig>,
  steps = 600
): Scenario {
  return { id, title, description, steps, config: { ...BASE, ...over } }
}

const adam = (lr: number): PlaygroundConfig['optG'] => ({ kind: 'adam', lr })
const balanced: Partial<PlaygroundConfig> = { updates: 'alternating', dSteps: 2 }

export const SCENARIOS: readonly Scenario[] = [
  make(
    'ring-g-outruns-d',
    'Ring · G outruns D (collapse)',
    'Simultaneous Adam with G ten times faster than D: D cannot keep up, G piles its points on one or two modes and hops between them.',
    { target: 'ring', optG: adam(0.01), optD: adam(0.001) }
  ),
  make(
    'ring-balanced',
    'Ring · alternating, 2 D steps (covers all 8)',
    'Alternating Adam with two D updates per G update: D stays ahead, its gradient spreads the points over all eight modes.',
    { target: 'ring', ...balanced }
  ),
  make(
    'ring-sgd-momentum',
    'Ring · simultaneous SGD with momentum (oscillation)',
    'Momentum makes the simultaneous game rotate: the points circle and hop instead of settling.',
    { target: 'ring', optG: { kind: 'sgdm', lr: 0.005 }, optD: { kind: 'sgdm', lr: 0.005 } }
  ),
  make(
    'ring-extragradient',
    'Ring · extragradient (rotation damped)',
    'Same game as the SGD scenario, but each update uses the gradient at a look-ahead point, which damps the rotation: the points reach all eight modes.',
    { target: 'ring', optG: { kind: 'extragradient', lr: 0.05 }, optD: { kind: 'extragradient', lr: 0.05 } }
  ),
  make('grid-balanced', 'Grid · alternating, 2 D steps', 'Twenty-five modes are much harder than eight.', {
    target: 'grid',
    ...balanced
  }),
  make(
    'moons-balanced',
    'Two moons · alternating, 2 D steps',
    'A curved target: the warped latent grid bends.',
    {
      target: 'moons',
      ...balanced
    }
  ),
  make(
    'spiral-balanced',
    'Spiral · alternating, 2 D steps',
    'A long thin curve: coverage of its far end comes last.',
    {
      target: 'spiral',
      ...balanced
    }
  ),
  make(
    'gaussian-sgd-momentum',
    'Single Gaussian · simultaneous SGD with momentum',
    'Even one Gaussian is not safe: with momentum the points swing off the target and back (watch the loss chart and the step-200 picture).',
    { target: 'gaussian', optG: { kind: 'sgdm', lr: 0.01 }, optD: { kind: 'sgdm', lr: 0.01 } }
  )
]

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id)
}
