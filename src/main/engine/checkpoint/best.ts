/**
 * The best checkpoint of a run by GAN Studio FD: `checkpoints/best.json` names it. The session
 * writes a checkpoint whenever a new FD beats every earlier one and moves `best.json` to it, so a
 * late collapse never costs the best model. Pruning never removes the checkpoint it names (it is
 * pinned automatically); the one it replaces becomes an ordinary checkpoint again.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../runs/store'
import { stepOfCheckpoint } from './format'

export interface BestCheckpoint {
  /** Checkpoint dir name, e.g. `ckpt-001200`. */
  name: string
  step: number
  /** GAN Studio FD at that step (lower is better). */
  fd: number
}

export const BEST_FILE = 'best.json'

/** The run's best checkpoint, or undefined (no FD yet, no classifier, or an unreadable file). */
export async function readBest(checkpointsDir: string): Promise<BestCheckpoint | undefined> {
  try {
    const v = JSON.parse(
      await fs.readFile(path.join(checkpointsDir, BEST_FILE), 'utf8')
    ) as Partial<BestCheckpoint>
    if (typeof v.name !== 'string' || stepOfCheckpoint(v.name) === undefined) return undefined
    if (typeof v.fd !== 'number' || !Number.isFinite(v.fd)) return undefined
    return { name: v.name, step: stepOfCheckpoint(v.name) ?? 0, fd: v.fd }
  } catch {
    return undefined
  }
}

/** Points `best.json` at a checkpoint (atomic replace). */
export async function writeBest(checkpointsDir: string, best: BestCheckpoint): Promise<void> {
  await writeFileAtomic(path.join(checkpointsDir, BEST_FILE), JSON.stringify(best))
}
