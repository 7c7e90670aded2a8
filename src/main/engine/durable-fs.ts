/**
 * Writes that survive a power cut: a file is fsynced before it is renamed into place, and a
 * folder is fsynced so the rename itself is on disk. Checkpoints, the dataset cache and run.json
 * are all written through these.
 */
import { promises as fs } from 'node:fs'

/** Writes `file` and fsyncs it before closing. */
export async function writeFileSynced(file: string, data: Uint8Array | string): Promise<void> {
  const fh = await fs.open(file, 'w')
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** Fsyncs a folder, so renames and new entries in it are durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}
