/** The `--threads` flag, shared by every command that loads a compute backend. */
import type { FlagSpec } from './args'
import { MAX_WASM_THREADS } from '../engine/thread-count'

export const THREADS_FLAG: FlagSpec = {
  type: 'int',
  min: 0,
  max: 256,
  help: `wasm compute threads: 0 = one per physical core (the default), at most ${MAX_WASM_THREADS} are used`
}

/** The flag's value; undefined lets loadBackend take GAN_STUDIO_THREADS, else one per physical core. */
export function threadsFlag(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined
}
