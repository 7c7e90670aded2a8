/**
 * Recursive walk of an import folder. Follows symlinks (people link photo folders in), but
 * remembers every directory it entered by device+inode so a link back to an ancestor (or any
 * directory seen before) is reported once instead of walked forever.
 */
import { promises as fs, type Stats } from 'node:fs'
import path from 'node:path'

/** One candidate file found by the walk. */
export interface ScannedFile {
  /** Absolute path as reached (through links, not resolved). */
  abs: string
  /** Path relative to the import root, with `/` separators: the key of incremental re-import. */
  rel: string
  size: number
  mtimeMs: number
  /** First-level sub-folder name, undefined for files directly in the root. */
  folder?: string
  /** Set when the entry exists but cannot be used as a file (fifo, socket, broken link, no access). */
  problem?: string
}

/** What the walk found: candidate files, plus directories it refused to re-enter. */
export interface ScanResult {
  files: ScannedFile[]
  /** Relative paths of directory links that lead back into an already visited directory. */
  loops: string[]
  /** Directories that could not be listed, with the reason. */
  unreadableDirs: { rel: string; reason: string }[]
}

/** Walks `root` depth-first, in sorted name order (so the dataset order is stable). Skips dot-files. */
export async function scanFolder(root: string, signal?: AbortSignal): Promise<ScanResult> {
  const result: ScanResult = { files: [], loops: [], unreadableDirs: [] }
  const seen = new Set<string>()
  const rootStat = await fs.stat(root)
  seen.add(`${rootStat.dev}:${rootStat.ino}`)
  await walk(root, '', result, seen, signal)
  return result
}

async function walk(
  dir: string,
  relDir: string,
  out: ScanResult,
  seen: Set<string>,
  signal?: AbortSignal
): Promise<void> {
  signal?.throwIfAborted()
  let names: string[]
  try {
    names = (await fs.readdir(dir)).sort()
  } catch (err) {
    out.unreadableDirs.push({ rel: relDir || '.', reason: errText(err) })
    return
  }
  for (const name of names) {
    if (name.startsWith('.')) continue
    const abs = path.join(dir, name)
    const rel = relDir ? `${relDir}/${name}` : name
    const folder = relDir ? relDir.split('/')[0] : undefined
    let st: Stats
    try {
      st = await fs.stat(abs)
    } catch (err) {
      // A broken link or an entry we may not stat: still a file the user put there, so it gets a status.
      const lst = await fs.lstat(abs).catch(() => undefined)
      out.files.push({
        abs,
        rel,
        size: lst?.size ?? 0,
        mtimeMs: lst?.mtimeMs ?? 0,
        folder,
        problem: errText(err)
      })
      continue
    }
    if (st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`
      if (seen.has(key)) {
        out.loops.push(rel)
        continue
      }
      seen.add(key)
      await walk(abs, rel, out, seen, signal)
    } else if (st.isFile()) {
      out.files.push({ abs, rel, size: st.size, mtimeMs: st.mtimeMs, folder })
    } else {
      // Opening a fifo would block forever: refuse it from its type.
      out.files.push({
        abs,
        rel,
        size: 0,
        mtimeMs: st.mtimeMs,
        folder,
        problem: 'not a regular file (pipe, socket or device)'
      })
    }
  }
}

function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ENOENT') return 'broken link: the target does not exist'
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'no permission to read it'
  if (e?.code === 'ELOOP') return 'link loop'
  return e?.message ?? String(err)
}
