/** Moves a trainer's tensors to and from checkpoints, by name, checking every shape. */
import { tf } from '../tf'
import type { GanTrainer } from '../trainer'
import type { GanArchs } from '../models'
import { hyperparamsSchema, type Hyperparams } from '../../../shared/hyperparams'
import { TENSOR_GROUPS } from './format'
import type { LoadedCheckpoint } from './reader'
import type { HostTensors } from './writer'

/** Copies every tensor a checkpoint holds to the host (one read per tensor, no dataSync). */
export async function readHostTensors(trainer: GanTrainer): Promise<HostTensors> {
  const groups = trainer.tensorGroups()
  const out: HostTensors = {}
  for (const g of TENSOR_GROUPS) {
    const list = []
    for (const [name, v] of groups[g])
      list.push({ name, shape: v.shape, values: new Float32Array(await v.data()) })
    if (list.length > 0) out[g] = list
  }
  return out
}

/**
 * Assigns a checkpoint's tensors to the trainer. Every tensor the trainer holds must be in the
 * checkpoint with the same shape, and nothing extra: a mismatch means another architecture.
 * `skipOptimizers` starts both optimizers fresh (tests use it to prove the state matters). A
 * network whose optimizer kind differs from the checkpoint's (a branch that switches, say, Adam
 * to RMSProp) starts its new optimizer fresh: the old one's slots mean nothing to it.
 */
export function restoreTensors(
  trainer: GanTrainer,
  ckpt: LoadedCheckpoint,
  opts: { skipOptimizers?: boolean } = {}
): void {
  const groups = trainer.tensorGroups()
  const savedKinds = {
    generator: ckpt.state.config.optimizerG ?? 'adam',
    discriminator: ckpt.state.config.optimizerD ?? 'adam'
  }
  const switched = (['generator', 'discriminator'] as const).filter(
    (n) => savedKinds[n] !== (n === 'generator' ? trainer.optG.kind : trainer.optD.kind)
  )
  const ofSwitched = (name: string): boolean => switched.some((n) => name.startsWith(`${n}/`))
  for (const g of TENSOR_GROUPS) {
    if (g === 'optimizers' && opts.skipOptimizers) continue
    let target = groups[g]
    let saved = new Map((ckpt.tensors[g] ?? []).map((t) => [t.name, t]))
    if (g === 'optimizers' && switched.length > 0) {
      target = new Map([...target].filter(([name]) => !ofSwitched(name)))
      saved = new Map([...saved].filter(([name]) => !ofSwitched(name)))
    }
    if (g === 'ema' && target.size > 0 && saved.size === 0) {
      // EMA turned on for a run saved without it: start the average from the generator.
      continue
    }
    for (const [name, v] of target) {
      const t = saved.get(name)
      if (!t) throw new Error(`The checkpoint has no ${g} tensor ${name}: it was saved by a different model`)
      if (t.shape.join('x') !== v.shape.join('x')) {
        throw new Error(
          `The checkpoint's ${g}/${name} has shape [${t.shape.join(', ')}], the model needs [${v.shape.join(', ')}]`
        )
      }
      tf.tidy(() => v.assign(tf.tensor(t.values, t.shape)))
    }
    if (g !== 'ema') {
      for (const name of saved.keys()) {
        if (!target.has(name))
          throw new Error(
            `The checkpoint has an extra ${g} tensor ${name}: it was saved by a different model`
          )
      }
    }
  }
  trainer.restoreCursor(ckpt.state.cursor)
  if (opts.skipOptimizers || switched.includes('generator')) trainer.optG.reset()
  if (opts.skipOptimizers || switched.includes('discriminator')) trainer.optD.reset()
}

const ARCH_FIELDS = [
  'model',
  'imageSize',
  'width',
  'widthD',
  'latentDim',
  'conditional',
  'spectralNorm'
] as const

/** Differences that make a checkpoint unusable for a config, in words; empty when compatible. */
export function resumeMismatches(
  saved: { config: Hyperparams; archs: GanArchs; dataset: { id: string; fingerprint: string } },
  config: Hyperparams,
  archs: GanArchs,
  dataset: { id: string; fingerprint: string }
): string[] {
  const out: string[] = []
  if (saved.dataset.fingerprint !== dataset.fingerprint) {
    out.push(
      saved.dataset.id === dataset.id
        ? `dataset '${dataset.id}' changed since the checkpoint (fingerprint ${saved.dataset.fingerprint.slice(0, 12)} → ${dataset.fingerprint.slice(0, 12)})`
        : `dataset: the checkpoint was trained on '${saved.dataset.id}', this run asks for '${dataset.id}'`
    )
  }
  // A checkpoint written before a field existed has the field's default (e.g. widthD 0).
  const parsed = hyperparamsSchema.safeParse(saved.config)
  const savedConfig = parsed.success ? parsed.data : saved.config
  for (const f of ARCH_FIELDS) {
    const a = savedConfig[f]
    const b = config[f]
    if (JSON.stringify(a) !== JSON.stringify(b))
      out.push(`${f}: the checkpoint has ${JSON.stringify(a)}, this run asks for ${JSON.stringify(b)}`)
  }
  if (out.length === 0 && JSON.stringify(saved.archs) !== JSON.stringify(archs))
    out.push('model architecture differs from the checkpoint')
  return out
}
