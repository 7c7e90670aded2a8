/** Builds each network's optimizer from the run's hyperparameters. */
import type { Hyperparams } from '../../../shared/hyperparams'
import type { tf } from '../tf'
import { Adam } from './adam'
import { ExtraAdam } from './extragradient'
import { Momentum } from './momentum'
import type { Optimizer } from './optimizer'
import { OptimisticAdam } from './optimistic-adam'
import { RmsProp } from './rmsprop'

/** The optimizer for one network, from the run's hyperparameters. */
export function createOptimizer(
  config: Hyperparams,
  net: 'generator' | 'discriminator',
  weights: ReadonlyMap<string, tf.Variable>,
  /** The live learning rate, read at every update (see GanTrainer.setLive). */
  lr: () => number
): Optimizer {
  const kind = net === 'generator' ? config.optimizerG : config.optimizerD
  const live = {
    get lr(): number {
      return lr()
    }
  }
  const adam = Object.assign(live, { beta1: config.beta1, beta2: config.beta2, epsilon: 1e-8 })
  switch (kind) {
    case 'adam':
      return new Adam(adam, weights)
    case 'optimistic-adam':
      return new OptimisticAdam(adam, weights)
    case 'extragradient':
      return new ExtraAdam(adam, weights)
    case 'rmsprop':
      return new RmsProp(Object.assign(live, { decay: config.rmsDecay, epsilon: 1e-8 }), weights)
    case 'sgd-momentum':
      return new Momentum(Object.assign(live, { momentum: config.momentum }), weights)
  }
}
