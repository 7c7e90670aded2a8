/** Model factories: the hyperparameters and the data shape decide both networks' architectures. */
import type { Hyperparams } from '../../../shared/hyperparams'
import { StudioError } from '../../../shared/errors'
import type { ArchSpec } from './arch'
import { dcganDiscriminator, dcganGenerator } from './dcgan'
import { mlpDiscriminator, mlpGenerator } from './mlp'

export interface GanArchs {
  generator: ArchSpec
  discriminator: ArchSpec
}

/**
 * Architectures for a config, a dataset sample shape [h, w, c] and the dataset's class count
 * (0 for an unlabelled set). `conditional` adds a one-hot label to G's latent and a projection
 * term to D; `spectralNorm` normalises every D kernel.
 */
export function buildArchs(config: Hyperparams, shape: [number, number, number], classes = 0): GanArchs {
  const [h, w, c] = shape
  if (h !== w) throw new Error(`Expected square images, but the dataset's are ${h}x${w}`)
  const o = { imageSize: h, channels: c, latentDim: config.latentDim, width: config.width }
  const oD = { ...o, width: config.widthD > 0 ? config.widthD : config.width }
  const archs =
    config.model === 'mlp'
      ? { generator: mlpGenerator(o), discriminator: mlpDiscriminator(oD) }
      : { generator: dcganGenerator(o), discriminator: dcganDiscriminator(oD) }
  if (config.conditional) {
    if (classes < 2) {
      throw new StudioError(
        'invalid-input',
        `Conditional training needs a labelled dataset with at least 2 classes, but '${config.dataset}' has ${classes === 0 ? 'no labels' : 'one class'}: import it with labels from sub-folders, or turn conditional off`
      )
    }
    archs.generator.conditioning = { classes, mode: 'concat' }
    archs.discriminator.conditioning = { classes, mode: 'projection' }
  }
  if (config.spectralNorm) archs.discriminator.spectralNorm = true
  return archs
}
