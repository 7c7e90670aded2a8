/** Model factories: the hyperparameters and the data shape decide both networks' architectures. */
import type { Hyperparams } from '../../../shared/hyperparams'
import type { ArchSpec } from './arch'
import { dcganDiscriminator, dcganGenerator } from './dcgan'
import { mlpDiscriminator, mlpGenerator } from './mlp'

export interface GanArchs {
  generator: ArchSpec
  discriminator: ArchSpec
}

/** Architectures for a config and a dataset sample shape [h, w, c]. */
export function buildArchs(config: Hyperparams, shape: [number, number, number]): GanArchs {
  const [h, w, c] = shape
  if (h !== w) throw new Error(`Expected square images, but the dataset's are ${h}x${w}`)
  const o = { imageSize: h, channels: c, latentDim: config.latentDim, width: config.width }
  if (config.model === 'mlp') return { generator: mlpGenerator(o), discriminator: mlpDiscriminator(o) }
  return { generator: dcganGenerator(o), discriminator: dcganDiscriminator(o) }
}
