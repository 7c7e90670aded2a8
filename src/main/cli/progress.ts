/** A one-line progress bar for TTYs: bar, count, rate and ETA, redrawn in place. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = s % 60
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`
    : `${m}:${String(r).padStart(2, '0')}`
}

/** GAN Studio FD as the CLI prints it: two decimals below 100, none above. */
export function formatFd(fd: number): string {
  if (!Number.isFinite(fd)) return '—'
  return fd < 100 ? fd.toFixed(2) : fd.toFixed(0)
}

export function progressLine(
  done: number,
  total: number,
  detail: string,
  etaSeconds: number,
  width = 28
): string {
  const f = total > 0 ? Math.min(1, done / total) : 0
  const full = Math.round(f * width)
  const bar = '█'.repeat(full) + '░'.repeat(width - full)
  return `${bar} ${String(Math.round(f * 100)).padStart(3)}% ${done}/${total} ${detail} ETA ${formatDuration(etaSeconds)}`
}

export class ProgressBar {
  private last = 0
  constructor(private readonly write: (s: string) => void) {}

  /** Redraws at most 10 times a second (always for the final update). */
  update(done: number, total: number, detail: string, etaSeconds: number): void {
    const now = Date.now()
    if (done < total && now - this.last < 100) return
    this.last = now
    this.write(`\r\x1b[2K${progressLine(done, total, detail, etaSeconds)}`)
  }

  done(): void {
    this.write('\n')
  }
}
