/**
 * Append-only JSON-lines files (metrics.jsonl, events.jsonl). Appends are single writes of whole
 * lines; a reader skips a partial last line left by a kill, and any line that does not parse.
 */
import { promises as fs } from 'node:fs'

/** Appends records as lines in one write. */
export async function appendJsonl(file: string, records: readonly unknown[]): Promise<void> {
  if (records.length === 0) return
  await fs.appendFile(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
}

/** Reads every complete, parseable line; a missing file reads as empty. */
export async function readJsonl<T>(file: string): Promise<T[]> {
  const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return ''
    throw e
  })
  const out: T[] = []
  const lines = text.split('\n')
  // The last element is '' after a final newline, or a partial line after a kill: skip it either way.
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i] as string
    if (!line) continue
    try {
      out.push(JSON.parse(line) as T)
    } catch {
      // A damaged line (e.g. a torn write) is skipped rather than failing the whole history.
    }
  }
  return out
}
