/**
 * GAN objectives on raw discriminator outputs (logits for `ns`). Each returns scalar losses; the
 * trainer differentiates them. WGAN-GP's gradient penalty (it needs D itself) is in gp.ts, added
 * by the trainer; gp.ts also checks the backend can differentiate it.
 */
import type { LossKind } from '../../shared/hyperparams'
import { tf } from './tf'

/** Discriminator loss from D's outputs on real and generated batches. */
export function discriminatorLoss(kind: LossKind, real: tf.Tensor, fake: tf.Tensor): tf.Scalar {
  switch (kind) {
    case 'ns':
      // -log σ(r) - log(1-σ(f)) = softplus(-r) + softplus(f), stable for any logit.
      return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar
    case 'hinge':
      return tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))) as tf.Scalar
    case 'lsgan':
      return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake)))) as tf.Scalar
    case 'wgan-gp':
      return tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar
  }
}

/** Generator loss from D's outputs on a generated batch. */
export function generatorLoss(kind: LossKind, fake: tf.Tensor): tf.Scalar {
  switch (kind) {
    case 'ns':
      return tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar
    case 'hinge':
    case 'wgan-gp':
      return tf.neg(tf.mean(fake)) as tf.Scalar
    case 'lsgan':
      return tf.mul(0.5, tf.mean(tf.square(tf.sub(fake, 1)))) as tf.Scalar
  }
}

/** D's mean output in the units charts show: a probability for `ns`, the raw score otherwise. */
export function meanScore(kind: LossKind, out: tf.Tensor): tf.Scalar {
  return (kind === 'ns' ? tf.mean(tf.sigmoid(out)) : tf.mean(out)) as tf.Scalar
}
